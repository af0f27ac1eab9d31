package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One test samples differently from the others of its class, on the class's shared telemetry. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerTestSamplingTest {

  @RegisterExtension
  static final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final Tracing tracing = otel.tracing();

  @Test
  @Order(1)
  void alwaysOffRecordsNoSpanButForcedOnesAndREDMetricsCountEveryCall() {
    otel.sampler(Sampler.alwaysOff());

    tracing.traced("checkout", () -> tracing.traced("charge card", () -> {}));
    tracing.span("refund").forceSample().run(() -> {});

    assertThat(otel.spans()).extracting(SpanData::getName).containsExactly("refund");
    otel.assertOperation("checkout").hasCount(1);
    otel.assertOperation("charge card").hasCount(1);
  }

  @Test
  @Order(2)
  void theNextTestSamplesWithTheDefaultAgain() {
    tracing.traced("checkout", () -> tracing.traced("charge card", () -> {}));

    otel.assertTrace("checkout").hasChild("charge card").hasNoOtherSpans();
  }

  @Test
  @Order(3)
  void aRatioSamplesSomeTracesWholeAndCountsThemAll() {
    otel.samplingRatio(0.1);

    int calls = 2000;
    for (int i = 0; i < calls; i++) {
      tracing.traced("checkout", () -> tracing.traced("charge card", () -> {}));
    }

    List<SpanData> roots = otel.spans("checkout");
    // 10% of 2000: 200 expected, 100 and 300 are more than 7 standard deviations away
    assertThat(roots).hasSizeBetween(100, 300);
    // parent-based: a sampled trace keeps its child, a dropped one loses it
    otel.assertTraces("checkout", roots.size())
        .forEach(trace -> trace.hasChild("charge card").hasNoOtherSpans());
    assertThat(otel.spans()).hasSize(2 * roots.size());
    otel.assertOperation("checkout").hasCount(calls);
  }

  @Test
  @Order(4)
  void aRatioOutsideZeroToOneFailsWithTheValue() {
    assertThatThrownBy(() -> otel.samplingRatio(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("samplingRatio=1.5: must be between 0 and 1");
    assertThatThrownBy(() -> otel.samplingRatio(Double.NaN))
        .hasMessage("samplingRatio=NaN: must be between 0 and 1");
  }
}
