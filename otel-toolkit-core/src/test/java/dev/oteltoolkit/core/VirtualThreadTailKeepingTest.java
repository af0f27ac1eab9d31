package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.api.VirtualThreads;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Tail keeping and RED metrics with 100,000 requests on virtual threads (one each, at most 2,000 in
 * flight, as a server's connection limit would have it), head sampling at 0 and every tenth request
 * failing: exactly the failed trees are exported, each whole, and the held spans go back to zero.
 */
class VirtualThreadTailKeepingTest {

  private static final int REQUESTS = 100_000;
  private static final int IN_FLIGHT = 2_000;
  private static final AttributeKey<Long> REQUEST_ID = AttributeKey.longKey("test.request.id");

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+")
  void failedTreesAreKeptWholeAndMetricsAreExact() throws Exception {
    TreeCounter trees = new TreeCounter();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (Telemetry telemetry =
        Telemetry.setup()
            .otlp(false)
            .samplingRatio(0.0)
            .keepErrors(true)
            .addSpanExporter(trees)
            .addMetricReader(metrics)
            .configProperties(Map.of())
            .build()) {
      Tracing tracing = telemetry.tracing();
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      ExecutorService executor = VirtualThreads.newVirtualThreadPerTaskExecutor();
      List<Future<?>> futures = new ArrayList<>(REQUESTS);
      for (int i = 0; i < REQUESTS; i++) {
        long id = i;
        inFlight.acquire();
        futures.add(
            executor.submit(
                () -> {
                  try {
                    tracing
                        .span("request")
                        .attribute(REQUEST_ID, id)
                        .run(
                            () -> {
                              tracing.span("load").attribute(REQUEST_ID, id).run(() -> {});
                              tracing
                                  .span("save")
                                  .attribute(REQUEST_ID, id)
                                  // ends on another virtual thread, before the root
                                  .callAsync(
                                      () -> CompletableFuture.supplyAsync(() -> "saved", executor))
                                  .join();
                              if (id % 10 == 7) {
                                throw new IllegalStateException("failed");
                              }
                            });
                  } catch (IllegalStateException expected) {
                    // the failed requests: kept by tail keeping
                  } finally {
                    inFlight.release();
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get(2, TimeUnit.MINUTES);
      }
      executor.shutdown();
      assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
      assertThat(telemetry.forceFlush()).isTrue();

      // exactly the failed requests, each tree whole: its root and both children, nothing else
      assertThat(trees.unexpected).hasValue(0);
      assertThat(trees.spansByRequest).hasSize(REQUESTS / 10);
      assertThat(trees.spansByRequest.values()).allMatch(count -> count.get() == 3);
      assertThat(trees.spansByRequest.keySet()).allMatch(id -> id % 10 == 7);
      // memory: nothing is held once every request has ended, nothing was evicted on the way
      assertThat(held(metrics)).isZero();
      assertThat(names(metrics)).doesNotContain(TailSamplingSpanProcessor.EVICTED_METRIC);
      // the RED metrics count every request, kept or not
      assertThat(count(metrics, "request", null)).isEqualTo(REQUESTS * 9L / 10);
      assertThat(count(metrics, "request", "java.lang.IllegalStateException"))
          .isEqualTo(REQUESTS / 10);
      assertThat(count(metrics, "load", null)).isEqualTo(REQUESTS);
      assertThat(count(metrics, "save", null)).isEqualTo(REQUESTS);
    }
  }

  private static long count(InMemoryMetricReader metrics, String operation, String errorType) {
    Attributes attributes =
        errorType == null
            ? Attributes.of(Tracing.OPERATION_NAME, operation)
            : Attributes.of(
                Tracing.OPERATION_NAME, operation, ErrorAttributes.ERROR_TYPE, errorType);
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(Tracing.OPERATION_DURATION))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(HistogramPointData::getCount)
        .sum();
  }

  private static long held(InMemoryMetricReader metrics) {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(TailSamplingSpanProcessor.HELD_METRIC))
        .flatMap(m -> m.getLongGaugeData().getPoints().stream())
        .mapToLong(LongPointData::getValue)
        .findFirst()
        .orElseThrow();
  }

  private static List<String> names(InMemoryMetricReader metrics) {
    return metrics.collectAllMetrics().stream().map(MetricData::getName).toList();
  }

  /** Counts exported spans per request (not the spans themselves: 30,000 would be kept). */
  private static final class TreeCounter implements SpanExporter {
    final Map<Long, AtomicInteger> spansByRequest = new ConcurrentHashMap<>();
    final AtomicInteger unexpected = new AtomicInteger();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData span : spans) {
        Long id = span.getAttributes().get(REQUEST_ID);
        boolean root = span.getName().equals("request");
        boolean keptByError =
            "error".equals(span.getAttributes().get(TailSamplingSpanProcessor.KEPT_BY));
        if (id == null || root != keptByError || root == span.getParentSpanContext().isValid()) {
          unexpected.incrementAndGet();
          continue;
        }
        spansByRequest.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
