package dev.oteltoolkit.ai.anthropic;

import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.sse;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.textStream;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_STREAM;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed Messages API calls: SSE through the real SDK, sync and async. */
class AnthropicStreamingTest {

  private static final String START_USAGE =
      "{\"input_tokens\":1000,\"output_tokens\":1,\"cache_read_input_tokens\":4000,"
          + "\"cache_creation_input_tokens\":0}";
  private static final String DELTA_USAGE = "{\"output_tokens\":200}";

  private final TestSdk otel = new TestSdk();
  private final FakeAnthropic server;
  private final AnthropicClient raw;
  private final AnthropicTelemetry telemetry;
  private final AnthropicClient client;
  private final Tracing tracing = Tracing.create(otel.sdk);

  AnthropicStreamingTest() throws Exception {
    server = new FakeAnthropic();
    raw =
        AnthropicOkHttpClient.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test-key")
            .maxRetries(0)
            .build();
    telemetry =
        AnthropicTelemetry.builder(GenAiTelemetry.create(otel.sdk))
            .streamIdleTimeout(Duration.ofMillis(100))
            .build();
    client = telemetry.wrap(raw);
  }

  @AfterEach
  void tearDown() {
    server.close();
    raw.close();
    otel.close();
  }

  private static MessageCreateParams params() {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(1024)
        .addUserMessage("Tell me about traces.")
        .build();
  }

  private static List<String[]> answer() {
    return textStream(
        "msg_s1",
        "claude-sonnet-4-5-20250929",
        List.of("Traces ", "are ", "trees."),
        "end_turn",
        START_USAGE,
        DELTA_USAGE);
  }

