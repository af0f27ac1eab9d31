package dev.oteltoolkit.examples.scaffold;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;

/**
 * A metric reader the application pulls from, never pushing anything: register it with {@code
 * Telemetry.setup().addMetricReader(reader)} and {@link #collect()} before the telemetry is closed.
 * Cumulative, so every collection covers everything since the start.
 */
public abstract class PulledMetricReader implements MetricReader {

  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  /** Creates a reader; it reads nothing until registered with an SDK. */
  protected PulledMetricReader() {}

  /**
   * Called by the SDK when the reader is registered.
   *
   * @param registration what the reader collects from
   */
  @Override
  public final void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  /**
   * Cumulative: every collection covers everything since the start.
   *
   * @param instrumentType any instrument type
   * @return {@link AggregationTemporality#CUMULATIVE}
   */
  @Override
  public final AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  /**
   * Collects every metric recorded so far.
   *
   * @return the metrics, cumulative since the start; none once shut down
   */
  public Collection<MetricData> collect() {
    return registration.collectAllMetrics();
  }

  /**
   * Does nothing: this reader is pulled, never pushes.
   *
   * @return a successful result
   */
  @Override
  public final CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Stops collecting.
   *
   * @return a successful result
   */
  @Override
  public final CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }
}
