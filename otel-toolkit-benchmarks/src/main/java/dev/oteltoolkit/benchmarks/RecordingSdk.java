package dev.oteltoolkit.benchmarks;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An SDK that keeps what it records, for the setup checks of the GenAI and messaging benchmarks.
 *
 * <p>The measured SDK ({@link BenchmarkSdk}) drops every span and never collects metrics, so a
 * benchmark cannot look at what its own measured paths produced. Instead, each such benchmark
 * builds both of its sides a second time on this SDK (the very same classes, only the SDK differs),
 * runs each path once, and compares what reached the exporter and the metric reader: span names,
 * kinds, parents, attributes, metric names, units, point attributes, counts and sums. A difference
 * fails the fork with {@link IllegalStateException}, so no pair can silently compare different
 * work.
 *
 * <p>Propagators are W3C trace context only, as on the measured side (see {@link
 * #withW3cTraceContext}).
 */
final class RecordingSdk implements AutoCloseable {

  /** The propagators both sides of the messaging pairs use: W3C trace context only. */
  static final ContextPropagators W3C_TRACE_CONTEXT =
      ContextPropagators.create(W3CTraceContextPropagator.getInstance());

  private final List<SpanData> spans = new ArrayList<>();
  private final CollectingReader reader = new CollectingReader();
  private final OpenTelemetrySdk sdk;

  RecordingSdk(Sampler sampler) {
    SpanExporter exporter =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> batch) {
            synchronized (spans) {
              spans.addAll(batch);
            }
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
        };
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(sampler)
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .setPropagators(W3C_TRACE_CONTEXT)
            .build();
  }

  /**
   * Returns {@code sdk} seen through W3C trace context propagators.
   *
   * <p>{@link BenchmarkSdk#create} builds its SDK without {@code setPropagators}, so its {@code
   * getPropagators()} are the no-op ones: a {@code MessagingTelemetry} given that SDK would inject
   * and extract nothing, and a comparison with a raw W3C propagator would compare no work with
   * work. This view shares the SDK's tracer and meter providers and adds the W3C trace context
   * propagator, the one the raw side calls directly.
   */
  static OpenTelemetry withW3cTraceContext(OpenTelemetrySdk sdk) {
    return new OpenTelemetry() {
      @Override
      public TracerProvider getTracerProvider() {
        return sdk.getTracerProvider();
      }

      @Override
      public MeterProvider getMeterProvider() {
        return sdk.getMeterProvider();
      }

      @Override
      public LoggerProvider getLogsBridge() {
        return sdk.getLogsBridge();
      }

      @Override
      public ContextPropagators getPropagators() {
        return W3C_TRACE_CONTEXT;
      }
    };
  }

  OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** The spans exported so far, in the order they ended. */
  List<SpanData> spans() {
    synchronized (spans) {
      return new ArrayList<>(spans);
    }
  }

  /**
   * The one exported span of {@code scope} named {@code name}; fails unless there is exactly one.
   */
  SpanData span(String scope, String name) {
    List<SpanData> matching =
        spans().stream()
            .filter(s -> s.getInstrumentationScopeInfo().getName().equals(scope))
            .filter(s -> s.getName().equals(name))
            .collect(Collectors.toList());
    check(
        matching.size() == 1,
        "expected one span \"" + name + "\" of scope " + scope + ", got " + describe(spans()));
    return matching.get(0);
  }

  /** The metrics of {@code scope} collected now (cumulative), by name. */
  Map<String, MetricData> metrics(String scope) {
    Map<String, MetricData> byName = new TreeMap<>();
    for (MetricData metric : reader.collect()) {
      if (metric.getInstrumentationScopeInfo().getName().equals(scope)) {
        byName.put(metric.getName(), metric);
      }
    }
    return byName;
  }

  @Override
  public void close() {
    sdk.close();
  }

  // ------------------------------------------------------------- comparisons

  /** Throws {@link IllegalStateException} with {@code message} unless {@code condition}. */
  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("benchmark setup check failed: " + message);
    }
  }

  /**
   * Fails unless the two spans have the same name, kind, status, attributes, links and events (by
   * name), and, when {@code sameParent}, the same parent span.
   */
  static void requireSameSpan(SpanData ours, SpanData raw, boolean sameParent) {
    requireSameSpan(ours, raw, sameParent, Collections.emptySet());
  }

  /**
   * As {@link #requireSameSpan(SpanData, SpanData, boolean)}, where {@code ours} must also have the
   * attributes {@code oursOnly} (work only the toolkit does), which the raw span lacks.
   */
  static void requireSameSpan(
      SpanData ours, SpanData raw, boolean sameParent, Collection<AttributeKey<?>> oursOnly) {
    String pair = "\n  ours: " + ours + "\n  raw:  " + raw;
    check(ours.getName().equals(raw.getName()), "span names differ" + pair);
    check(ours.getKind() == raw.getKind(), "span kinds differ" + pair);
    check(ours.getStatus().equals(raw.getStatus()), "span statuses differ" + pair);
    for (AttributeKey<?> key : oursOnly) {
      check(ours.getAttributes().get(key) != null, "ours misses " + key + pair);
    }
    Attributes shared =
        ours.getAttributes().toBuilder().removeIf(key -> oursOnly.contains(key)).build();
    check(shared.equals(raw.getAttributes().toBuilder().build()), "span attributes differ" + pair);
    check(ours.getTotalRecordedLinks() == raw.getTotalRecordedLinks(), "links differ" + pair);
    check(
        ours.getEvents().stream()
            .map(e -> e.getName())
            .collect(Collectors.toList())
            .equals(raw.getEvents().stream().map(e -> e.getName()).collect(Collectors.toList())),
        "events differ" + pair);
    if (sameParent) {
      check(
          ours.getParentSpanContext().equals(raw.getParentSpanContext()),
          "span parents differ" + pair);
    }
  }

  /**
   * Fails unless the two scopes recorded the same metrics: names, types, units, and per metric the
   * same points (by attributes) with the same counts, and the same sums unless the metric is in
   * {@code timed} (durations differ from run to run).
   */
  static void requireSameMetrics(
      Map<String, MetricData> ours, Map<String, MetricData> raw, Collection<String> timed) {
    check(
        ours.keySet().equals(raw.keySet()),
        "metric names differ: ours " + ours.keySet() + ", raw " + raw.keySet());
    check(!ours.isEmpty(), "no metrics recorded");
    for (Map.Entry<String, MetricData> entry : ours.entrySet()) {
      MetricData o = entry.getValue();
      MetricData r = raw.get(entry.getKey());
      String pair = "\n  ours: " + o + "\n  raw:  " + r;
      check(o.getType() == r.getType(), entry.getKey() + ": types differ" + pair);
      check(o.getUnit().equals(r.getUnit()), entry.getKey() + ": units differ" + pair);
      Map<String, String> oursPoints = points(o, timed.contains(entry.getKey()));
      Map<String, String> rawPoints = points(r, timed.contains(entry.getKey()));
      check(oursPoints.equals(rawPoints), entry.getKey() + ": points differ" + pair);
    }
  }

  private static Map<String, String> points(MetricData metric, boolean timed) {
    Map<String, String> byAttributes = new TreeMap<>();
    for (PointData point : metric.getData().getPoints()) {
      String value;
      if (point instanceof HistogramPointData) {
        HistogramPointData histogram = (HistogramPointData) point;
        value =
            "count="
                + histogram.getCount()
                + " boundaries="
                + histogram.getBoundaries()
                + (timed ? "" : " sum=" + histogram.getSum());
      } else if (point instanceof DoublePointData) {
        value = "value=" + ((DoublePointData) point).getValue();
      } else if (point instanceof LongPointData) {
        value = "value=" + ((LongPointData) point).getValue();
      } else {
        value = point.toString();
      }
      byAttributes.put(point.getAttributes().toString(), value);
    }
    return byAttributes;
  }

  private static String describe(List<SpanData> spans) {
    return spans.stream()
        .map(s -> s.getInstrumentationScopeInfo().getName() + ":" + s.getName())
        .collect(Collectors.toList())
        .toString();
  }

  /** A metric reader that collects on demand. */
  private static final class CollectingReader implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = Objects.requireNonNull(registration, "registration");
    }

    Collection<MetricData> collect() {
      return registration.collectAllMetrics();
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
