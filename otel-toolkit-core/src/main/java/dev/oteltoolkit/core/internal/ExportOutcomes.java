package dev.oteltoolkit.core.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Internal, not for public use: counts the exports of one {@code Telemetry} that failed, so that
 * {@code forceFlush} and {@code shutdown} can say whether everything pending was exported.
 *
 * <p>The SDK's batch processors complete a flush once the exporter has answered, whether the
 * export succeeded or not: with the collector down, a flush "succeeds" and the spans are gone.
 * Each exporter is wrapped ({@link #track}) so that every export whose result completes
 * unsuccessfully is counted; a flush is successful only if no export failed while it ran. A
 * failure the exporter retried into a success is not a failure. The wrappers add one callback
 * registration per exported batch, nothing per span.
 *
 * <p>The count is per {@code Telemetry}, not per flush: an export that fails while a flush runs is
 * blamed on that flush even if it carried other data (a periodic metric export, or a late failure
 * of an export an earlier flush gave up on), and an export still running when the batch processor
 * gives up on it (its exporter timeout) fails after the flush has answered. Both are rare; the
 * answer errs towards "not everything was exported".
 */
public final class ExportOutcomes {

  private final AtomicLong spanAndLogFailures = new AtomicLong();
  private final AtomicLong metricFailures = new AtomicLong();

  /** Creates a counter with no failure yet. */
  public ExportOutcomes() {}

  /**
   * Returns the number of exports that have failed so far.
   *
   * @return the count, for comparing before and after a flush
   */
  public long failures() {
    return spanAndLogFailures.get() + metricFailures.get();
  }

  /**
   * Returns the number of span and log exports that have failed so far (also in {@link
   * #failures()}).
   *
   * @return the count
   */
  public long spanAndLogFailures() {
    return spanAndLogFailures.get();
  }

  /**
   * Returns the number of metric exports that have failed so far (also in {@link #failures()}).
   *
   * @return the count
   */
  public long metricFailures() {
    return metricFailures.get();
  }

  /**
   * Wraps a span exporter so its failed exports are counted.
   *
   * @param exporter the exporter
   * @return the counting exporter
   */
  public SpanExporter track(SpanExporter exporter) {
    return new Spans(Objects.requireNonNull(exporter, "exporter"));
  }

  /**
   * Wraps a metric exporter so its failed exports are counted.
   *
   * @param exporter the exporter
   * @return the counting exporter
   */
  public MetricExporter track(MetricExporter exporter) {
    return new Metrics(Objects.requireNonNull(exporter, "exporter"));
  }

  /**
   * Wraps a log record exporter so its failed exports are counted.
   *
   * @param exporter the exporter
   * @return the counting exporter
   */
  public LogRecordExporter track(LogRecordExporter exporter) {
    return new Logs(Objects.requireNonNull(exporter, "exporter"));
  }

  /** Runs one export and counts it if it throws, returns no result, or its result fails. */
  private CompletableResultCode counted(Supplier<CompletableResultCode> export, boolean metrics) {
    CompletableResultCode result;
    try {
      result = export.get();
    } catch (RuntimeException e) {
      failed(metrics);
      throw e;
    }
    if (result == null) {
      failed(metrics); // a broken exporter: nothing was exported
      return CompletableResultCode.ofFailure();
    }
    result.whenComplete(
        () -> {
          if (!result.isSuccess()) {
            failed(metrics);
          }
        });
    return result;
  }

  private void failed(boolean metrics) {
    (metrics ? metricFailures : spanAndLogFailures).incrementAndGet();
  }

  private final class Spans implements SpanExporter {
    private final SpanExporter delegate;

    Spans(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return counted(() -> delegate.export(spans), false);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private final class Metrics implements MetricExporter {
    private final MetricExporter delegate;

    Metrics(MetricExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return counted(() -> delegate.export(metrics), true);
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return delegate.getMemoryMode();
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private final class Logs implements LogRecordExporter {
    private final LogRecordExporter delegate;

    Logs(LogRecordExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      return counted(() -> delegate.export(logs), false);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