  @Test
  void aStreamReadToItsEndRecordsTheUsageEventsTheTimeToFirstTokenAndTheCost() {
    server.reply(sse(answer()));

    String text =
        tracing.traced(
            "stream-question",
            () -> {
              try (StreamResponse<RawMessageStreamEvent> stream =
                  client.messages().createStreaming(params())) {
                return stream.stream()
                    .filter(RawMessageStreamEvent::isContentBlockDelta)
                    .map(event -> event.asContentBlockDelta().delta().asText().text())
                    .collect(Collectors.joining());
              }
            });

    Assertions.assertThat(text).isEqualTo("Traces are trees.");
    SpanData chat = otel.span("chat claude-sonnet-4-5");
    // input 1000 + 4000 cache reads = 5000; output 200 (message_delta's total replaces the 1 of
    // message_start). claude-sonnet-4-5: 1000 x 3.00 + 4000 x 0.30 + 200 x 15.00 = 7200 / 1e6
    assertThat(chat)
        .hasParent(otel.span("stream-question"))
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GEN_AI_PROVIDER_NAME, "anthropic"),
            equalTo(GEN_AI_REQUEST_MODEL, "claude-sonnet-4-5"),
            equalTo(GEN_AI_REQUEST_MAX_TOKENS, 1024L),
            equalTo(GEN_AI_REQUEST_STREAM, true),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
            equalTo(GEN_AI_RESPONSE_ID, "msg_s1"),
            equalTo(GEN_AI_RESPONSE_MODEL, "claude-sonnet-4-5-20250929"),
            equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("end_turn")),
            satisfies(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ttft -> ttft.isNotNegative()),
            equalTo(GEN_AI_USAGE_INPUT_TOKENS, 5000L),
            equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 200L),
            equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 4000L),
            equalTo(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 0L),
            equalTo(Keys.COST, 0.0072));
    double ttftNanos = chat.getAttributes().get(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK) * 1e9;
    Assertions.assertThat(ttftNanos)
        .isLessThanOrEqualTo(chat.getEndEpochNanos() - chat.getStartEpochNanos());
    assertThat(otel.span("stream-question"))
        .hasAttributesSatisfyingExactly(
            equalTo(Keys.TOTAL_INPUT_TOKENS, 5000L),
            equalTo(Keys.TOTAL_OUTPUT_TOKENS, 200L),
            equalTo(Keys.TOTAL_COST, 0.0072));
    assertThat(otel.metric("gen_ai.client.operation.time_to_first_chunk"))
        .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(1)));
  }

  @Test
  void theSpanEndsAtMessageStopEvenIfTheCallerNeverClosesTheStream() throws Exception {
    server.reply(sse(answer()));

    StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params());
    Iterator<RawMessageStreamEvent> events = stream.iterator();
    while (events.hasNext()) {
      if (events.next().isMessageStop()) {
        break;
      }
    }

    assertThat(otel.span("chat claude-sonnet-4-5"))
        .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 200L)
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
    stream.close();
  }

  @Test
  void aStreamedToolCallIsRecordedWithItsFinishReason() {
    List<String[]> events = new ArrayList<>();
    events.add(
        new String[] {
          "message_start",
          "{\"type\":\"message_start\",\"message\":{"
              + "\"id\":\"msg_s2\",\"type\":\"message\",\"role\":\"assistant\","
              + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
              + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":300,\"output_tokens\":1}}}"
        });
    events.add(
        new String[] {
          "content_block_start",
          "{\"type\":\"content_block_start\","
              + "\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_9\","
              + "\"name\":\"get_weather\",\"input\":{}}}"
        });
    events.add(
        new String[] {
          "content_block_delta",
          "{\"type\":\"content_block_delta\","
              + "\"index\":0,\"delta\":{\"type\":\"input_json_delta\","
              + "\"partial_json\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}"
        });
    events.add(
        new String[] {"content_block_stop", "{\"type\":\"content_block_stop\"," + "\"index\":0}"});
    events.add(
        new String[] {
          "message_delta",
          "{\"type\":\"message_delta\",\"delta\":{"
              + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}"
        });
    events.add(new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
    server.reply(sse(events));

    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(params())) {
      Assertions.assertThat(stream.stream().count()).isEqualTo(6);
    }

    assertThat(otel.span("chat claude-sonnet-4-5"))
        .hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("tool_use"))
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 300L)
        .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 40L)
        .hasAttribute(Keys.COST, 0.0015); // 300 x 3.00 + 40 x 15.00 = 1500 / 1e6
  }

  @Test
  void closingAStreamEarlyEndsTheSpanWithWhatArrived() {
    CountDownLatch never = new CountDownLatch(1);
    server.reply(sse(answer(), never, 2)); // message_start and content_block_start, then waits

    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(params())) {
      Iterator<RawMessageStreamEvent> events = stream.iterator();
      Assertions.assertThat(events.next().isMessageStart()).isTrue();
    }

    // message_start had the input (and one output token so far); no stop reason arrived
    assertThat(otel.span("chat claude-sonnet-4-5"))
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 5000L)
        .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 1L);
    Assertions.assertThat(
            otel.span("chat claude-sonnet-4-5").getAttributes().get(GEN_AI_RESPONSE_FINISH_REASONS))
        .isNull();
  }

  @Test
  void anAbandonedStreamEndsItsSpanAfterTheIdleTimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    server.reply(sse(answer(), never, 4));

    StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params());
    Iterator<RawMessageStreamEvent> events = stream.iterator();
    events.next(); // message_start, then the caller forgets the stream

    SpanData chat = otel.awaitSpan("chat claude-sonnet-4-5");
    assertThat(chat)
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "stream_abandoned")
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 5000L)
        .hasAttribute(GEN_AI_RESPONSE_ID, "msg_s1");
    stream.close();
    Assertions.assertThat(otel.finished()).hasSize(1);
  }

  @Test
  void aReadBlockedOnASlowServerIsNotAbandoned() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    server.reply(sse(answer(), gate, 1)); // message_start, then a pause longer than the timeout
    Duration timeout = Duration.ofMillis(500);
    AnthropicClient patient =
        AnthropicTelemetry.builder(GenAiTelemetry.create(otel.sdk))
            .streamIdleTimeout(timeout)
            .build()
            .wrap(raw);

    StreamResponse<RawMessageStreamEvent> stream = patient.messages().createStreaming(params());
    Iterator<RawMessageStreamEvent> events = stream.iterator();
    events.next();
    // The watchdog runs its checks in time order on one thread: once a task scheduled at 3.2
    // timeouts has run, the checks at one, two and three timeouts have run before it. Meanwhile
    // this thread is blocked in the SDK's read, which the watchdog must leave alone.
    CountDownLatch watchdogLooked = new CountDownLatch(1);
    StreamWatchdog.schedule(watchdogLooked::countDown, timeout.toNanos() * 32 / 10);
    CompletableFuture<List<String>> endedMeanwhile =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                watchdogLooked.await();
                return otel.names();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              } finally {
                gate.countDown();
              }
            });
    long rest = 0;
    while (events.hasNext()) {
      events.next();
      rest++;
    }
    stream.close();

    Assertions.assertThat(endedMeanwhile.join()).isEmpty();
    Assertions.assertThat(rest).isEqualTo(answer().size() - 2); // the SDK drops the ping event
    assertThat(otel.span("chat claude-sonnet-4-5"))
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 200L);
  }

  @Test
  void anErrorEventInTheStreamFailsTheSpanAndReachesTheCaller() {
    List<String[]> events = new ArrayList<>(answer().subList(0, 3));
    events.add(new String[] {"error", FakeAnthropic.error("overloaded_error", "Overloaded")});
    server.reply(sse(events));

    Throwable thrown;
    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(params())) {
      thrown = Assertions.catchThrowable(() -> stream.stream().count());
    }

    Assertions.assertThat(thrown).isInstanceOf(AnthropicServiceException.class);
    assertThat(otel.span("chat claude-sonnet-4-5"))
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, thrown.getClass().getName())
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 5000L)
        .hasException(thrown);
  }

  @Test
  void anExceptionOfTheCallersOwnCodeDoesNotFailTheSpan() {
    server.reply(sse(answer()));
    IllegalStateException mine = new IllegalStateException("caller's bug");

    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(params())) {
      assertThatThrownBy(
              () ->
                  stream.stream()
                      .forEach(
                          event -> {
                            if (event.isContentBlockDelta()) {
                              throw mine;
                            }
                          }))
          .isSameAs(mine);
    }

    assertThat(otel.span("chat claude-sonnet-4-5"))
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
  }

  @Test
  void anAsyncStreamRecordsThroughTheSubscribedHandler() throws Exception {
    server.reply(sse(answer()));
    // the default idle timeout: this class's 100 ms can pass on a cold JVM before subscribe
    AnthropicClientAsync async =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.sdk)).wrap(raw.async());
    StringBuilder text = new StringBuilder();
    CompletableFuture<Optional<Throwable>> done = new CompletableFuture<>();

    tracing.traced(
        "async-stream",
        () -> {
          AsyncStreamResponse<RawMessageStreamEvent> stream =
              async.messages().createStreaming(params());
          stream.subscribe(
              new AsyncStreamResponse.Handler<RawMessageStreamEvent>() {
                @Override
                public void onNext(RawMessageStreamEvent event) {
                  event
                      .contentBlockDelta()
                      .ifPresent(delta -> text.append(delta.delta().asText().text()));
                }

                @Override
                public void onComplete(Optional<Throwable> error) {
                  done.complete(error);
                }
              });
          // the request's span waits for the stream, as a server handler would
          stream.onCompleteFuture().join();
        });

    Assertions.assertThat(done.get()).isEmpty();
    Assertions.assertThat(text.toString()).isEqualTo("Traces are trees.");
    assertThat(otel.span("chat claude-sonnet-4-5"))
        .hasParent(otel.span("async-stream"))
        .hasAttribute(GEN_AI_REQUEST_STREAM, true)
        .hasAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, 200L)
        .hasAttribute(Keys.COST, 0.0072)
        .hasAttributesSatisfying(
            satisfies(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ttft -> ttft.isNotNegative()));
    assertThat(otel.span("async-stream")).hasAttribute(Keys.TOTAL_COST, 0.0072);
  }

  @Test
  void anAsyncStreamNobodySubscribesToIsAbandonedAfterTheIdleTimeout() throws Exception {
    server.reply(sse(answer()));
    AnthropicClientAsync async = telemetry.wrap(raw.async());

    AsyncStreamResponse<RawMessageStreamEvent> stream = async.messages().createStreaming(params());

    assertThat(otel.awaitSpan("chat claude-sonnet-4-5"))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "stream_abandoned")
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR));
    stream.close();
  }

  @Test
  void aFailedAsyncStreamFailsItsSpan() throws Exception {
    server.reply(FakeAnthropic.json(529, FakeAnthropic.error("overloaded_error", "Overloaded")));
    // the default idle timeout: this test's 100 ms can pass before a cold client's first answer
    AnthropicClientAsync async =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.sdk)).wrap(raw.async());

    AsyncStreamResponse<RawMessageStreamEvent> stream = async.messages().createStreaming(params());
    Throwable thrown = Assertions.catchThrowable(() -> stream.onCompleteFuture().join());

    SpanData chat = otel.awaitSpan("chat claude-sonnet-4-5");
    Assertions.assertThat(thrown)
        .hasCauseInstanceOf(com.anthropic.errors.OverloadedException.class);
    assertThat(chat)
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "com.anthropic.errors.OverloadedException");
    Assertions.assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }
}
