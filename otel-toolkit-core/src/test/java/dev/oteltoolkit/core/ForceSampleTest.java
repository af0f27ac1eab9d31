package dev.oteltoolkit.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.internal.ForceSampleSampler;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForceSampleTest {

  @Test
  void forcedSpansAndTheirChildrenAreRecordedAtRatioZero() {
    KeptSpans spans = new KeptSpans();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (Telemetry telemetry =
        Telemetry.setup()
            .otlp(false)
            .samplingRatio(0.0)
            .addSpanExporter(spans)
            .addMetricReader(metrics)
            .configProperties(Map.of())
            .build()) {
      Tracing tracing = telemetry.tracing();
      for (int i = 0; i < 50; i++) {
        tracing.traced("ordinary", () -> tracing.traced("ordinary-child", () -> {}));
      }
      tracing.span("payment").forceSample().run(() -> tracing.traced("payment-child", () -> {}));
      assertThat(telemetry.forceFlush()).isTrue();

      assertThat(spans.names()).containsExactly("payment-child", "payment");
      assertThat(spans.get().get(1))
          .hasAttributesSatisfyingExactly(equalTo(ForceSampleSampler.FORCED, true));
      assertThat(spans.get().get(0)).hasParent(spans.get().get(1));

      // the RED metric counts every call, sampled or not
      MetricData duration =
          metrics.collectAllMetrics().stream()
              .filter(m -> m.getName().equals(Tracing.OPERATION_DURATION))
              .findFirst()
              .orElseThrow();
      assertThat(count(duration, "ordinary")).isEqualTo(50);
      assertThat(count(duration, "ordinary-child")).isEqualTo(50);
      assertThat(count(duration, "payment")).isEqualTo(1);
    }
  }

  private static long count(MetricData metric, String operation) {
    List<HistogramPointData> points =
        metric.getHistogramData().getPoints().stream()
            .filter(p -> p.getAttributes().equals(Attributes.of(Tracing.OPERATION_NAME, operation)))
            .collect(java.util.stream.Collectors.toList());
    return points.isEmpty() ? 0 : points.get(0).getCount();
  }
}
