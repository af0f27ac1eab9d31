package dev.oteltoolkit.testing;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry of one extension while it runs: the main {@link Telemetry} (and any other services
 * of the test) built by the toolkit's own setup, all exporting into the same in-memory sinks, each
 * with its own delta metric reader.
 */
final class Capture {

  /** How long one flush of the captured telemetry may take before it is reported as stuck. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The batch span processor's queue capacity, which the extension raises to {@link
   * Sinks#MAX_KEPT}.
   */
  static final String QUEUE_SIZE_PROPERTY = "otel.bsp.max.queue.size";

  private final Object lock = new Object();
  private final Sinks sinks = new Sinks();
  private final Consumer<TelemetryBuilder> customizer;
  private final List<Service> services = new ArrayList<>(); // guarded by lock
  private final MetricStore metrics = new MetricStore(); // guarded by lock
  private final TestSampler sampler = new TestSampler();
  private long queueDrops; // guarded by lock
  private final Telemetry main;
  private final boolean perTestSampling;

  Capture(Consumer<TelemetryBuilder> customizer, boolean global) {
    this.customizer = customizer;
    DeltaMetricReader reader = new DeltaMetricReader();
    DeltaMetricReader dropReader = new DeltaMetricReader();
    TelemetryBuilder builder = configure(reader, dropReader);
    this.main = global ? builder.install() : builder.build();
    this.perTestSampling = usesTestSampler(main);
    services.add(new Service(main, reader, dropReader, false));
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
    DeltaMetricReader dropReader = new DeltaMetricReader();
    Telemetry telemetry = configure(reader, dropReader).serviceName(serviceName).build();
    synchronized (lock) {
      services.add(new Service(telemetry, reader, dropReader, perTest));
    }
    return telemetry;
  }

  private TelemetryBuilder configure(DeltaMetricReader reader, DeltaMetricReader dropReader) {
    // OTel settings from the test's code only: a stray OTEL_* variable or otel.* property of the
    // machine must not retarget, disable or sample the telemetry under test. The batch queue
    // holds as many spans as a test keeps, so a burst of spans reaches the capture whole.
    TelemetryBuilder builder =
        Telemetry.setup()
            .otlp(false)
            .configProperties(Map.of(QUEUE_SIZE_PROPERTY, Integer.toString(Sinks.MAX_KEPT)))
            .sampler(sampler);
    customizer.accept(builder);
    return builder
        .addSpanExporter(sinks.spanExporter)
        .addLogRecordExporter(sinks.logExporter)
        .addMetricReader(reader)
        .addMetricReader(dropReader);
  }

  /** Whether the SDK samples through {@link #sampler} (a customizer may have replaced it). */
  private static boolean usesTestSampler(Telemetry telemetry) {
    return telemetry.openTelemetry() instanceof OpenTelemetrySdk sdk
        && sdk.getSdkTracerProvider()
            .getSampler()
            .getDescription()
            .contains(TestSampler.DESCRIPTION_PREFIX);
  }

  /**
   * Samples the current test's new spans with {@code perTest} (null: the default again).
   *
   * @return false when a customizer replaced the extension's sampler, so this cannot apply
   */
  boolean useSampler(@Nullable Sampler perTest) {
    if (!perTestSampling) {
      return false;
    }
    sampler.use(perTest);
    return true;
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
        sinks.spans(),
        sinks.logRecords(),
        sinks.droppedSpans(),
        sinks.droppedLogRecords(),
        queueDrops());
  }

  /** Spans a full batch span processor queue dropped since the test started. */
  private long queueDrops() {
    synchronized (lock) {
      for (Service service : services) {
        queueDrops += SpanDrops.count(service.dropReader.collect());
      }
      return queueDrops;
    }
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
        service.dropReader.collect();
      }
      metrics.clear();
      queueDrops = 0;
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
          service.dropReader.collect();
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

  /**
   * One telemetry of the test, with its metric reader for the assertions and a second one that
   * counts the spans its batch processors dropped (so the assertions' metrics are collected only
   * when a test asks for them, keeping their exemplars).
   */
  private record Service(
      Telemetry telemetry,
      DeltaMetricReader reader,
      DeltaMetricReader dropReader,
      boolean perTest) {}
}
