package dev.oteltoolkit.ai;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The GenAI semantic-convention names this module records, and the toolkit's own names.
 *
 * <p>GenAI keys are incubating: they are copied here from {@code
 * io.opentelemetry.semconv:opentelemetry-semconv-incubating} <b>1.44.0-alpha</b> ({@code
 * GenAiIncubatingAttributes}, {@code GenAiIncubatingMetrics}) instead of depending on that artifact
 * at run time. {@code SemconvCopiesTest} asserts each copy equals the artifact's constant, so a
 * rename in a new semconv release fails our build instead of drifting silently. (Since 1.43.0-alpha
 * every GenAI constant there is marked {@code @Deprecated}: the GenAI conventions moved to their
 * own repository, open-telemetry/semantic-conventions-genai, and keep changing there.)
 *
 * <p>The newest names of that repository, emitted only when {@code OTEL_SEMCONV_STABILITY_OPT_IN}
 * holds {@code gen_ai_latest_experimental} ({@link GenAiConventions}), are not in any Java artifact
 * yet: they are copied from its {@code model/gen-ai/registry.yaml} and {@code token-metrics.yaml}
 * (read 2026-12-07), and {@code SemconvCopiesTest} fails as soon as the incubating artifact defines
 * one of them with another value.
 *
 * <p>The content attributes ({@code gen_ai.input.messages}, {@code gen_ai.output.messages}, {@code
 * gen_ai.system_instructions}, {@code gen_ai.tool.call.arguments}, {@code gen_ai.tool.call.result})
 * are "any"-typed in the conventions and are not generated into the Java artifact; their names come
 * from the GenAI conventions' attribute registry and are recorded as JSON strings, as the
 * OpenTelemetry Java instrumentations do.
 */
final class GenAiAttributes {

  // --- copied from opentelemetry-semconv-incubating 1.44.0-alpha, GenAiIncubatingAttributes ---
  static final AttributeKey<String> GEN_AI_OPERATION_NAME = stringKey("gen_ai.operation.name");
  static final AttributeKey<String> GEN_AI_PROVIDER_NAME = stringKey("gen_ai.provider.name");
  static final AttributeKey<String> GEN_AI_REQUEST_MODEL = stringKey("gen_ai.request.model");
  static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE =
      doubleKey("gen_ai.request.temperature");
  static final AttributeKey<Double> GEN_AI_REQUEST_TOP_P = doubleKey("gen_ai.request.top_p");
  static final AttributeKey<Double> GEN_AI_REQUEST_TOP_K = doubleKey("gen_ai.request.top_k");
  static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS = longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Long> GEN_AI_REQUEST_SEED = longKey("gen_ai.request.seed");
  static final AttributeKey<List<String>> GEN_AI_REQUEST_STOP_SEQUENCES =
      stringArrayKey("gen_ai.request.stop_sequences");
  static final AttributeKey<Long> GEN_AI_REQUEST_CHOICE_COUNT =
      longKey("gen_ai.request.choice.count");
  static final AttributeKey<Boolean> GEN_AI_REQUEST_STREAM = booleanKey("gen_ai.request.stream");
  static final AttributeKey<Double> GEN_AI_REQUEST_FREQUENCY_PENALTY =
      doubleKey("gen_ai.request.frequency_penalty");
  static final AttributeKey<Double> GEN_AI_REQUEST_PRESENCE_PENALTY =
      doubleKey("gen_ai.request.presence_penalty");
  static final AttributeKey<List<String>> GEN_AI_REQUEST_ENCODING_FORMATS =
      stringArrayKey("gen_ai.request.encoding_formats");
  static final AttributeKey<String> GEN_AI_OUTPUT_TYPE = stringKey("gen_ai.output.type");
  static final AttributeKey<Long> GEN_AI_EMBEDDINGS_DIMENSION_COUNT =
      longKey("gen_ai.embeddings.dimension.count");
  static final AttributeKey<String> GEN_AI_CONVERSATION_ID = stringKey("gen_ai.conversation.id");
  static final AttributeKey<String> GEN_AI_AGENT_NAME = stringKey("gen_ai.agent.name");
  static final AttributeKey<String> GEN_AI_AGENT_ID = stringKey("gen_ai.agent.id");
  static final AttributeKey<String> GEN_AI_AGENT_DESCRIPTION =
      stringKey("gen_ai.agent.description");
  static final AttributeKey<String> GEN_AI_AGENT_VERSION = stringKey("gen_ai.agent.version");
  static final AttributeKey<String> GEN_AI_TOOL_NAME = stringKey("gen_ai.tool.name");
  static final AttributeKey<String> GEN_AI_TOOL_CALL_ID = stringKey("gen_ai.tool.call.id");
  static final AttributeKey<String> GEN_AI_TOOL_TYPE = stringKey("gen_ai.tool.type");
  static final AttributeKey<String> GEN_AI_TOOL_DESCRIPTION = stringKey("gen_ai.tool.description");
  static final AttributeKey<String> GEN_AI_DATA_SOURCE_ID = stringKey("gen_ai.data_source.id");
  static final AttributeKey<String> GEN_AI_RETRIEVAL_QUERY_TEXT =
      stringKey("gen_ai.retrieval.query.text");
  static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = stringKey("gen_ai.response.model");
  static final AttributeKey<String> GEN_AI_RESPONSE_ID = stringKey("gen_ai.response.id");
  static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
      stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Double> GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK =
      doubleKey("gen_ai.response.time_to_first_chunk");
  static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
      longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Long> GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_read.input_tokens");
  static final AttributeKey<Long> GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_creation.input_tokens");
  static final AttributeKey<Long> GEN_AI_USAGE_REASONING_OUTPUT_TOKENS =
      longKey("gen_ai.usage.reasoning.output_tokens");
  static final AttributeKey<String> GEN_AI_TOKEN_TYPE = stringKey("gen_ai.token.type");

