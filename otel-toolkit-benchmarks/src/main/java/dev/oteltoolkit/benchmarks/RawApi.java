package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.api.ThrowingSupplier;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Arrays;
import java.util.List;

/**
 * The baseline of every pair: what {@code tracing.traced(name, body)} does, written by hand on the
 * raw OpenTelemetry API the way a careful user would (start, {@code makeCurrent()} in
 * try-with-resources, record the error, end, then record the duration histogram with cached
 * attributes).
 */
final class RawApi {

  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The same buckets as the toolkit's histogram (the semconv HTTP duration advice). */
  private static final List<Double> DURATION_BUCKETS =
      Arrays.asList(
          0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final Attributes attributes;

  /**
   * Creates the raw-API side for one operation name.
   *
   * @param openTelemetry the SDK the toolkit side records through too
   * @param name the operation (span) name
   */
  RawApi(OpenTelemetry openTelemetry, String name) {
    this.tracer = openTelemetry.getTracer("dev.oteltoolkit.benchmarks.raw");
    this.duration =
        openTelemetry
            .getMeter("dev.oteltoolkit.benchmarks.raw")
            .histogramBuilder(Tracing.OPERATION_DURATION)
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.attributes = Attributes.of(Tracing.OPERATION_NAME, name);
  }

  /**
   * A span around {@code body} plus the RED duration histogram: the same work as {@code traced}.
   */
  <T> T spanAndHistogram(String name, ThrowingSupplier<T, RuntimeException> body) {
    long startNanos = System.nanoTime();
    Span span = tracer.spanBuilder(name).startSpan();
    Attributes metricAttributes = attributes;
    try (Scope ignored = span.makeCurrent()) {
      return body.get();
    } catch (RuntimeException e) {
      String errorType = e.getClass().getName();
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getMessage());
      span.setAttribute(ERROR_TYPE, errorType);
      metricAttributes = Attributes.of(Tracing.OPERATION_NAME, name, ERROR_TYPE, errorType);
      throw e;
    } finally {
      span.end();
      duration.record((System.nanoTime() - startNanos) / 1_000_000_000.0, metricAttributes);
    }
  }

  /** A span around {@code body} and nothing else: shows what the RED histogram itself costs. */
  <T> T spanOnly(String name, ThrowingSupplier<T, RuntimeException> body) {
    Span span = tracer.spanBuilder(name).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return body.get();
    } finally {
      span.end();
    }
  }
}
