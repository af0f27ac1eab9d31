package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_STREAM;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Blocking streams: first chunk, usage from the last chunk, and the span's end in every case. */
class StreamingTest extends OpenAiTestBase {

  static final String ID = "chatcmpl-s1";
  static final String MODEL = "gpt-4o-mini-2024-07-18";

  static ChatCompletionCreateParams params(boolean includeUsage) {
    ChatCompletionCreateParams.Builder builder = ChatCompletionsTest.question().temperature(0.0);
    if (includeUsage) {
      builder.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
    }
    return builder.build();
  }

  void scriptStream(CountDownLatch firstByte, boolean withUsage) {
    String[] withoutUsage = {
      Wire.roleChunk(ID, MODEL),
      Wire.chunk(ID, MODEL, "Tra", null),
      Wire.chunk(ID, MODEL, "ces.", null),
      Wire.chunk(ID, MODEL, null, "stop")
    };
    if (withUsage) {
      String[] all = java.util.Arrays.copyOf(withoutUsage, withoutUsage.length + 1);
      all[withoutUsage.length] = Wire.usageChunk(ID, MODEL, Wire.usage(1200, 300, 200, 0));
      server.sse(firstByte, all);
    } else {
      server.sse(firstByte, withoutUsage);
    }
  }

  @Test
  void aConsumedStreamRecordsFirstChunkUsageFromTheLastChunkAndEndsWithTheStream() {
    scriptStream(null, true);
    OpenAIClient client = client();

    String text =
        tracing.traced(
            "request",
            () -> {
              try (StreamResponse<ChatCompletionChunk> stream =
                  client.chat().completions().createStreaming(params(true))) {
                String joined =
                    stream.stream()
                        .flatMap(chunk -> chunk.choices().stream())
                        .map(choice -> choice.delta().content().orElse(""))
                        .collect(Collectors.joining());
                // ended when the chunks ran out, before close()
                assertThat(otel.spans())
                    .extracting(SpanData::getName)
                    .containsExactly("chat gpt-4o-mini");
                return joined;
              }
            });

    assertThat(text).isEqualTo("Traces.");
    SpanData root = otel.span("request");
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat)
        .hasParent(root)
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
            equalTo(
                io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes
                    .GEN_AI_REQUEST_TEMPERATURE,
                0.0),
            equalTo(GEN_AI_REQUEST_STREAM, true),
            equalTo(Keys.API_TYPE, "chat_completions"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
            equalTo(GEN_AI_RESPONSE_ID, ID),
            equalTo(GEN_AI_RESPONSE_MODEL, MODEL),
            equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
            equalTo(Keys.SYSTEM_FINGERPRINT, "fp_44709d6fcb"),
            satisfies(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ttfc -> ttfc.isPositive()),
            equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1200L),
            equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 300L),
            equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 200L),
            equalTo(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 0L),
            equalTo(Keys.COST, 0.000345));
    assertThat(root.getAttributes().get(Keys.TOTAL_COST)).isEqualTo(0.000345);
    assertThat(
            otel.metric("gen_ai.client.operation.time_to_first_chunk")
                .getHistogramData()
                .getPoints())
        .hasSize(1);
  }

  @Test
  void theTimeToFirstChunkCoversASlowFirstByte() throws Exception {
    CountDownLatch firstByte = new CountDownLatch(1);
    scriptStream(firstByte, true);
    OpenAIClient client = client();

    long returned;
    long released;
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params(true))) {
      returned = System.nanoTime(); // the span started before this
      // hold the first chunk back until at least 200 ms have passed since the call returned
      Thread releaser =
          new Thread(
              () -> {
                CountDownLatch never = new CountDownLatch(1);
                try {
                  never.await(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                firstByte.countDown();
              });
      releaser.start();
      assertThat(stream.stream().count()).isEqualTo(5);
      released = System.nanoTime();
      releaser.join();
    }

    Attributes attributes = otel.span("chat gpt-4o-mini").getAttributes();
    double ttfc = attributes.get(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    // causality, not speed: the first chunk came after the release, the span started before
    // "returned"; and it cannot be later than the span's end
    assertThat(ttfc).isGreaterThanOrEqualTo(0.2);
    SpanData chat = otel.span("chat gpt-4o-mini");
    double duration = (chat.getEndEpochNanos() - chat.getStartEpochNanos()) / 1e9;
    assertThat(ttfc).isLessThanOrEqualTo(duration);
    assertThat(released - returned).isGreaterThan(0);
  }

  @Test
  void aStreamWithoutIncludeUsageHasNoUsageButTheOptionAsksForIt() {
    scriptStream(null, false);
    client().chat().completions().createStreaming(params(false)).stream().count();
    Attributes without = otel.span("chat gpt-4o-mini").getAttributes();
    assertThat(without.get(GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(without.get(Keys.COST)).isNull();
    assertThat(without.get(GEN_AI_RESPONSE_FINISH_REASONS)).containsExactly("stop");
    assertThat(server.requests.get(0).body()).doesNotContain("include_usage");

    otel.reset();
    scriptStream(null, true);
    OpenAIClient asking =
        OpenAiTelemetry.builder(genAi().build()).includeStreamUsage(true).build().wrap(rawClient());
    try (StreamResponse<ChatCompletionChunk> stream =
        asking.chat().completions().createStreaming(params(false))) {
      assertThat(stream.stream().count()).isEqualTo(5);
    }
    assertThat(server.requests.get(1).body())
        .contains("\"stream_options\":{\"include_usage\":true}");
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(Keys.COST)).isEqualTo(0.000345);
  }

  @Test
  void closingAStreamEarlyEndsItsSpanWithWhatArrived() {
    scriptStream(null, true);
    OpenAIClient client = client();

    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params(true))) {
      assertThat(stream.stream().findFirst()).isPresent();
      otel.assertNoSpans();
    }

    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_ID)).isEqualTo(ID);
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)).isNotNull();
    assertThat(chat.getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isNull();
  }

  @Test
  void anErrorEventInTheStreamFailsTheSpanAndReachesTheCaller() {
    server.sse(Wire.roleChunk(ID, MODEL), Wire.error("overloaded", "server_error"));
    OpenAIClient client = client();

    StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params(true));
    assertThatThrownBy(() -> stream.stream().count()).isInstanceOf(SseException.class);

    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat)
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(
                io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE, SseException.class.getName()));
    stream.close();
    assertThat(otel.spans()).hasSize(1);
  }

  @Test
  void anExceptionOfTheApplicationWhileReadingDoesNotEndTheSpanButCloseDoes() {
    scriptStream(null, true);
    OpenAIClient client = client();

    StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params(true));
    assertThatThrownBy(
            () ->
                stream.stream()
                    .forEach(
                        chunk -> {
                          throw new IllegalStateException("the application's bug");
                        }))
        .hasMessage("the application's bug");
    otel.assertNoSpans();
    stream.close();
    assertThat(otel.span("chat gpt-4o-mini"))
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
  }

  @Test
  void anAbandonedStreamEndsItsSpanWhenItIsGarbageCollected() throws Exception {
    scriptStream(null, true);
    OpenAIClient client = client();
    CountDownLatch ended = new CountDownLatch(1);
    // the span ends on the cleaner's thread; spans() flushes what has ended
    Thread watcher =
        new Thread(
            () -> {
              while (otel.spans().isEmpty()) {
                System.gc();
                try {
                  ended.await(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  return;
                }
              }
              ended.countDown();
            });

    openAndDrop(client);
    watcher.start();
    assertThat(ended.await(30, TimeUnit.SECONDS)).as("span ended after GC").isTrue();

    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat)
        .hasAttributesSatisfying(
            equalTo(OpenAiAttributes.STREAM_ABANDONED, true), equalTo(GEN_AI_RESPONSE_ID, ID));
    assertThat(chat).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
  }

  /** Reads one chunk and drops the stream without closing it (the bug the bound is for). */
  @SuppressWarnings("MustBeClosedChecker")
  private static void openAndDrop(OpenAIClient client) {
    StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params(true));
    assertThat(stream.stream().iterator().next().id()).isEqualTo(ID);
  }
}
