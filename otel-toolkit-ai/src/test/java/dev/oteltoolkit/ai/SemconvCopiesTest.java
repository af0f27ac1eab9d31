package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiTokenTypeIncubatingValues;
import io.opentelemetry.semconv.incubating.GenAiIncubatingMetrics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * Each incubating name copied into {@link GenAiAttributes} equals the constant of
 * opentelemetry-semconv-incubating (test scope), so a rename in a new semconv release fails here.
 */
// every GenAI constant of semconv-incubating 1.44.0-alpha is @Deprecated (the GenAI conventions
// moved to their own repository); the names on the wire are what we compare
@SuppressWarnings("deprecation")
class SemconvCopiesTest {

  @Test
  void attributeKeysEqualTheIncubatingArtifact() {
    assertThat(GenAiAttributes.GEN_AI_OPERATION_NAME)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME);
    assertThat(GenAiAttributes.GEN_AI_PROVIDER_NAME)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_MODEL)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_TEMPERATURE);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_TOP_P)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_P);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_TOP_K)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_K);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_SEED)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_SEED);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_STOP_SEQUENCES)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_STOP_SEQUENCES);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_CHOICE_COUNT)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_CHOICE_COUNT);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_STREAM)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_STREAM);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY);
    assertThat(GenAiAttributes.GEN_AI_REQUEST_ENCODING_FORMATS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_ENCODING_FORMATS);
    assertThat(GenAiAttributes.GEN_AI_OUTPUT_TYPE)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_OUTPUT_TYPE);
    assertThat(GenAiAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT);
    assertThat(GenAiAttributes.GEN_AI_CONVERSATION_ID)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_CONVERSATION_ID);
    assertThat(GenAiAttributes.GEN_AI_AGENT_NAME)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_AGENT_NAME);
    assertThat(GenAiAttributes.GEN_AI_AGENT_ID)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_AGENT_ID);
    assertThat(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_AGENT_DESCRIPTION);
    assertThat(GenAiAttributes.GEN_AI_AGENT_VERSION)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_AGENT_VERSION);
    assertThat(GenAiAttributes.GEN_AI_TOOL_NAME)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_TOOL_NAME);
    assertThat(GenAiAttributes.GEN_AI_TOOL_CALL_ID)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_TOOL_CALL_ID);
    assertThat(GenAiAttributes.GEN_AI_TOOL_TYPE)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_TOOL_TYPE);
    assertThat(GenAiAttributes.GEN_AI_TOOL_DESCRIPTION)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_TOOL_DESCRIPTION);
    assertThat(GenAiAttributes.GEN_AI_DATA_SOURCE_ID)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_DATA_SOURCE_ID);
    assertThat(GenAiAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT);
    assertThat(GenAiAttributes.GEN_AI_RESPONSE_MODEL)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL);
    assertThat(GenAiAttributes.GEN_AI_RESPONSE_ID)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID);
    assertThat(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS);
    assertThat(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    assertThat(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS);
    assertThat(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS);
    assertThat(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
    assertThat(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
    assertThat(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS);
    assertThat(GenAiAttributes.GEN_AI_TOKEN_TYPE)
        .isEqualTo(GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE);
  }

  @Test
  void valuesEqualTheIncubatingArtifact() {
    assertThat(GenAiAttributes.CHAT).isEqualTo(GenAiOperationNameIncubatingValues.CHAT);
    assertThat(GenAiAttributes.TEXT_COMPLETION)
        .isEqualTo(GenAiOperationNameIncubatingValues.TEXT_COMPLETION);
    assertThat(GenAiAttributes.GENERATE_CONTENT)
        .isEqualTo(GenAiOperationNameIncubatingValues.GENERATE_CONTENT);
    assertThat(GenAiAttributes.EMBEDDINGS).isEqualTo(GenAiOperationNameIncubatingValues.EMBEDDINGS);
    assertThat(GenAiAttributes.RETRIEVAL).isEqualTo(GenAiOperationNameIncubatingValues.RETRIEVAL);
    assertThat(GenAiAttributes.EXECUTE_TOOL)
        .isEqualTo(GenAiOperationNameIncubatingValues.EXECUTE_TOOL);
    assertThat(GenAiAttributes.INVOKE_AGENT)
        .isEqualTo(GenAiOperationNameIncubatingValues.INVOKE_AGENT);
    assertThat(GenAiAttributes.CREATE_AGENT)
        .isEqualTo(GenAiOperationNameIncubatingValues.CREATE_AGENT);
    assertThat(GenAiAttributes.TOKEN_TYPE_INPUT).isEqualTo(GenAiTokenTypeIncubatingValues.INPUT);
    assertThat(GenAiAttributes.TOKEN_TYPE_OUTPUT).isEqualTo(GenAiTokenTypeIncubatingValues.OUTPUT);
  }

  @Test
  void metricNamesAndUnitsEqualTheIncubatingArtifact() {
    assertThat(GenAiAttributes.CLIENT_TOKEN_USAGE)
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_NAME);
    assertThat(GenAiAttributes.CLIENT_TOKEN_USAGE_UNIT)
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_UNIT);
    assertThat(GenAiAttributes.CLIENT_OPERATION_DURATION)
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_NAME);
    assertThat(GenAiAttributes.CLIENT_OPERATION_DURATION_UNIT)
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_UNIT);
    assertThat(GenAiAttributes.CLIENT_TIME_TO_FIRST_CHUNK)
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK_NAME);
    assertThat(GenAiAttributes.CLIENT_TIME_TO_FIRST_CHUNK_UNIT)
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK_UNIT);
  }

  /**
   * The newest names (gen_ai_latest_experimental) come from the GenAI conventions' repository and
   * are not in the Java artifact yet; the day it defines one, under the constant name its generator
   * gives it, it must hold our value (else this fails and the copy is fixed).
   */
  @Test
  void newestNamesAgreeWithTheIncubatingArtifactWhereItDefinesThem() throws Exception {
    assertAgreesIfDefined(
        GenAiIncubatingAttributes.class,
        "GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS",
        GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS);
    assertAgreesIfDefined(
        GenAiIncubatingAttributes.class,
        "GEN_AI_TOKEN_MODALITY",
        GenAiAttributes.GEN_AI_TOKEN_MODALITY);
    String[][] metrics = {
      {
        "GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS",
        GenAiAttributes.CLIENT_INFERENCE_USAGE_INPUT_TOKENS
      },
      {
        "GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS",
        GenAiAttributes.CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS
      },
      {
        "GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS",
        GenAiAttributes.CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS
      },
      {
        "GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS",
        GenAiAttributes.CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS
      },
      {
        "GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS",
        GenAiAttributes.CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS
      },
      {
        "GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS",
        GenAiAttributes.CLIENT_INFERENCE_OPERATION_INPUT_TOKENS
      },
      {
        "GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS",
        GenAiAttributes.CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS
      },
    };
    for (String[] metric : metrics) {
      assertAgreesIfDefined(GenAiIncubatingMetrics.class, metric[0] + "_NAME", metric[1]);
      assertAgreesIfDefined(
          GenAiIncubatingMetrics.class, metric[0] + "_UNIT", GenAiAttributes.TOKEN_UNIT);
    }
    // the name they replace is still the artifact's, so the default mode is right today
    assertThat(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS.getKey())
        .isEqualTo("gen_ai.usage.cache_creation.input_tokens");
  }

  private static void assertAgreesIfDefined(Class<?> holder, String constant, Object ours)
      throws IllegalAccessException {
    Field field;
    try {
      field = holder.getField(constant);
    } catch (NoSuchFieldException e) {
      return; // not in this release of the artifact
    }
    assertThat(Modifier.isStatic(field.getModifiers())).isTrue();
    assertThat(field.get(null)).as(holder.getSimpleName() + "." + constant).isEqualTo(ours);
  }
}
