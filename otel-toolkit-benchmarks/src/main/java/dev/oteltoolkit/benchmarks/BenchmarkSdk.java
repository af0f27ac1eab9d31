package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.logging.internal.MdcContextStorage;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;

/**
 * The SDK both sides of a pair record through: real span and metric pipelines whose exporters drop
 * what they get, so a benchmark measures recording, not I/O.
 *
 * <p>Spans go through a {@link SimpleSpanProcessor}: each sampled span is converted to {@link
 * SpanData} and handed to the exporter on the benchmark thread. A {@code BatchSpanProcessor} would
 * add a worker thread competing for the two cores of our benchmark machines, and its bounded queue
 * would drop most spans at benchmark rates, which measures dropping.
 *
 * <p>Metrics go to a reader that never collects: the histogram aggregates in memory as it would
 * between two exports, and collection (off the hot path) is not measured.
 *
 * <p>The MDC bridge of {@code otel-toolkit-logging} is on this module's class path, so its context
 * storage provider would wrap every fork's context storage and add its MDC updates to every {@code
 * makeCurrent()}. Benchmarks that do not measure it turn it off with {@link #NO_MDC_BRIDGE} in
 * their {@code @Fork(jvmArgsPrepend = ...)} ({@code bench/run} sets only {@code -jvmArgsAppend},
 * which does not replace it); {@link #create} fails the fork when the bridge's state is not the one
 * the benchmark asked for.
 */
final class BenchmarkSdk {

  /** The JVM argument that turns the MDC bridge off in a fork. */
  static final String NO_MDC_BRIDGE = "-Doteltoolkit.mdc.enabled=false";

  private BenchmarkSdk() {}

  /**
   * Fails unless the MDC bridge is (or is not) the active context storage, so no benchmark can
   * silently measure it, or silently miss it.
   *
   * @param expected whether the bridge should be active
   * @throws IllegalStateException when it is not as expected
   */
  static void requireMdcBridge(boolean expected) {
    ContextStorage storage = ContextStorage.get();
    boolean active = storage instanceof MdcContextStorage;
    if (active != expected) {
      throw new IllegalStateException(
          "MDC bridge expected "
              + (expected ? "active" : "off")
              + " but the context storage is "
              + storage.getClass().getName()
              + (expected
                  ? ""
                  : "; add @Fork(jvmArgsPrepend = "
                      + "BenchmarkSdk.NO_MDC_BRIDGE) to the benchmark class"));
    }
  }

  /**
   * Builds an SDK with the given sampler, a span exporter that drops everything and a metric reader
   * that never collects.
   *
   * <p>Checks that the MDC bridge is off (see the class comment).
   *
   * @param sampler the sampler: always-on for the sampled pairs, always-off for the unsampled
   * @return the SDK; close it at teardown
   * @throws IllegalStateException when the MDC bridge is active in this fork
   */
  static OpenTelemetrySdk create(Sampler sampler) {
    return create(sampler, false);
  }

  /**
   * Builds an SDK with the given sampler, a span exporter that drops everything and a metric reader
   * that never collects, after checking the MDC bridge's state.
   *
   * @param sampler the sampler
   * @param mdcBridge whether the MDC bridge should be active in this fork
   * @return the SDK; close it at teardown
   * @throws IllegalStateException when the MDC bridge's state is not {@code mdcBridge}
   */
  static OpenTelemetrySdk create(Sampler sampler, boolean mdcBridge) {
    requireMdcBridge(mdcBridge);
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setSampler(sampler)
            .addSpanProcessor(SimpleSpanProcessor.create(new DroppingSpanExporter()))
            .build();
    SdkMeterProvider meterProvider =
        SdkMeterProvider.builder().registerMetricReader(new IdleMetricReader()).build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        .setMeterProvider(meterProvider)
        .build();
  }

  /** A span exporter that drops every batch and reports success at once. */
  static final class DroppingSpanExporter implements SpanExporter {

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
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

  /** A metric reader that registers (so instruments aggregate) but never collects. */
  static final class IdleMetricReader implements MetricReader {

    @Override
    public void register(CollectionRegistration registration) {
      // never collects: recording is what the benchmarks measure
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
