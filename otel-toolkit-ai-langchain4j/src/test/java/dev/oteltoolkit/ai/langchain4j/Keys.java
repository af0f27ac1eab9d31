package dev.oteltoolkit.ai.langchain4j;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/** The toolkit's own attribute names (not in the semantic conventions), as users see them. */
final class Keys {

  static final AttributeKey<Double> COST = doubleKey("gen_ai.usage.cost");
  static final AttributeKey<Double> TOTAL_COST = doubleKey("oteltoolkit.gen_ai.total.cost");
  static final AttributeKey<Long> TOTAL_INPUT_TOKENS =
      longKey("oteltoolkit.gen_ai.total.input_tokens");
  static final AttributeKey<Long> TOTAL_OUTPUT_TOKENS =
      longKey("oteltoolkit.gen_ai.total.output_tokens");

  /** Content keys: the incubating artifact has no typed constants for these. */
  static final AttributeKey<String> INPUT_MESSAGES = stringKey("gen_ai.input.messages");

  static final AttributeKey<String> OUTPUT_MESSAGES = stringKey("gen_ai.output.messages");
  static final AttributeKey<String> SYSTEM_INSTRUCTIONS = stringKey("gen_ai.system_instructions");
  static final AttributeKey<String> TOOL_CALL_ARGUMENTS = stringKey("gen_ai.tool.call.arguments");
  static final AttributeKey<String> TOOL_CALL_RESULT = stringKey("gen_ai.tool.call.result");

  private Keys() {}
}
