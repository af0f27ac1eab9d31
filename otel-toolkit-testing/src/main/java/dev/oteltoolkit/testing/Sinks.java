package dev.oteltoolkit.testing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The span and log record exporters every {@code Telemetry} of one extension shares: they hand what
 * they get to {@code opentelemetry-sdk-testing}'s in-memory exporters, up to a cap, and keep it
 * when a {@code Telemetry} shuts down (the in-memory exporters clear on shutdown, and a test that
 * closes its telemetry still wants to assert what was flushed).
 */
final class Sinks {

  /** At most this many spans (and, separately, log records) are kept per test; more are counted. */
  static final int MAX_KEPT = 100_000;

  private final Object lock = new Object();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  private int spanCount; // guarded by lock
  private int logCount; // guarded by lock
  private long droppedSpans; // guarded by lock
  private long droppedLogs; // guarded by lock
  private long exports; // guarded by lock

  final SpanExporter spanExporter = new SpanSink();
  final LogRecordExporter logExporter = new LogSink();

  List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  List<LogRecordData> logRecords() {
    return logs.getFinishedLogRecordItems();
  }

  long droppedSpans() {
    synchronized (lock) {
      return droppedSpans;
    }
  }

  long droppedLogRecords() {
    synchronized (lock) {
      return droppedLogs;
    }
  }

  void reset() {
    synchronized (lock) {
      spans.reset();
      logs.reset();
      spanCount = 0;
      logCount = 0;
      droppedSpans = 0;
      droppedLogs = 0;
    }
  }

  /** The number of exports so far; changes whenever spans or log records arrive. */
  long exports() {
    synchronized (lock) {
      return exports;
    }
  }

  /**
   * Waits until an export happens after {@code seen} exports, at most {@code maxNanos}: a short,
   * bounded pause of the waiting loop that ends early when telemetry arrives.
   */
  void awaitExport(long seen, long maxNanos) throws InterruptedException {
    long deadline = System.nanoTime() + maxNanos;
    synchronized (lock) {
      while (exports == seen) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return;
        }
        lock.wait(Math.max(1, remaining / 1_000_000));
      }
    }
  }

  private final class SpanSink implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      synchronized (lock) {
        int room = Math.max(0, MAX_KEPT - spanCount);
        if (batch.size() <= room) {
          spans.export(batch);
          spanCount += batch.size();
        } else {
          List<SpanData> kept = new ArrayList<>(batch).subList(0, room);
          spans.export(kept);
          spanCount += room;
          droppedSpans += batch.size() - room;
        }
        exports++;
        lock.notifyAll();
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      // keep what was captured: the test may assert after closing its telemetry
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public String toString() {
      return "TelemetryExtension span capture";
    }
  }

  private final class LogSink implements LogRecordExporter {
    @Override
    public CompletableResultCode export(Collection<LogRecordData> batch) {
      synchronized (lock) {
        int room = Math.max(0, MAX_KEPT - logCount);
        if (batch.size() <= room) {
          logs.export(batch);
          logCount += batch.size();
        } else {
          logs.export(new ArrayList<>(batch).subList(0, room));
          logCount += room;
          droppedLogs += batch.size() - room;
        }
        exports++;
        lock.notifyAll();
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

    @Override
    public String toString() {
      return "TelemetryExtension log capture";
    }
  }
}
