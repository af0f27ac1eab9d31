package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_CONVERSATION_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_ENCODING_FORMATS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_STREAM;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingModel;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Responses API (blocking, streamed, asynchronous) and embeddings. */
class ResponsesAndEmbeddingsTest extends OpenAiTestBase {

  static ResponseCreateParams responseParams() {
    return ResponseCreateParams.builder()
        .model("o4-mini")
        .instructions("Be terse.")
        .input("What is OpenTelemetry?")
        .temperature(1.0)
        .maxOutputTokens(800)
        .conversation("conv_123")
        .build();
  }

  static final String RESPONSE =
      Wire.response(
          "resp_1",
          "o4-mini-2025-04-16",
          "completed",
          "Traces.",
          Wire.responseUsage(1000, 500, 0, 400));

  @Test
  void aResponsesCallIsAChatSpanWithReasoningTokensPriced() {
    server.json(200, RESPONSE);
    OpenAIClient client = client();

    client.responses().create(responseParams());

    assertThat(otel.span("chat o4-mini"))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GEN_AI_REQUEST_MODEL, "o4-mini"),
            equalTo(GEN_AI_REQUEST_TEMPERATURE, 1.0),
            equalTo(GEN_AI_REQUEST_MAX_TOKENS, 800L),
            equalTo(GEN_AI_CONVERSATION_ID, "conv_123"),
            equalTo(Keys.API_TYPE, "responses"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
            equalTo(GEN_AI_RESPONSE_ID, "resp_1"),
            equalTo(GEN_AI_RESPONSE_MODEL, "o4-mini-2025-04-16"),
            equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
            equalTo(Keys.RESPONSE_SERVICE_TIER, "default"),
            equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1000L),
            equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 500L),
            equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 0L),
            equalTo(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 400L),
            // the dated response model is priced as o4-mini: 1000 x 1.10 + 100 x 4.40 + 400 x 5.00
            equalTo(Keys.COST, 0.00354),
            equalTo(Keys.TOTAL_INPUT, 1000L),
            equalTo(Keys.TOTAL_OUTPUT, 500L),
            equalTo(Keys.TOTAL_COST, 0.00354));
    assertThat(server.requests.get(0).path()).isEqualTo("/v1/responses");
  }

  @Test
  void anIncompleteResponseEndsWithLengthAndCapturedContentWhenOn() {
    server.json(
        200,
        Wire.response(
            "resp_2", "o4-mini", "incomplete", "Tra", Wire.responseUsage(10, 800, 0, 790)));
    OpenAIClient client =
        OpenAiTelemetry.create(genAi().captureMessageContent(true).build()).wrap(rawClient());

    client.responses().create(responseParams());

    assertThat(otel.span("chat o4-mini"))
        .hasAttributesSatisfying(
            equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("length")),
            equalTo(Keys.SYSTEM_INSTRUCTIONS, "[{\"type\":\"text\",\"content\":\"Be terse.\"}]"),
            equalTo(
                Keys.INPUT_MESSAGES,
                "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What is"
                    + " OpenTelemetry?\"}]}]"),
            equalTo(
                Keys.OUTPUT_MESSAGES,
                "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Tra\"}],"
                    + "\"finish_reason\":\"length\"}]"));
  }

  @Test
  void aStreamedResponseTakesItsUsageFromTheCompletedEvent() {
    String created = Wire.response("resp_3", "o4-mini", "in_progress", "", null);
    server.sse(
        Wire.responseEvent("response.created", 0, created),
        Wire.responseEvent("response.in_progress", 1, created),
        Wire.textDelta(2, "Tra"),
        Wire.textDelta(3, "ces."),
        Wire.responseEvent("response.completed", 4, RESPONSE.replace("resp_1", "resp_3")));
    OpenAIClient client = client();

    try (StreamResponse<ResponseStreamEvent> stream =
        client.responses().createStreaming(responseParams())) {
      assertThat(stream.stream().count()).isEqualTo(5);
    }

    assertThat(otel.span("chat o4-mini"))
        .hasAttributesSatisfying(
            equalTo(GEN_AI_REQUEST_STREAM, true),
            equalTo(GEN_AI_RESPONSE_ID, "resp_3"),
            equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1000L),
            equalTo(Keys.COST, 0.00354),
            satisfies(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ttfc -> ttfc.isPositive()));
  }

  @Test
  void aFailedStreamedResponseFailsTheSpanWithItsCode() {
    String failed =
        Wire.response("resp_4", "o4-mini", "failed", "", null)
            .replace(
                "\"error\":null", "\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}");
    server.sse(Wire.responseEvent("response.failed", 0, failed));
    OpenAIClient client = client();

    try (StreamResponse<ResponseStreamEvent> stream =
        client.responses().createStreaming(responseParams())) {
      stream.stream().count();
    }

    assertThat(otel.span("chat o4-mini"))
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ErrorAttributes.ERROR_TYPE, "server_error"),
            equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("failed")));
  }

  @Test
  void anAsyncResponsesCallIsRecorded() throws Exception {
    server.json(200, RESPONSE);
    client().async().responses().create(responseParams()).get(10, TimeUnit.SECONDS);
    assertThat(otel.span("chat o4-mini").getAttributes().get(Keys.COST)).isEqualTo(0.00354);
  }

  @Test
  void embeddingsAreRecordedWithInputTokensAndCost() throws Exception {
    server.json(200, Wire.embeddings("text-embedding-3-small", 10));
    server.json(200, Wire.embeddings("text-embedding-3-small", 10));
    OpenAIClient client = client();
    EmbeddingCreateParams params =
        EmbeddingCreateParams.builder()
            .model(EmbeddingModel.TEXT_EMBEDDING_3_SMALL)
            .inputOfArrayOfStrings(List.of("a", "b"))
            .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
            .dimensions(3)
            .build();

    client.embeddings().create(params);
    client.async().embeddings().create(params).get(10, TimeUnit.SECONDS);

    assertThat(otel.spans()).hasSize(2);
    assertThat(otel.spans().get(0))
        .hasName("embeddings text-embedding-3-small")
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
            equalTo(GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GEN_AI_REQUEST_MODEL, "text-embedding-3-small"),
            equalTo(GEN_AI_REQUEST_ENCODING_FORMATS, List.of("float")),
            equalTo(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 3L),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
            equalTo(GEN_AI_RESPONSE_MODEL, "text-embedding-3-small"),
            equalTo(GEN_AI_USAGE_INPUT_TOKENS, 10L),
            equalTo(Keys.COST, 0.0000002), // 10 x 0.02 per million
            equalTo(Keys.TOTAL_INPUT, 10L),
            equalTo(Keys.TOTAL_OUTPUT, 0L),
            equalTo(Keys.TOTAL_COST, 0.0000002));
  }
}
