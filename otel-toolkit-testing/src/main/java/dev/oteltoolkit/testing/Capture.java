package dev.oteltoolkit.testing;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The telemetry of one extension while it runs: the main {@link Telemetry} (and any other services
 * of the test) built by the toolkit's own setup, all exporting into the same in-memory sinks, each
 * with its own delta metric reader.
 */
final class Capture {

  /** How long one flush of the captured telemetry may take before it is reported as stuck. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

  private final Object lock = new Object();
  private final Sinks sinks = new Sinks();
  private final Consumer<TelemetryBuilder> customizer;
  private final List<Service> services = new ArrayList<>(); // guarded by lock
  private final MetricStore metrics = new MetricStore(); // guarded by lock
  private final Telemetry main;

  Capture(Consumer<TelemetryBuilder> customizer, boolean global) {
    this.customizer = customizer;
    DeltaMetricReader reader = new DeltaMetricReader();
    TelemetryBuilder builder = configure(reader);
    this.main = global ? builder.install() : builder.build();
    services.add(new Service(main, reader, false));
  }

  Telemetry main() {
    return main;
  }

  /**
   * Another service of the test: same customizer, its own name, never global. One made while a test
   * runs ({@code perTest}) is closed when that test ends.
   */
  Telemetry service(String serviceName, boolean perTest) {
    DeltaMetricReader reader = new DeltaMetricReader();
    Telemetry telemetry = configure(reader).serviceName(serviceName).build();
    synchronized (lock) {
      services.add(new Service(telemetry, reader, perTest));
    }
    return telemetry;
  }

  private TelemetryBuilder configure(DeltaMetricReader reader) {
    // OTel settings from the test's code only: a stray OTEL_* variable or otel.* property of the
    // machine must not retarget, disable or sample the telemetry under test
    TelemetryBuilder builder = Telemetry.setup().otlp(false).configProperties(Map.of());
    customizer.accept(builder);
    return builder
        .addSpanExporter(sinks.spanExporter)
        .addLogRecordExporter(sinks.logExporter)
        .addMetricReader(reader);
  }

  /** Exports every span and log record ended so far; false when a flush did not finish in time. */
  boolean flush(Duration timeout) {
    boolean flushed = true;
    for (Service service : services()) {
      flushed &= service.telemetry.forceFlush(timeout);
    }
    return flushed;
  }

  /** Flushes, then takes what arrived. */
  Snapshot snapshot() {
    flush(FLUSH_TIMEOUT);
    return snapshotNow();
  }

  /** What arrived so far, without a flush. */
  Snapshot snapshotNow() {
    return new Snapshot(
        sinks.spans(), sinks.logRecords(), sinks.droppedSpans(), sinks.droppedLogRecords());
  }

  Sinks sinks() {
    return sinks;
  }

  /** The metrics recorded since the test started, merged per metric and attribute set. */
  List<MetricData> metrics() {
    synchronized (lock) {
      for (Service service : services) {
        metrics.add(service.reader.collect());
      }
      return metrics.all();
    }
  }

  /** Forgets everything captured so far: the next test starts from zero. */
  void reset() {
    flush(FLUSH_TIMEOUT);
    synchronized (lock) {
      for (Service service : services) {
        service.reader.collect();
      }
      metrics.clear();
    }
    sinks.reset();
  }

  /** Closes the services made during the test that just ended; the others stay. */
  void closeTestServices() {
    List<Service> ended = new ArrayList<>();
    synchronized (lock) {
      for (Service service : services) {
        if (service.perTest) {
          ended.add(service);
          // what they recorded belongs to the test that ended
          service.reader.collect();
        }
      }
      services.removeAll(ended);
    }
    for (Service service : ended) {
      service.telemetry.shutdown(FLUSH_TIMEOUT);
    }
  }

  /** Closes every telemetry of the test; true when everything pending was exported in time. */
  boolean close() {
    boolean closed = true;
    for (Service service : services()) {
      closed &= service.telemetry.shutdown(FLUSH_TIMEOUT);
    }
    return closed;
  }

  private List<Service> services() {
    synchronized (lock) {
      return List.copyOf(services);
    }
  }

  private record Service(Telemetry telemetry, DeltaMetricReader reader, boolean perTest) {}
}
