package dev.oteltoolkit.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Traced;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.api.internal.InstalledTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelemetryLifecycleTest {

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void shutdownIsIdempotentAndTracingStaysUsable() {
    KeptSpans exporter = new KeptSpans();
    Telemetry telemetry =
        base()
            .addSpanExporter(exporter)
            .configProperties(Map.of("OTEL_BSP_SCHEDULE_DELAY", "1h"))
            .build();
    Tracing before = telemetry.tracing();
    before.traced("pending", () -> {});

    assertThat(telemetry.shutdown(Duration.ofSeconds(5))).isTrue();
    assertThat(exporter.names()).containsExactly("pending");
    assertThat(telemetry.shutdown(Duration.ofSeconds(5))).isTrue();
    telemetry.close();
    assertThat(telemetry.isEnabled()).isFalse();
    assertThat(telemetry.forceFlush()).isTrue();
    // both the new no-op tracing and the instance taken before shutdown still run bodies
    assertThat(telemetry.tracing().traced("after", () -> 1)).isEqualTo(1);
    assertThat(before.traced("after-old", () -> 2)).isEqualTo(2);
    assertThat(exporter.get()).hasSize(1);
  }

  @Test
  void forceFlushExportsPendingSpansAndMetrics() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (Telemetry telemetry =
        base()
            .addSpanExporter(exporter)
            .addMetricReader(metrics)
            .configProperties(Map.of("OTEL_BSP_SCHEDULE_DELAY", "1h"))
            .build()) {
      telemetry.tracing().traced("op", () -> {});
      assertThat(exporter.getFinishedSpanItems()).isEmpty(); // still queued: delay is an hour
      assertThat(telemetry.forceFlush(Duration.ofSeconds(5))).isTrue();
      assertThat(exporter.getFinishedSpanItems()).hasSize(1);
      assertThat(metricNames(metrics.collectAllMetrics())).contains(Tracing.OPERATION_DURATION);
    }
  }

  @Test
  void burstUpToQueueCapacityBehindASlowExporterIsDeliveredWhole() {
    SlowExporter slow = new SlowExporter(null);
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    Telemetry telemetry = base().addSpanExporter(slow).addMetricReader(metrics).build();
    int burst = Telemetry.DEFAULT_MAX_QUEUE_SIZE;
    for (int i = 0; i < burst; i++) {
      telemetry.tracing().traced("burst", () -> {});
    }
    assertThat(telemetry.shutdown(Duration.ofSeconds(60))).isTrue();
    assertThat(slow.exported.get()).isEqualTo(burst);
  }

  @Test
  void burstBeyondCapacityNeverBlocksAndTheOverflowIsCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    SlowExporter stuck = new SlowExporter(release);
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    Telemetry telemetry = base().addSpanExporter(stuck).addMetricReader(metrics).build();
    int burst = 3 * Telemetry.DEFAULT_MAX_QUEUE_SIZE;
    for (int i = 0; i < burst; i++) {
      telemetry.tracing().traced("burst", () -> {});
    }
    // every call returned although the exporter is stuck: nothing blocked the caller
    long dropped = droppedSpans(metrics.collectAllMetrics());
    assertThat(dropped)
        .as("metrics: %s", metricNames(metrics.collectAllMetrics()))
        .isGreaterThanOrEqualTo(
            burst - Telemetry.DEFAULT_MAX_QUEUE_SIZE - Telemetry.DEFAULT_MAX_EXPORT_BATCH_SIZE);
    release.countDown();
    assertThat(telemetry.shutdown(Duration.ofSeconds(60))).isTrue();
    // every span was either exported or counted as dropped: none vanished
    assertThat(stuck.exported.get() + dropped).isEqualTo(burst);
  }

  @Test
  void installRegistersGlobalAndTracedUsesIt() {
    KeptSpans exporter = new KeptSpans();
    Telemetry telemetry = base().addSpanExporter(exporter).install();
    try {
      assertThat(Traced.tracing()).isSameAs(telemetry.tracing());
      Traced.traced("global-op", () -> Span.current().setAttribute("k", "v"));
      assertThat(telemetry.forceFlush()).isTrue();
      assertThat(exporter.names()).containsExactly("global-op");

      assertThatThrownBy(() -> base().install())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already installed by an earlier Telemetry.install()")
          .hasMessageContaining("Telemetry.setup()...build()");
    } finally {
      telemetry.close();
    }
    // after shutdown the static facade is a no-op that still runs bodies
    assertThat(Traced.traced("after", () -> 3)).isEqualTo(3);
    assertThat(exporter.get()).hasSize(1);
  }

  @Test
  void installAgainAfterCloseSaysWhyNotAndWhatToDoInstead() {
    base().install().close();
    assertThatThrownBy(() -> base().install())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("now closed. install() works once per JVM")
        .hasMessageContaining("tests build theirs with Telemetry.setup()...build()");
  }

  @Test
  void staticTracedOverABuiltButNotInstalledTelemetryWarnsOnceNamingTheFix() {
    InstalledTracing.resetForTest();
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("dev.oteltoolkit.api.Traced");
    logger.addHandler(capture);
    try (Telemetry telemetry = base().build()) {
      assertThat(Traced.traced("static", () -> 1)).isEqualTo(1);
      Traced.traced("again", () -> {});
      assertThat(telemetry.tracing().traced("instance", () -> 2)).isEqualTo(2);
    } finally {
      logger.removeHandler(capture);
      InstalledTracing.resetForTest();
    }
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    assertThat(records.get(0).getMessage())
        .contains("Traced.traced(...) records nothing")
        .contains("Use install() instead of build()")
        .contains("telemetry.tracing().traced(...)");
  }

  @Test
  void installNextToAForeignGlobalSaysWhatIsInstalled() {
    GlobalOpenTelemetry.set(
        OpenTelemetry.propagating(io.opentelemetry.context.propagation.ContextPropagators.noop()));
    assertThatThrownBy(() -> base().install())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("A global OpenTelemetry is already installed by other code");
  }

  @Test
  void disabledInstallStillSetsAGlobalNoop() {
    Telemetry telemetry = base().enabled(false).install();
    assertThat(Traced.traced("x", () -> Span.current().getSpanContext().isValid())).isFalse();
    telemetry.close();
  }

  private static TelemetryBuilder base() {
    return Telemetry.setup().otlp(false).configProperties(Map.of());
  }

  private static java.util.Set<String> metricNames(Collection<MetricData> metrics) {
    return metrics.stream().map(MetricData::getName).collect(Collectors.toSet());
  }

  /** Spans the batch processors dropped, from the SDK's own processor metrics. */
  static long droppedSpans(Collection<MetricData> metrics) {
    long dropped = 0;
    for (MetricData metric : metrics) {
      if (metric.getName().equals("processedSpans")) {
        for (PointData point : metric.getData().getPoints()) {
          if (Boolean.TRUE.equals(
              point
                  .getAttributes()
                  .get(io.opentelemetry.api.common.AttributeKey.booleanKey("dropped")))) {
            dropped += ((io.opentelemetry.sdk.metrics.data.LongPointData) point).getValue();
          }
        }
      }
    }
    return dropped;
  }

  /** Exports slowly, or not at all until released. */
  private static final class SlowExporter implements SpanExporter {
    final AtomicLong exported = new AtomicLong();
    private final CountDownLatch release;

    SlowExporter(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      try {
        if (release != null) {
          release.await(60, TimeUnit.SECONDS);
        } else {
          TimeUnit.MILLISECONDS.sleep(2); // a slow collector, simulated inside the exporter
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableResultCode.ofFailure();
      }
      exported.addAndGet(spans.size());
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
