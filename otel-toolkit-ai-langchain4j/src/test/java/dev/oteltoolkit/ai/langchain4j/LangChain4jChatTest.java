package dev.oteltoolkit.ai.langchain4j;

import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.completion;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.json;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.openAiStream;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.openAiUsage;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.sse;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_STREAM;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_K;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_P;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.testing.TraceTreeAssert;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Chat and streaming models of langchain4j-open-ai and -anthropic against the fake server. */
class LangChain4jChatTest extends AbstractFakeServerTest {

  @Test
  void aChatCallIsAChildOfTheCallersSpanAndCurrentAroundTheHttpCall() {
    server.reply(
        json(
            200,
            completion("chatcmpl-1", "gpt-4o-2024-08-06", "Traces.", openAiUsage(1000, 100, 400))));
    ChatModel model =
        telemetry.wrap(
            openAiChat().temperature(0.2).topP(0.9).maxTokens(256).stop(List.of("END")).build());

    String answer = tracing.traced("handle-question", () -> model.chat("What is OpenTelemetry?"));

    Assertions.assertThat(answer).isEqualTo("Traces.");
    // gpt-4o in the default table: 2.50 input, 1.25 cached input, 10.00 output per million;
    // OpenAI's prompt_tokens (1000) include the 400 cached:
    // 600 x 2.50 + 400 x 1.25 + 100 x 10.00 = 3000 / 1e6 = 0.003
    TraceTreeAssert trace = otel.assertTrace("handle-question");
    trace
        .hasChild(
            "chat gpt-4o",
            chat ->
                chat.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GEN_AI_OPERATION_NAME, "chat"),
                        equalTo(GEN_AI_PROVIDER_NAME, "openai"),
                        equalTo(GEN_AI_REQUEST_MODEL, "gpt-4o"),
                        equalTo(GEN_AI_REQUEST_TEMPERATURE, 0.2),
                        equalTo(GEN_AI_REQUEST_TOP_P, 0.9),
                        equalTo(GEN_AI_REQUEST_MAX_TOKENS, 256L),
                        equalTo(GEN_AI_REQUEST_STOP_SEQUENCES, List.of("END")),
                        equalTo(GEN_AI_RESPONSE_ID, "chatcmpl-1"),
                        equalTo(GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06"),
                        equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
                        equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1000L),
                        equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 100L),
                        equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 400L),
                        equalTo(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 0L),
                        equalTo(Keys.COST, 0.003)))
        .hasRoot(
            root ->
                root.hasAttributesSatisfyingExactly(
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 1000L),
                    equalTo(Keys.TOTAL_OUTPUT_TOKENS, 100L),
                    equalTo(Keys.TOTAL_COST, 0.003)))
        .hasNoOtherSpans();
    Assertions.assertThat(currentAtHttpCall).containsExactly(trace.spans().get(0).getSpanContext());
  }

  @Test
  void aListenerIsCalledBeforeAndAfterTheHttpCallNotAroundIt() {
    // what a ChatModelListener-based instrumentation would see: its span, started in onRequest,
    // is not current when the provider's HTTP client sends the request
    server.reply(json(200, completion("chatcmpl-2", "gpt-4o", "Hi.", null)));
    List<SpanContext> startedByListener = new CopyOnWriteArrayList<>();
    ChatModelListener listener =
        new ChatModelListener() {
          @Override
          public void onRequest(ChatModelRequestContext context) {
            Span span =
                otel.openTelemetry().getTracer("listener").spanBuilder("listener-span").startSpan();
            startedByListener.add(span.getSpanContext());
            span.end();
          }
        };
    ChatModel plain = openAiChat().listeners(List.of(listener)).build();

    tracing.traced("caller", () -> plain.chat("Hi"));

    Assertions.assertThat(currentAtHttpCall)
        .containsExactly(otel.assertTrace("caller").rootSpan().getSpanContext())
        .doesNotContainAnyElementsOf(startedByListener);
  }

  @Test
  void theProvidersOwnListenersStillRunInsideOurSpan() {
    server.reply(json(200, completion("chatcmpl-3", "gpt-4o", "Hi.", null)));
    List<SpanContext> currentInListener = new CopyOnWriteArrayList<>();
    ChatModelListener listener =
        new ChatModelListener() {
          @Override
          public void onRequest(ChatModelRequestContext context) {
            currentInListener.add(Span.current().getSpanContext());
          }
        };

    telemetry.wrap(openAiChat().listeners(List.of(listener)).build()).chat("Hi");

    Assertions.assertThat(currentInListener)
        .containsExactly(otel.assertTrace("chat gpt-4o").rootSpan().getSpanContext());
  }

  @Test
  void anthropicTokenUsageAddsTheCacheReadsAndWritesToTheInput() {
    server.reply(
        json(
            200,
            "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-haiku-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"Hi.\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{"
                + "\"input_tokens\":100,\"output_tokens\":20,\"cache_read_input_tokens\":1000,"
                + "\"cache_creation_input_tokens\":200}}"));
    ChatModel claude = telemetry.wrap(anthropicChat().build());

    claude.chat("Hi");

    // claude-haiku-4-5: 100 x 1.00 + 1000 x 0.10 + 200 x 1.25 + 20 x 5.00 = 550 / 1e6
    otel.assertTrace("chat claude-haiku-4-5")
        .hasRoot(
            span ->
                span.hasAttribute(GEN_AI_PROVIDER_NAME, "anthropic")
                    .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 1300L)
                    .hasAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 1000L)
                    .hasAttribute(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 200L)
                    .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 20L)
                    .hasAttribute(Keys.COST, 0.00055));
  }

  @Test
  void aStreamedAnswerRecordsTheTimeToFirstTokenAndTheFinalUsage() throws Exception {
    server.reply(
        sse(
            openAiStream(
                "chatcmpl-s",
                "gpt-4o-mini",
                List.of("Traces ", "are ", "trees."),
                openAiUsage(200, 30, 0)),
            null,
            0));
    StreamingChatModel model = telemetry.wrap(openAiStreamingChat().build());
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    CompletableFuture<Boolean> spanEndedFirst = new CompletableFuture<>();

    tracing.traced(
        "stream-question",
        () ->
            model.chat(
                "Tell me about traces.",
                new StreamingChatResponseHandler() {
                  @Override
                  public void onCompleteResponse(ChatResponse response) {
                    spanEndedFirst.complete(
                        otel.spans().stream()
                            .anyMatch(span -> span.getName().equals("chat gpt-4o-mini")));
                    done.complete(response);
                  }

                  @Override
                  public void onError(Throwable error) {
                    done.completeExceptionally(error);
                  }
                }));

    Assertions.assertThat(done.get().aiMessage().text()).isEqualTo("Traces are trees.");
    Assertions.assertThat(spanEndedFirst.get()).isTrue();
    // gpt-4o-mini: 200 x 0.15 + 30 x 0.60 = 48 / 1e6
    otel.assertTrace("stream-question")
        .hasChild(
            "chat gpt-4o-mini",
            span ->
                span.hasAttribute(GEN_AI_REQUEST_STREAM, true)
                    .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 200L)
                    .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 30L)
                    .hasAttribute(Keys.COST, 0.000048)
                    .hasAttributesSatisfying(
                        satisfies(
                            GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ttft -> ttft.isNotNegative())));
    assertThat(otel.metric("gen_ai.client.operation.time_to_first_chunk"))
        .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(1)));
  }

  @Test
  void aStreamWhoseHandlerHearsNothingMoreIsAbandonedAfterTheIdleTimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    server.reply(
        sse(
            openAiStream("chatcmpl-a", "gpt-4o-mini", List.of("Traces "), openAiUsage(1, 1, 0)),
            never,
            2));
    LangChain4jTelemetry impatient =
        LangChain4jTelemetry.builder(GenAiTelemetry.create(otel.openTelemetry()))
            .streamIdleTimeout(Duration.ofMillis(200))
            .build();
    StreamingChatModel model = impatient.wrap(openAiStreamingChat().build());

    model.chat(
        "Hi",
        new StreamingChatResponseHandler() {
          @Override
          public void onCompleteResponse(ChatResponse response) {}

          @Override
          public void onError(Throwable error) {}
        });

    otel.awaitTrace("chat gpt-4o-mini")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, "stream_abandoned"));
  }

  @Test
  void aFailedCallFailsTheSpanAndTheCallerGetsWhatTheUnwrappedModelThrows() {
    String body = "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}";
    server.reply(json(500, body)).reply(json(500, body));
    ChatModel plain = openAiChat().build();

    Throwable unwrapped = Assertions.catchThrowable(() -> plain.chat("Hi"));
    Throwable wrapped = Assertions.catchThrowable(() -> telemetry.wrap(plain).chat("Hi"));

    Assertions.assertThat(wrapped)
        .isExactlyInstanceOf(unwrapped.getClass())
        .hasMessage(unwrapped.getMessage());
    otel.assertTrace("chat gpt-4o")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(wrapped)
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, wrapped.getClass().getName()));
  }

  @Test
  void aChatCallRecordsTheTokenDurationAndCostMetrics() {
    server.reply(
        json(
            200,
            completion("chatcmpl-m", "gpt-4o-mini-2024-07-18", "Hi.", openAiUsage(1000, 100, 0))));

    telemetry.wrap(openAiChat().modelName("gpt-4o-mini").build()).chat("Hi");

    Attributes metricBase =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, "chat")
            .put(GEN_AI_PROVIDER_NAME, "openai")
            .put(GEN_AI_REQUEST_MODEL, "gpt-4o-mini")
            .put(GEN_AI_RESPONSE_MODEL, "gpt-4o-mini-2024-07-18")
            .build();
    Assertions.assertThat(otel.metric("gen_ai.client.token.usage").getHistogramData().getPoints())
        .extracting(HistogramPointData::getAttributes, HistogramPointData::getSum)
        .containsExactlyInAnyOrder(
            Tuple.tuple(metricBase.toBuilder().put(GEN_AI_TOKEN_TYPE, "input").build(), 1000.0),
            Tuple.tuple(metricBase.toBuilder().put(GEN_AI_TOKEN_TYPE, "output").build(), 100.0));
    Assertions.assertThat(
            otel.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .singleElement()
        .satisfies(point -> Assertions.assertThat(point.getAttributes()).isEqualTo(metricBase));
    // priced as gpt-4o-mini (the date stamp removed): 1000 x 0.15 + 100 x 0.60 = 210 / 1e6
    Assertions.assertThat(otel.metric("oteltoolkit.gen_ai.cost").getDoubleSumData().getPoints())
        .singleElement()
        .satisfies(point -> Assertions.assertThat(point.getValue()).isEqualTo(0.00021));
  }

  @Test
  void penaltiesAndTopKAreRecordedAsRequested() {
    server
        .reply(json(200, completion("chatcmpl-p", "gpt-4o", "Hi.", null)))
        .reply(
            json(
                200,
                "{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-haiku-4-5\",\"content\":[{\"type\":\"text\","
                    + "\"text\":\"Hi.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"));

    telemetry.wrap(openAiChat().frequencyPenalty(0.5).presencePenalty(0.25).build()).chat("Hi");
    telemetry.wrap(anthropicChat().topK(40).maxTokens(64).build()).chat("Hi");

    otel.assertTrace("chat gpt-4o")
        .hasRoot(
            span ->
                span.hasAttribute(GEN_AI_REQUEST_FREQUENCY_PENALTY, 0.5)
                    .hasAttribute(GEN_AI_REQUEST_PRESENCE_PENALTY, 0.25));
    otel.assertTrace("chat claude-haiku-4-5")
        .hasRoot(
            span ->
                span.hasAttribute(GEN_AI_REQUEST_TOP_K, 40.0)
                    .hasAttribute(GEN_AI_REQUEST_MAX_TOKENS, 64L)
                    .hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")));
  }

  @Test
  void retriesTheProviderMakesInsideOneCallAreOneSpan() {
    server
        .reply(json(500, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}"))
        .reply(json(200, completion("chatcmpl-r", "gpt-4o", "Hi.", openAiUsage(10, 2, 0))));

    String answer = telemetry.wrap(openAiChat().maxRetries(1).build()).chat("Hi");

    Assertions.assertThat(answer).isEqualTo("Hi.");
    Assertions.assertThat(server.requests()).hasSize(2);
    Assertions.assertThat(otel.spans()).hasSize(1);
    SpanData chat =
        otel.assertTrace("chat gpt-4o")
            .hasRoot(
                span ->
                    span.hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET))
                        .hasAttribute(GEN_AI_RESPONSE_ID, "chatcmpl-r")
                        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 10L))
            .rootSpan();
    Assertions.assertThat(currentAtHttpCall)
        .containsExactly(chat.getSpanContext(), chat.getSpanContext());
  }

  @Test
  void aStreamThatFailsEndsItsSpanWithTheErrorItsHandlerGets() throws Exception {
    server.reply(json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
    StreamingChatModel model = telemetry.wrap(openAiStreamingChat().build());
    CompletableFuture<Throwable> failed = new CompletableFuture<>();

    model.chat(
        "Hi",
        new StreamingChatResponseHandler() {
          @Override
          public void onCompleteResponse(ChatResponse response) {
            failed.completeExceptionally(new AssertionError("completed: " + response));
          }

          @Override
          public void onError(Throwable error) {
            failed.complete(error);
          }
        });

    Throwable error = failed.get(30, TimeUnit.SECONDS);
    otel.awaitTrace("chat gpt-4o-mini")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(error)
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, error.getClass().getName()));
  }

  @Test
  void aRefusedConnectionFailsTheSpanWithTheExceptionTheCallerGets() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ChatModel model =
        telemetry.wrap(
            OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:" + closedPort + "/v1")
                .apiKey("test-key")
                .modelName("gpt-4o")
                .maxRetries(0)
                .build());

    Throwable thrown =
        Assertions.catchThrowable(() -> tracing.traced("caller", () -> model.chat("Hi")));

    Assertions.assertThat(thrown).isNotNull();
    otel.assertTrace("caller")
        .hasChild(
            "chat gpt-4o",
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(thrown)
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, thrown.getClass().getName()));
  }

  @Test
  void aTimeoutFailsTheSpanWithTheExceptionTheCallerGets() {
    // the server answers only when the test ends: the client's 300 ms timeout fires first
    server.reply(
        exchange -> {
          server.release.await(30, TimeUnit.SECONDS);
          json(200, completion("chatcmpl-late", "gpt-4o", "Late.", null)).send(exchange);
        });
    ChatModel model = telemetry.wrap(openAiChat().timeout(Duration.ofMillis(300)).build());

    Throwable thrown = Assertions.catchThrowable(() -> model.chat("Hi"));

    Assertions.assertThat(thrown).isNotNull();
    otel.assertTrace("chat gpt-4o")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(thrown)
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, thrown.getClass().getName()));
  }

  @Test
  void aResponseWithoutUsageHasNoTokensAndNoCost() {
    server.reply(json(200, completion("chatcmpl-4", "gpt-4o", "Hi.", null)));

    telemetry.wrap(openAiChat().build()).chat("Hi");

    SpanData chat = otel.assertTrace("chat gpt-4o").rootSpan();
    Assertions.assertThat(chat.getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    Assertions.assertThat(chat.getAttributes().get(Keys.COST)).isNull();
  }

  @Test
  void aRequestOverItsBudgetIsRefusedBeforeTheModelIsCalled() {
    LangChain4jTelemetry strict = refusingOver500Tokens();
    server.reply(json(200, completion("chatcmpl-5", "gpt-4o", "Hi.", openAiUsage(1000, 100, 0))));
    ChatModel model = strict.wrap(openAiChat().build());

    tracing.traced(
        "request",
        () -> {
          model.chat("Hi");
          Assertions.assertThatThrownBy(() -> model.chat("Again"))
              .isInstanceOf(BudgetExceededException.class);
        });

    Assertions.assertThat(server.requests()).hasSize(1);
  }

  @Test
  void capturedContentHasTheConventionsStructure() {
    LangChain4jTelemetry capturing = capturingContent();
    server.reply(json(200, completion("chatcmpl-6", "gpt-4o", "Traces.", null)));

    capturing.wrap(openAiChat().build()).chat("What is OpenTelemetry?");

    otel.assertTrace("chat gpt-4o")
        .hasRoot(
            span ->
                span.hasAttribute(
                        Keys.INPUT_MESSAGES,
                        "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                            + "\"content\":\"What is OpenTelemetry?\"}]}]")
                    .hasAttribute(
                        Keys.OUTPUT_MESSAGES,
                        "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Traces.\"}],"
                            + "\"finish_reason\":\"stop\"}]"));
  }
}