  // --- values, from the *IncubatingValues classes of the same artifact ---
  static final String CHAT = "chat";
  static final String TEXT_COMPLETION = "text_completion";
  static final String GENERATE_CONTENT = "generate_content";
  static final String EMBEDDINGS = "embeddings";
  static final String RETRIEVAL = "retrieval";
  static final String EXECUTE_TOOL = "execute_tool";
  static final String INVOKE_AGENT = "invoke_agent";
  static final String CREATE_AGENT = "create_agent";
  static final String TOKEN_TYPE_INPUT = "input";
  static final String TOKEN_TYPE_OUTPUT = "output";

  // --- metric names and units, from GenAiIncubatingMetrics of the same artifact ---
  static final String CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";
  static final String CLIENT_TOKEN_USAGE_UNIT = "{token}";
  static final String CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration";
  static final String CLIENT_OPERATION_DURATION_UNIT = "s";
  static final String CLIENT_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
  static final String CLIENT_TIME_TO_FIRST_CHUNK_UNIT = "s";

  // --- newest names (gen_ai_latest_experimental), from open-telemetry/semantic-conventions-genai
  // ---
  /**
   * Replaces {@code gen_ai.usage.cache_creation.input_tokens} (semantic-conventions-genai #440).
   */
  static final AttributeKey<Long> GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS =
      longKey("gen_ai.usage.cache_write.input_tokens");

  static final AttributeKey<String> GEN_AI_TOKEN_MODALITY = stringKey("gen_ai.token.modality");

  /** The modality value when the provider reports no breakdown by modality. */
  static final String TOKEN_MODALITY_UNKNOWN = "unknown";

  /** Counters replacing gen_ai.client.token.usage (semantic-conventions-genai #374). */
  static final String CLIENT_INFERENCE_USAGE_INPUT_TOKENS =
      "gen_ai.client.inference.usage.input_tokens";

  static final String CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS =
      "gen_ai.client.inference.usage.output_tokens";
  static final String CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS =
      "gen_ai.client.inference.usage.cache_read.input_tokens";
  static final String CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS =
      "gen_ai.client.inference.usage.cache_write.input_tokens";
  static final String CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS =
      "gen_ai.client.inference.usage.reasoning.output_tokens";

  /** Per-call histograms replacing gen_ai.client.token.usage. */
  static final String CLIENT_INFERENCE_OPERATION_INPUT_TOKENS =
      "gen_ai.client.inference.operation.input_tokens";

  static final String CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS =
      "gen_ai.client.inference.operation.output_tokens";
  static final String TOKEN_UNIT = "{token}";

  // --- content attributes: "any"-typed in the conventions, not in the Java artifact ---
  static final AttributeKey<String> GEN_AI_INPUT_MESSAGES = stringKey("gen_ai.input.messages");
  static final AttributeKey<String> GEN_AI_OUTPUT_MESSAGES = stringKey("gen_ai.output.messages");
  static final AttributeKey<String> GEN_AI_SYSTEM_INSTRUCTIONS =
      stringKey("gen_ai.system_instructions");
  static final AttributeKey<String> GEN_AI_TOOL_CALL_ARGUMENTS =
      stringKey("gen_ai.tool.call.arguments");
  static final AttributeKey<String> GEN_AI_TOOL_CALL_RESULT = stringKey("gen_ai.tool.call.result");

  // --- not in the conventions: the toolkit's names (DESIGN.md, "Naming") ---
  /** Kept without our prefix because backends (Langfuse, PostHog) read it as the call's cost. */
  static final AttributeKey<Double> GEN_AI_USAGE_COST = doubleKey("gen_ai.usage.cost");

  static final AttributeKey<Double> TOTAL_COST = doubleKey("oteltoolkit.gen_ai.total.cost");
  static final AttributeKey<Long> TOTAL_INPUT_TOKENS =
      longKey("oteltoolkit.gen_ai.total.input_tokens");
  static final AttributeKey<Long> TOTAL_OUTPUT_TOKENS =
      longKey("oteltoolkit.gen_ai.total.output_tokens");
  static final AttributeKey<Boolean> BUDGET_EXCEEDED =
      booleanKey("oteltoolkit.gen_ai.budget.exceeded");
  static final String BUDGET_EXCEEDED_EVENT = "oteltoolkit.gen_ai.budget.exceeded";
  static final AttributeKey<String> BUDGET_KIND = stringKey("oteltoolkit.gen_ai.budget.kind");
  static final AttributeKey<Double> BUDGET_USD = doubleKey("oteltoolkit.gen_ai.budget.usd");
  static final AttributeKey<Long> BUDGET_TOKENS = longKey("oteltoolkit.gen_ai.budget.tokens");
  static final AttributeKey<Long> TOTAL_TOKENS = longKey("oteltoolkit.gen_ai.total.tokens");
  static final String COST_METRIC = "oteltoolkit.gen_ai.cost";
  static final String COST_UNIT = "USD";

  /** Bucket advice of gen_ai.client.token.usage in the GenAI conventions. */
  static final List<Long> TOKEN_USAGE_BUCKETS =
      Collections.unmodifiableList(
          Arrays.asList(
              1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
              16777216L, 67108864L));

  /** Bucket advice of gen_ai.client.operation.duration (and time to first chunk), seconds. */
  static final List<Double> DURATION_BUCKETS =
      Collections.unmodifiableList(
          Arrays.asList(
              0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
              81.92));

  private GenAiAttributes() {}
}
