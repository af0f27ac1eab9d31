package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.exportingTo;
import static dev.oteltoolkit.tests.TestTelemetry.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ratio sampling keeps about the ratio of traces, {@code forceSample()} keeps all of its own, and
 * the RED metric counts every call whatever was sampled.
 */
@Timeout(60)
class SamplingTest {

  private static final String DURATION = "oteltoolkit.operation.duration";
  private static final String OPERATION_NAME = "oteltoolkit.operation.name";
  private static final double RATIO = 0.1;
  private static final int UNFORCED_ROOTS = 2000;
  private static final int FORCED_ROOTS = 50;

  private OtlpReceiver receiver;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void forcedSpansAlwaysArriveAndMetricsCountEverything(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    try (Telemetry telemetry = exportingTo(receiver).samplingRatio(RATIO).build()) {
      Tracing tracing = telemetry.tracing();
      for (int i = 0; i < UNFORCED_ROOTS; i++) {
        tracing.traced("browse", () -> tracing.traced("browse-child", () -> {}));
      }
      for (int i = 0; i < FORCED_ROOTS; i++) {
        tracing.span("pay").forceSample().run(() -> tracing.traced("pay-child", () -> {}));
      }
      assertThat(telemetry.forceFlush()).isTrue();
    }
    // close() returned: everything sampled has arrived.
    List<ReceivedSpan> spans = receiver.spans();

    List<ReceivedSpan> pay = named(spans, "pay");
    List<ReceivedSpan> payChildren = named(spans, "pay-child");
    assertThat(pay).hasSize(FORCED_ROOTS);
    assertThat(payChildren).as("children follow a forced parent").hasSize(FORCED_ROOTS);
    assertThat(childrenOf(payChildren)).isEqualTo(spanIds(pay));

    // Binomial(2000, 0.1): mean 200, sigma ~13.4. Six sigma either side cannot flake.
    double mean = UNFORCED_ROOTS * RATIO;
    double sixSigma = 6 * Math.sqrt(UNFORCED_ROOTS * RATIO * (1 - RATIO));
    List<ReceivedSpan> browse = named(spans, "browse");
    List<ReceivedSpan> browseChildren = named(spans, "browse-child");
    assertThat((double) browse.size()).isBetween(mean - sixSigma, mean + sixSigma);
    assertThat(childrenOf(browseChildren))
        .as("a sampled root's child is sampled, an unsampled root's is not")
        .isEqualTo(spanIds(browse));
    assertThat(spans)
        .hasSize(pay.size() + payChildren.size() + browse.size() + browseChildren.size());

    assertThat(receiver.histogramCount(DURATION, OPERATION_NAME, "browse"))
        .isEqualTo(UNFORCED_ROOTS);
    assertThat(receiver.histogramCount(DURATION, OPERATION_NAME, "browse-child"))
        .isEqualTo(UNFORCED_ROOTS);
    assertThat(receiver.histogramCount(DURATION, OPERATION_NAME, "pay")).isEqualTo(FORCED_ROOTS);
    assertThat(receiver.histogramCount(DURATION, OPERATION_NAME, "pay-child"))
        .isEqualTo(FORCED_ROOTS);
  }

  private static Set<String> spanIds(List<ReceivedSpan> spans) {
    return spans.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
  }

  private static Set<String> childrenOf(List<ReceivedSpan> children) {
    return children.stream().map(ReceivedSpan::parentSpanId).collect(Collectors.toSet());
  }
}
