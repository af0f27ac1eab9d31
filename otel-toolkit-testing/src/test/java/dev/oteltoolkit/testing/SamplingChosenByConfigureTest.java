package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A customizer that chooses the sampling for the class rules out a per-test sampler, loudly. */
class SamplingChosenByConfigureTest {

  @RegisterExtension
  final TelemetryExtension otel =
      TelemetryExtension.builder().global(false).configure(b -> b.samplingRatio(0.5)).build();

  @Test
  void aPerTestSamplerFailsSayingWhy() {
    assertThatThrownBy(() -> otel.sampler(Sampler.alwaysOff()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "otel.sampler(...) cannot apply: the extension's configure(...) chose the sampling of"
                + " its telemetry");
  }
}
