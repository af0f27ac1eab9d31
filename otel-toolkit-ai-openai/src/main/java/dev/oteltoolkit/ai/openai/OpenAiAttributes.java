package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * OpenAI-specific attribute names. The {@code openai.*} keys are copied from {@code
 * OpenaiIncubatingAttributes} of opentelemetry-semconv-incubating 1.44.0-alpha (a test compares
 * each copy with that artifact, so a rename fails the build).
 */
final class OpenAiAttributes {

  static final String PROVIDER = "openai";

  static final AttributeKey<String> OPENAI_API_TYPE = stringKey("openai.api.type");
  static final AttributeKey<String> OPENAI_REQUEST_SERVICE_TIER =
      stringKey("openai.request.service_tier");
  static final AttributeKey<String> OPENAI_RESPONSE_SERVICE_TIER =
      stringKey("openai.response.service_tier");
  static final AttributeKey<String> OPENAI_RESPONSE_SYSTEM_FINGERPRINT =
      stringKey("openai.response.system_fingerprint");

  static final String API_TYPE_CHAT_COMPLETIONS = "chat_completions";
  static final String API_TYPE_RESPONSES = "responses";

  /** Not in the conventions: a stream the application dropped without finishing or closing it. */
  static final AttributeKey<Boolean> STREAM_ABANDONED =
      booleanKey("oteltoolkit.gen_ai.stream.abandoned");

  private OpenAiAttributes() {}
}
