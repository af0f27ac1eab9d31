package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.core.internal.ExportOutcomes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code forceFlush} and {@code shutdown} say whether everything pending was exported: the SDK's
 * batch processors complete a flush even when the export failed, so the result comes from the
 * exporters.
 */
class FlushResultTest {

  /**
   * Spans leave the batch queue only when flushed: an export the schedule starts on its own between
   * the span's end and the flush would fail before the flush and not during it.
   */
  private static final Map<String, String> NO_SCHEDULED_EXPORT =
      Map.of("OTEL_BSP_SCHEDULE_DELAY", "600000");

  @Test
  void aFailedExportMakesTheFlushFalseAndTheNextGoodOneTrue() {
    SwitchableExporter exporter = new SwitchableExporter();
    try (Telemetry telemetry =
        Telemetry.setup()
            .otlp(false)
            .addSpanExporter(exporter)
            .configProperties(NO_SCHEDULED_EXPORT)
            .build()) {
      exporter.failing = true;
      telemetry.tracing().traced("lost", () -> {});
      assertThat(telemetry.forceFlush(Duration.ofSeconds(10))).isFalse();
      assertThat(exporter.attempted).containsExactly("lost");

      exporter.failing = false;
      telemetry.tracing().traced("kept", () -> {});
      assertThat(telemetry.forceFlush(Duration.ofSeconds(10))).isTrue();
      assertThat(exporter.exported).containsExactly("kept");

      assertThat(telemetry.forceFlush(Duration.ofSeconds(10)))
          .as("nothing pending, nothing failed")
          .isTrue();
    }
  }

  @Test
  void shutdownIsFalseWhenItsLastExportFails() {
    SwitchableExporter exporter = new SwitchableExporter();
    Telemetry telemetry =
        Telemetry.setup()
            .otlp(false)
            .addSpanExporter(exporter)
            .configProperties(NO_SCHEDULED_EXPORT)
            .build();
    telemetry.tracing().traced("first", () -> {});
    assertThat(telemetry.forceFlush(Duration.ofSeconds(10))).isTrue();

    exporter.failing = true;
    telemetry.tracing().traced("last", () -> {});
    assertThat(telemetry.shutdown(Duration.ofSeconds(10))).isFalse();
    assertThat(exporter.attempted).containsExactly("first", "last");
    assertThat(telemetry.shutdown(Duration.ofSeconds(10))).as("idempotent").isFalse();
  }

  @Test
  void aCollectorThatIsDownMakesFlushAndShutdownFalseWellBeforeTheirTimeout() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Telemetry telemetry =
        Telemetry.setup()
            .serviceName("collector-down")
            .endpoint("http://127.0.0.1:" + closedPort)
            .protocol("http/protobuf")
            .timeout(Duration.ofMillis(500)) // the exporter gives up, retries included
            .configProperties(Map.of())
            .build();
    telemetry.tracing().traced("never-arrives", () -> {});
    // the timeouts are generous: the exports fail within about half a second, and before this
    // change both calls returned true once the failed exports had completed
    assertThat(telemetry.forceFlush(Duration.ofSeconds(20))).isFalse();
    assertThat(telemetry.shutdown(Duration.ofSeconds(20))).isFalse();
  }

  @Test
  void exportOutcomesCountFailuresThrowsAndBrokenExportersButNotSuccesses() {
    ExportOutcomes outcomes = new ExportOutcomes();
    SpanExporter ok = outcomes.track(new FixedExporter(CompletableResultCode.ofSuccess()));
    SpanExporter failed = outcomes.track(new FixedExporter(CompletableResultCode.ofFailure()));
    SpanExporter broken = outcomes.track(new FixedExporter(null));
    CompletableResultCode pending = new CompletableResultCode();
    SpanExporter slow = outcomes.track(new FixedExporter(pending));
    SpanExporter throwing =
        outcomes.track(
            new FixedExporter(null) {
              @Override
              public CompletableResultCode export(Collection<SpanData> spans) {
                throw new IllegalStateException("exporter bug");
              }
            });

    assertThat(ok.export(List.of()).isSuccess()).isTrue();
    assertThat(outcomes.failures()).isZero();
    failed.export(List.of());
    assertThat(outcomes.failures()).isEqualTo(1);
    assertThat(broken.export(List.of()).isSuccess()).isFalse();
    assertThat(outcomes.failures()).isEqualTo(2);
    assertThatThrownBy(() -> throwing.export(List.of())).hasMessage("exporter bug");
    assertThat(outcomes.failures()).isEqualTo(3);
    slow.export(List.of());
    assertThat(outcomes.failures()).as("not completed yet").isEqualTo(3);
    pending.fail();
    assertThat(outcomes.failures()).isEqualTo(4);
  }

  /** Fails or succeeds on demand, remembering span names. */
  private static final class SwitchableExporter implements SpanExporter {
    final List<String> attempted = new ArrayList<>();
    final List<String> exported = new ArrayList<>();
    volatile boolean failing;

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
      spans.forEach(s -> attempted.add(s.getName()));
      if (failing) {
        return CompletableResultCode.ofFailure();
      }
      spans.forEach(s -> exported.add(s.getName()));
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

  /** Answers every export with the same result. */
  private static class FixedExporter implements SpanExporter {
    private final CompletableResultCode result;

    FixedExporter(CompletableResultCode result) {
      this.result = result;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return result;
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
