package dev.oteltoolkit.tests;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;

/**
 * A metric reader the test pulls from on demand: the process's own view of its metrics, which works
 * while the collector is down (the SDK's span processor metrics, e.g. dropped spans). Not {@code
 * opentelemetry-sdk-testing}'s reader, whose jar would replace the MDC bridge's context storage.
 */
final class PullMetricReader implements MetricReader {

  private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");

  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  /** Collects every metric now; empty after the SDK shut down. */
  Collection<MetricData> collect() {
    return registration.collectAllMetrics();
  }

  /**
   * The spans the batch span processors dropped because their queue was full, from the SDK's own
   * {@code processedSpans} counter ({@code dropped=true}).
   */
  long droppedSpans() {
    return processedSpans(true);
  }

  /** The largest value of the SDK's {@code queueSize} gauge now (0 when absent). */
  long queueSize() {
    return collect().stream()
        .filter(m -> m.getName().equals("queueSize"))
        .flatMap(m -> m.getLongGaugeData().getPoints().stream())
        .mapToLong(LongPointData::getValue)
        .max()
        .orElse(0);
  }

  private long processedSpans(boolean dropped) {
    long total = 0; // the counter has one stream per processor and per value of "dropped"
    for (MetricData metric : collect()) {
      if (!metric.getName().equals("processedSpans")) {
        continue;
      }
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        if (Boolean.valueOf(dropped).equals(point.getAttributes().get(DROPPED))) {
          total += point.getValue();
        }
      }
    }
    return total;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }
}
