package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/** Attribute names the tests assert that no semconv artifact holds (written out on purpose). */
final class Keys {
  static final AttributeKey<Double> COST = doubleKey("gen_ai.usage.cost");
  static final AttributeKey<Double> TOTAL_COST = doubleKey("oteltoolkit.gen_ai.total.cost");
  static final AttributeKey<Long> TOTAL_INPUT = longKey("oteltoolkit.gen_ai.total.input_tokens");
  static final AttributeKey<Long> TOTAL_OUTPUT = longKey("oteltoolkit.gen_ai.total.output_tokens");
  static final AttributeKey<String> INPUT_MESSAGES = stringKey("gen_ai.input.messages");
  static final AttributeKey<String> OUTPUT_MESSAGES = stringKey("gen_ai.output.messages");
  static final AttributeKey<String> SYSTEM_INSTRUCTIONS = stringKey("gen_ai.system_instructions");
  static final AttributeKey<String> API_TYPE = stringKey("openai.api.type");
  static final AttributeKey<String> REQUEST_SERVICE_TIER = stringKey("openai.request.service_tier");
  static final AttributeKey<String> RESPONSE_SERVICE_TIER =
      stringKey("openai.response.service_tier");
  static final AttributeKey<String> SYSTEM_FINGERPRINT =
      stringKey("openai.response.system_fingerprint");

  private Keys() {}
}
