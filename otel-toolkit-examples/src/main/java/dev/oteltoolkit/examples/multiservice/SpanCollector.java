package dev.oteltoolkit.examples.multiservice;

import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A span exporter that keeps one service's ended spans by trace id, so that the scenario can read a
 * request's spans once it ended. Add it with {@code Telemetry.setup().addSpanExporter(...)}.
 */
final class SpanCollector implements SpanExporter {

  private static final int MAX_TRACES = 1000;

  /** Long enough for the console and this exporter; short enough not to wait on a slow OTLP. */
  private static final Duration FLUSH_TIMEOUT = Duration.ofMillis(250);

  private final Object lock = new Object();
  private final Map<String, List<SpanData>> traces = new LinkedHashMap<>(); // guarded by lock

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    synchronized (lock) {
      for (SpanData span : spans) {
        traces.computeIfAbsent(span.getTraceId(), k -> new ArrayList<>()).add(span);
        if (traces.size() > MAX_TRACES) {
          traces.remove(traces.keySet().iterator().next());
        }
      }
      lock.notifyAll();
    }
    return CompletableResultCode.ofSuccess();
  }

  /** The spans of trace {@code traceId} exported so far. */
  List<SpanData> spans(String traceId) {
    synchronized (lock) {
      return new ArrayList<>(traces.getOrDefault(traceId, List.of()));
    }
  }

  /**
   * Flushes {@code telemetry} until a span of trace {@code traceId} matching {@code expected} was
   * exported here, or {@code timeout} passed. A SERVER span ends just after its client got the
   * response: it may need a moment.
   *
   * @return whether it came
   */
  boolean await(String traceId, Predicate<SpanData> expected, Telemetry telemetry, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      telemetry.forceFlush(FLUSH_TIMEOUT);
      synchronized (lock) {
        if (traces.getOrDefault(traceId, List.of()).stream().anyMatch(expected)) {
          return true;
        }
        if (System.nanoTime() >= deadline) {
          return false;
        }
        lock.wait(20);
      }
    }
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
