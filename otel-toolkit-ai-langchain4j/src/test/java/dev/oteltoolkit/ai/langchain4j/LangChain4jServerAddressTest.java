package dev.oteltoolkit.ai.langchain4j;

import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.completion;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.embeddings;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.json;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.openAiStream;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.openAiUsage;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.sse;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.ServerAttributes.SERVER_ADDRESS;
import static io.opentelemetry.semconv.ServerAttributes.SERVER_PORT;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.langchain4j.LangChain4jEmbeddingTest.WordEmbeddingModel;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code server.address} and {@code server.port}: LangChain4j's models do not expose the URL they
 * call, so they are recorded only as configured with {@code serverAddress(..)}, and then on every
 * model span (chat, streaming, embeddings) and its metrics.
 */
class LangChain4jServerAddressTest extends AbstractFakeServerTest {

  private final URI baseUrl = URI.create(server.baseUrl());
  private final int port = baseUrl.getPort();
  private final LangChain4jTelemetry addressed =
      LangChain4jTelemetry.builder(GenAiTelemetry.create(otel.openTelemetry()))
          .serverAddress(baseUrl)
          .build();

  @Test
  void aChatSpanAndItsMetricsCarryTheConfiguredServer() {
    server.reply(
        json(200, completion("chatcmpl-1", "gpt-4o", "Traces.", openAiUsage(1000, 100, 400))));

    addressed.wrap(openAiChat().build()).chat("What is OpenTelemetry?");

    otel.assertTrace("chat gpt-4o")
        .hasRoot(
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, "chat"),
                    equalTo(GEN_AI_PROVIDER_NAME, "openai"),
                    equalTo(GEN_AI_REQUEST_MODEL, "gpt-4o"),
                    equalTo(SERVER_ADDRESS, "127.0.0.1"),
                    equalTo(SERVER_PORT, (long) port),
                    equalTo(GEN_AI_RESPONSE_ID, "chatcmpl-1"),
                    equalTo(GEN_AI_RESPONSE_MODEL, "gpt-4o"),
                    equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
                    equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1000L),
                    equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 100L),
                    equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 400L),
                    equalTo(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 0L),
                    // 600 x 2.50 + 400 x 1.25 + 100 x 10.00 = 3000 / 1e6
                    equalTo(Keys.COST, 0.003),
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 1000L),
                    equalTo(Keys.TOTAL_OUTPUT_TOKENS, 100L),
                    equalTo(Keys.TOTAL_COST, 0.003)));
    Assertions.assertThat(
            otel.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .extracting(HistogramPointData::getAttributes)
        .containsExactly(
            Attributes.builder()
                .put(GEN_AI_OPERATION_NAME, "chat")
                .put(GEN_AI_PROVIDER_NAME, "openai")
                .put(GEN_AI_REQUEST_MODEL, "gpt-4o")
                .put(GEN_AI_RESPONSE_MODEL, "gpt-4o")
                .put(SERVER_ADDRESS, "127.0.0.1")
                .put(SERVER_PORT, (long) port)
                .build());
  }

  @Test
  void aStreamedChatAndAnAnthropicModelCarryTheConfiguredServer() throws Exception {
    server
        .reply(
            sse(
                openAiStream("chatcmpl-s", "gpt-4o-mini", List.of("Hi."), openAiUsage(2, 1, 0)),
                null,
                0))
        .reply(
            json(
                200,
                "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-haiku-4-5\",\"content\":[{\"type\":\"text\","
                    + "\"text\":\"Hi.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"));
    LangChain4jTelemetry byHostAndPort =
        LangChain4jTelemetry.builder(GenAiTelemetry.create(otel.openTelemetry()))
            .serverAddress("127.0.0.1", port)
            .build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    byHostAndPort
        .wrap(openAiStreamingChat().build())
        .chat(
            "Hi",
            new StreamingChatResponseHandler() {
              @Override
              public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
              }

              @Override
              public void onError(Throwable error) {
                done.completeExceptionally(error);
              }
            });
    done.get(30, TimeUnit.SECONDS);
    byHostAndPort.wrap(anthropicChat().build()).chat("Hi");

    for (String name : List.of("chat gpt-4o-mini", "chat claude-haiku-4-5")) {
      otel.awaitTrace(name)
          .hasRoot(
              span ->
                  span.hasAttribute(SERVER_ADDRESS, "127.0.0.1")
                      .hasAttribute(SERVER_PORT, (long) port));
    }
  }

  @Test
  void anEmbeddingsSpanCarriesTheConfiguredServer() {
    server.reply(json(200, embeddings("text-embedding-3-small", 1, 1000)));

    addressed.wrap(openAiEmbeddings().build()).embed("traces");

    otel.assertTrace("embeddings text-embedding-3-small")
        .hasRoot(
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
                    equalTo(GEN_AI_PROVIDER_NAME, "openai"),
                    equalTo(GEN_AI_REQUEST_MODEL, "text-embedding-3-small"),
                    equalTo(SERVER_ADDRESS, "127.0.0.1"),
                    equalTo(SERVER_PORT, (long) port),
                    equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1000L),
                    // 1000 x 0.02 / 1e6
                    equalTo(Keys.COST, 0.00002),
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 1000L),
                    equalTo(Keys.TOTAL_OUTPUT_TOKENS, 0L),
                    equalTo(Keys.TOTAL_COST, 0.00002)));
  }

  @Test
  void withoutTheOptionNoModelSpanHasServerAttributes() {
    server
        .reply(json(200, completion("chatcmpl-2", "gpt-4o", "Hi.", null)))
        .reply(json(200, embeddings("text-embedding-3-small", 1, 10)));

    telemetry.wrap(openAiChat().build()).chat("Hi");
    telemetry.wrap(openAiEmbeddings().build()).embed("traces");

    Assertions.assertThat(otel.spans()).hasSize(2);
    for (SpanData span : otel.spans()) {
      Assertions.assertThat(span.getAttributes().get(SERVER_ADDRESS)).isNull();
      Assertions.assertThat(span.getAttributes().get(SERVER_PORT)).isNull();
    }
  }

  @ParameterizedTest
  @CsvSource({
    // the providers' default base URLs: the scheme's default port
    "https://api.openai.com/v1, api.openai.com, 443",
    "https://api.anthropic.com/v1/, api.anthropic.com, 443",
    // Ollama's OpenAI-compatible endpoint on its own port
    "http://localhost:11434/v1, localhost, 11434",
    "http://models.internal/v1, models.internal, 80",
    // an IPv6 literal is recorded without the URL's brackets
    "'http://[::1]:8080/v1', ::1, 8080",
  })
  void aBaseUrlGivesItsHostAndPortOrTheSchemesDefault(String url, String host, long port) {
    LangChain4jTelemetry.builder(GenAiTelemetry.create(otel.openTelemetry()))
        .serverAddress(URI.create(url))
        .build()
        .wrap(new WordEmbeddingModel(true))
        .embed("traces");

    otel.assertTrace("embeddings words-v1")
        .hasRoot(span -> span.hasAttribute(SERVER_ADDRESS, host).hasAttribute(SERVER_PORT, port));
  }

  @Test
  void aServerThatCannotBeRecordedFailsAtConfigurationWithTheSettingsName() {
    LangChain4jTelemetryBuilder builder =
        LangChain4jTelemetry.builder(GenAiTelemetry.create(otel.openTelemetry()));

    Assertions.assertThatThrownBy(() -> builder.serverAddress(URI.create("/v1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverAddress=/v1: the URL has no host");
    Assertions.assertThatThrownBy(() -> builder.serverAddress(URI.create("grpc://models:")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "serverAddress=grpc://models:: no port, and the scheme is not http or https;"
                + " use serverAddress(host, port)");
    Assertions.assertThatThrownBy(() -> builder.serverAddress("models", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverAddress port=0: must be between 1 and 65535");
    Assertions.assertThatThrownBy(() -> builder.serverAddress("models", 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverAddress port=65536: must be between 1 and 65535");
    Assertions.assertThatThrownBy(() -> builder.serverAddress(" ", 443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverAddress host=\" \": must not be blank");
  }
}
