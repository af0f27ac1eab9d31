package dev.oteltoolkit.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.util.Collection;

/**
 * Counts the spans a batch span processor dropped, from the SDK's own processor metrics: the legacy
 * {@code processedSpans} counter ({@code dropped=true}) and the semantic-convention {@code
 * otel.sdk.processor.span.processed} counter (with an {@code error.type}).
 */
final class SpanDrops {

  static final String LEGACY_METRIC = "processedSpans";
  static final String SEMCONV_METRIC = "otel.sdk.processor.span.processed";
  private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private SpanDrops() {}

  /** The spans dropped in {@code collected} (delta points: what was dropped since the last one). */
  static long count(Collection<MetricData> collected) {
    long dropped = 0;
    for (MetricData metric : collected) {
      if (metric.getType() != MetricDataType.LONG_SUM) {
        continue;
      }
      boolean legacy = metric.getName().equals(LEGACY_METRIC);
      if (!legacy && !metric.getName().equals(SEMCONV_METRIC)) {
        continue;
      }
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        boolean drop =
            legacy
                ? Boolean.TRUE.equals(point.getAttributes().get(DROPPED))
                : point.getAttributes().get(ERROR_TYPE) != null;
        if (drop) {
          dropped += point.getValue();
        }
      }
    }
    return dropped;
  }
}
