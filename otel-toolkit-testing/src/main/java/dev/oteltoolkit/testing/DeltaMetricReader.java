package dev.oteltoolkit.testing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code opentelemetry-sdk-testing}'s in-memory reader with delta temporality where the SDK allows
 * it (counters and histograms; up-down counters stay cumulative), so a reset between tests really
 * starts from zero. Unlike the in-memory reader, a flush does not collect: {@code
 * Telemetry.forceFlush()} in a test must not swallow the deltas the assertions are about to read.
 */
final class DeltaMetricReader implements MetricReader {

  private final InMemoryMetricReader delegate =
      InMemoryMetricReader.builder()
          .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
          .build();

  private final Object lock = new Object();

  /** What the reader held when its meter provider shut down, until the next collect. */
  private final List<MetricData> atShutdown = new ArrayList<>(); // guarded by lock

  /** What was recorded since the previous call. */
  Collection<MetricData> collect() {
    synchronized (lock) {
      List<MetricData> all = new ArrayList<>(atShutdown);
      atShutdown.clear();
      all.addAll(delegate.collectAllMetrics());
      return all;
    }
  }

  @Override
  public void register(CollectionRegistration registration) {
    delegate.register(registration);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    // a test that closes its telemetry still asserts the metrics recorded before
    synchronized (lock) {
      atShutdown.addAll(delegate.collectAllMetrics());
    }
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "TelemetryExtension metric capture";
  }
}
