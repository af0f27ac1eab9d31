package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.WAIT;
import static dev.oteltoolkit.tests.TestTelemetry.exportingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Telemetry.Builder.timeout(Duration)} reaches the OTLP exporter: against a collector slower
 * than the timeout, an export fails after about the timeout, not after the exporter's default of 10
 * s, and {@code close()} is not held by the slow collector either.
 */
@Timeout(90)
class ExportTimeoutTest {

  /** Far below the exporter's default of 10 s, so a timeout left unset would show. */
  private static final Duration TIMEOUT = Duration.ofMillis(250);

  /**
   * The liveness bound of a failed flush and of close(). A flush waits for the span, log and metric
   * exports one after the other, each of which the exporter may retry once after a backoff, so it
   * takes a few times the timeout (1 to 3 s measured on a loaded 2-core machine); without the
   * timeout reaching the exporter, the first export alone would wait its default of 10 s.
   */
  private static final Duration BOUND = Duration.ofSeconds(8);

  private OtlpReceiver receiver;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCollectorSlowerThanTheTimeoutFailsTheExportAfterAboutTheTimeout(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    // answers after 30 s: longer than the exporter's default timeout and than BOUND
    receiver.delay(Duration.ofSeconds(30));
    Telemetry telemetry = exportingTo(receiver).timeout(TIMEOUT).build();
    try {
      telemetry.tracing().traced("slow-collector", () -> {});

      long start = System.nanoTime();
      // the flush may wait 30 s: only the exporter's own timeout can end it sooner
      boolean exported = telemetry.forceFlush(Duration.ofSeconds(30));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(exported).as("an export the collector did not answer in time").isFalse();
      assertThat(took).as("export failed after").isGreaterThanOrEqualTo(TIMEOUT).isLessThan(BOUND);

      long closeStart = System.nanoTime();
      telemetry.close();
      Duration closing = Duration.ofNanos(System.nanoTime() - closeStart);
      System.out.printf(
          "%s: the failed flush returned after %d ms, close() after %d ms%n",
          transport, took.toMillis(), closing.toMillis());
      assertThat(closing).as("close() against the slow collector").isLessThan(BOUND);
    } finally {
      telemetry.shutdown(Duration.ZERO);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSlowCollectorWithinTheTimeoutGetsTheSpans(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    receiver.delay(Duration.ofMillis(1_500));
    // the same slow collector, now within the timeout: the export waits for it and succeeds
    try (Telemetry telemetry = exportingTo(receiver).timeout(Duration.ofSeconds(20)).build()) {
      telemetry.tracing().traced("patient-export", () -> {});
      assertThat(telemetry.forceFlush(Duration.ofSeconds(40))).isTrue();
    }
    assertThat(receiver.awaitSpans(s -> !s.isEmpty(), WAIT))
        .extracting(ReceivedSpan::name)
        .containsExactly("patient-export");
  }
}
