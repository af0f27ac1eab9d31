package dev.oteltoolkit.core.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Internal, not for public use: wraps every exporter of one {@code Telemetry} to count what did not
 * get through, so that {@code forceFlush} and {@code shutdown} can tell the truth (the SDK's batch
 * processors complete a flush whether the export succeeded or not) and a shutdown with no collector
 * listening can say what was lost.
 *
 * <p>Counted: failed exports (an export that throws, returns null or whose result fails) per signal
 * group, and the items (spans, metric points, log records) of failed exports of the OTLP exporters.
 * An OTLP exporter whose collector is not there can be {@linkplain #abandon abandoned}: it is shut
 * down (cancelling a request in its retry backoff) and every later export fails at once, counted,
 * without a network attempt.
 *
 * <p>The failure count is per {@code Telemetry}, not per flush: an export that fails while a flush
 * runs is blamed on that flush even if it carried other data. The answer errs towards "not
 * everything was exported".
 */
// counters in arrays indexed by Signal.ordinal(): a fixed internal enum, on the export path
@SuppressWarnings("EnumOrdinal")
public final class ExportOutcomes {

  /** The signal of an exporter, for the counts. */
  public enum Signal {
    /** Spans. */
    SPANS,
    /** Metric points. */
    METRICS,
    /** Log records. */
    LOGS
  }

  private final AtomicLong spanAndLogFailures = new AtomicLong();
  private final AtomicLong metricFailures = new AtomicLong();
  private final AtomicLong[] undelivered = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
  private final AtomicLong[] delivered = {new AtomicLong(), new AtomicLong(), new AtomicLong()};

  /** Spans and log records handed to the OTLP batch processors, counted when counting is on. */
  private final LongAdder[] accepted = {new LongAdder(), new LongAdder(), new LongAdder()};

  private final AtomicBoolean[] counting = {
    new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()
  };
  private final List<Tracked> otlpExporters = new CopyOnWriteArrayList<>();

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
   * Returns the number of span and log exports that have failed so far.
   *
   * @return the count
   */
  public long spanAndLogFailures() {
    return spanAndLogFailures.get();
  }

  /**
   * Returns the number of metric exports that have failed so far.
   *
   * @return the count
   */
  public long metricFailures() {
    return metricFailures.get();
  }

  /**
   * Returns how many items of {@code signal} the OTLP exporters did not deliver so far: for spans
   * and log records whose processor input is {@linkplain #countAccepted counted}, everything handed
   * to it minus what was exported (failed, dropped from a full queue, still queued); otherwise the
   * items of failed exports.
   *
   * @param signal the signal
   * @return spans, metric points or log records not delivered
   */
  public long undelivered(Signal signal) {
    int i = signal.ordinal();
    return counting[i].get()
        ? Math.max(0, accepted[i].sum() - delivered[i].get())
        : undelivered[i].get();
  }

  /**
   * Counts the sampled spans handed to {@code processor}, the batch processor of the OTLP span
   * exporter, so that {@link #undelivered} includes spans it dropped or still holds.
   *
   * @param processor the OTLP exporter's batch processor
   * @return the counting processor
   */
  public SpanProcessor countAccepted(SpanProcessor processor) {
    counting[Signal.SPANS.ordinal()].set(true);
    LongAdder spans = accepted[Signal.SPANS.ordinal()];
    return new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {
        processor.onStart(parentContext, span);
      }

      @Override
      public boolean isStartRequired() {
        return processor.isStartRequired();
      }

      @Override
      public void onEnd(ReadableSpan span) {
        if (span.getSpanContext().isSampled()) {
          spans.increment();
        }
        processor.onEnd(span);
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }

      @Override
      public CompletableResultCode forceFlush() {
        return processor.forceFlush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return processor.shutdown();
      }

      @Override
      public String toString() {
        return processor.toString();
      }
    };
  }

  /**
   * Counts the log records handed to {@code processor}, the batch processor of the OTLP log
   * exporter.
   *
   * @param processor the OTLP exporter's batch processor
   * @return the counting processor
   */
  public LogRecordProcessor countAccepted(LogRecordProcessor processor) {
    counting[Signal.LOGS.ordinal()].set(true);
    LongAdder logs = accepted[Signal.LOGS.ordinal()];
    return new LogRecordProcessor() {
      @Override
      public void onEmit(Context context, ReadWriteLogRecord logRecord) {
        logs.increment();
        processor.onEmit(context, logRecord);
      }

      @Override
      public CompletableResultCode forceFlush() {
        return processor.forceFlush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return processor.shutdown();
      }

      @Override
      public String toString() {
        return processor.toString();
      }
    };
  }

  /**
   * Returns the collectors the OTLP exporters send to, in the order they were created.
   *
   * @return host and port of each distinct target
   */
  public Set<URI> otlpTargets() {
    Set<URI> targets = new LinkedHashSet<>();
    for (Tracked exporter : otlpExporters) {
      targets.add(exporter.target);
    }
    return targets;
  }

  /**
   * Abandons the OTLP exporters sending to {@code target}: each is shut down and every later export
   * fails at once, its items counted as undelivered.
   *
   * @param target a target from {@link #otlpTargets()}
   * @return the shutdown results of the abandoned exporters, all of them
   */
  public CompletableResultCode abandon(URI target) {
    List<CompletableResultCode> results = new ArrayList<>();
    for (Tracked exporter : otlpExporters) {
      if (exporter.target.equals(target)) {
        results.add(exporter.abandon());
      }
    }
    return CompletableResultCode.ofAll(results);
  }

  /**
   * Wraps a span exporter.
   *
   * @param exporter the exporter
   * @param otlpTarget the collector it sends to when it is an OTLP exporter, else null
   * @return the counting exporter
   */
  public SpanExporter track(SpanExporter exporter, URI otlpTarget) {
    return new Spans(Objects.requireNonNull(exporter, "exporter"), otlpTarget);
  }

  /**
   * Wraps a span exporter that is not an OTLP exporter.
   *
   * @param exporter the exporter
   * @return the counting exporter
   */
  public SpanExporter track(SpanExporter exporter) {
    return track(exporter, null);
  }

  /**
   * Wraps a metric exporter.
   *
   * @param exporter the exporter
   * @param otlpTarget the collector it sends to when it is an OTLP exporter, else null
   * @return the counting exporter
   */
  public MetricExporter track(MetricExporter exporter, URI otlpTarget) {
    return new Metrics(Objects.requireNonNull(exporter, "exporter"), otlpTarget);
  }

  /**
   * Wraps a log record exporter.
   *
   * @param exporter the exporter
   * @param otlpTarget the collector it sends to when it is an OTLP exporter, else null
   * @return the counting exporter
   */
  public LogRecordExporter track(LogRecordExporter exporter, URI otlpTarget) {
    return new Logs(Objects.requireNonNull(exporter, "exporter"), otlpTarget);
  }

  /**
   * Wraps a log record exporter that is not an OTLP exporter.
   *
   * @param exporter the exporter
   * @return the counting exporter
   */
  public LogRecordExporter track(LogRecordExporter exporter) {
    return track(exporter, null);
  }

  private static int metricPoints(Collection<MetricData> metrics) {
    int points = 0;
    for (MetricData metric : metrics) {
      points += metric.getData().getPoints().size();
    }
    return points;
  }

  /** What every wrapper shares: counting, and abandoning when it is an OTLP exporter. */
  private abstract class Tracked {
    final Signal signal;
    final URI target;
    private volatile boolean abandoned;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    Tracked(Signal signal, URI target) {
      this.signal = signal;
      this.target = target;
      if (target != null) {
        otlpExporters.add(this);
      }
    }

    abstract CompletableResultCode shutdownDelegate();

    CompletableResultCode abandon() {
      abandoned = true;
      return shutdownOnce();
    }

    /** Shuts the delegate down once (OTLP exporters log a line on a second shutdown). */
    CompletableResultCode shutdownOnce() {
      return shutDown.compareAndSet(false, true)
          ? shutdownDelegate()
          : CompletableResultCode.ofSuccess();
    }

    /** Runs one export, counting it if it throws, returns no result, or its result fails. */
    CompletableResultCode counted(Supplier<CompletableResultCode> export, int items) {
      if (abandoned) {
        failed(items);
        return CompletableResultCode.ofFailure();
      }
      CompletableResultCode result;
      try {
        result = export.get();
      } catch (RuntimeException e) {
        failed(items);
        throw e;
      }
      if (result == null) {
        failed(items); // a broken exporter: nothing was exported
        return CompletableResultCode.ofFailure();
      }
      result.whenComplete(
          () -> {
            if (!result.isSuccess()) {
              failed(items);
            } else if (target != null) {
              delivered[signal.ordinal()].addAndGet(items);
            }
          });
      return result;
    }

    private void failed(int items) {
      (signal == Signal.METRICS ? metricFailures : spanAndLogFailures).incrementAndGet();
      if (target != null) {
        undelivered[signal.ordinal()].addAndGet(items);
      }
    }
  }

  private final class Spans extends Tracked implements SpanExporter {
    private final SpanExporter delegate;

    Spans(SpanExporter delegate, URI target) {
      super(Signal.SPANS, target);
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return counted(() -> delegate.export(spans), spans.size());
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return shutdownOnce();
    }

    @Override
    CompletableResultCode shutdownDelegate() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private final class Metrics extends Tracked implements MetricExporter {
    private final MetricExporter delegate;

    Metrics(MetricExporter delegate, URI target) {
      super(Signal.METRICS, target);
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return counted(() -> delegate.export(metrics), metricPoints(metrics));
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
      return shutdownOnce();
    }

    @Override
    CompletableResultCode shutdownDelegate() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private final class Logs extends Tracked implements LogRecordExporter {
    private final LogRecordExporter delegate;

    Logs(LogRecordExporter delegate, URI target) {
      super(Signal.LOGS, target);
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      return counted(() -> delegate.export(logs), logs.size());
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return shutdownOnce();
    }

    @Override
    CompletableResultCode shutdownDelegate() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
