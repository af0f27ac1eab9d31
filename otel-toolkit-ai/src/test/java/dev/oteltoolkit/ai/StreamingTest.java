package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamingTest {

  private final TestSdk otel = new TestSdk();
  private final GenAiTelemetry ai =
      GenAiTelemetry.builder(otel.sdk).priceTable(GenAiSpansTest.PRICES).build();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @Test
  void aStreamRecordsTimeToFirstChunkAndItsUsageWhenClosed() {
    Iterator<String> chunks = List.of("Par", "is", ".").iterator();
    StringBuilder answer = new StringBuilder();
    long beforeStart = System.nanoTime();
    long afterFirstChunk = 0;
    try (GenAiSpan span = ai.chat("openai", "gpt-4o").stream(true).start()) {
      while (chunks.hasNext()) {
        answer.append(chunks.next());
        span.firstToken(); // only the first call counts
        if (afterFirstChunk == 0) {
          afterFirstChunk = System.nanoTime();
          // the later chunks come well after the first: longer than start-to-first-chunk took
          awaitNanoTime(
              afterFirstChunk + Math.max(50_000_000L, 2 * (afterFirstChunk - beforeStart)));
        }
      }
      span.responseModel("gpt-4o-2024-08-06").finishReasons("stop").usage(20, 3);
    }

    assertThat(answer.toString()).isEqualTo("Paris.");
    SpanData chat = otel.span("chat gpt-4o");
    Double ttfc = chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    // causality, not speed: the span started after beforeStart and the first call returned
    // before afterFirstChunk; had a later call counted, the value would exceed that interval
    assertThat(ttfc)
        .isNotNull()
        .isPositive()
        .isLessThanOrEqualTo((afterFirstChunk - beforeStart) / 1e9);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_STREAM)).isTrue();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(3L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_COST)).isEqualTo(0.00008);
    assertThat(chat.hasEnded()).isTrue();

    List<HistogramPointData> points =
        List.copyOf(
            otel.metric("gen_ai.client.operation.time_to_first_chunk")
                .getHistogramData()
                .getPoints());
    assertThat(points).hasSize(1);
    assertThat(points.get(0).getCount()).isEqualTo(1);
    assertThat(points.get(0).getSum()).isEqualTo(ttfc);
    assertThat(points.get(0).getBoundaries()).isEqualTo(GenAiAttributes.DURATION_BUCKETS);
    assertThat(otel.metric("gen_ai.client.operation.time_to_first_chunk")).hasUnit("s");
  }

  /** Returns once System.nanoTime() has passed {@code deadline} (a gap, not a wait for work). */
  private static void awaitNanoTime(long deadline) {
    while (System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(deadline - System.nanoTime());
    }
  }

  @Test
  void withoutFirstTokenNothingIsRecordedForTheFirstChunk() {
    ai.chat("openai", "gpt-4o").call(s -> s.usage(1, 1));
    assertThat(
            otel.span("chat gpt-4o")
                .getAttributes()
                .get(GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK))
        .isNull();
    assertThat(otel.metrics.collectAllMetrics())
        .noneSatisfy(
            m -> assertThat(m.getName()).isEqualTo("gen_ai.client.operation.time_to_first_chunk"));
  }

  @Test
  void aStreamMayBeConsumedAndEndedOnAnotherThread() throws Exception {
    ExecutorService callbacks = Executors.newSingleThreadExecutor();
    try {
      GenAiSpan span = ai.chat("openai", "gpt-4o").stream(true).start();
      CompletableFuture<Void> done =
          CompletableFuture.runAsync(
              () -> {
                span.firstToken();
                span.usage(5, 5);
                span.close();
              },
              callbacks);
      done.get(30, TimeUnit.SECONDS);
      span.close(); // a second close from the caller is harmless
    } finally {
      callbacks.shutdownNow();
    }
    assertThat(otel.finished()).hasSize(1);
    assertThat(
            otel.span("chat gpt-4o").getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS))
        .isEqualTo(5L);
  }

  @Test
  void aBrokenStreamIsAnErrorWithTheUsageReceivedSoFar() {
    GenAiSpan span = ai.chat("openai", "gpt-4o").stream(true).start();
    span.firstToken().usage(10, 2);
    span.error(new java.io.UncheckedIOException(new java.io.IOException("stream reset")));
    span.close();

    SpanData chat = otel.span("chat gpt-4o");
    assertThat(chat.getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(chat.getAttributes().get(io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE))
        .isEqualTo("java.io.UncheckedIOException");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(10L);
    assertThat(otel.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .singleElement()
        .satisfies(
            p ->
                assertThat(
                        p.getAttributes().get(io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE))
                    .isEqualTo("java.io.UncheckedIOException"));
  }
}
