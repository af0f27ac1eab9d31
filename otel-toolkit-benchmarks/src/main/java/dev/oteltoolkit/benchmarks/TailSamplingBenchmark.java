package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.api.ThrowingSupplier;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-request cost of in-process tail sampling: one request of 5 spans (a root and 4 children, all
 * {@code traced()}, the smallest bodies) through {@code Telemetry.setup()}.
 *
 * <ul>
 *   <li>{@code tailAt10Percent}: {@code keepErrors(true)} and {@code keepSlowerThan(10 s)} at 10%
 *       head sampling. Every span is recorded; the 90% of requests that head sampling drops are
 *       held until their root ends, then discarded (no body fails or is slow, the steady state of a
 *       healthy service); the 10% head-sampled go out as usual.
 *   <li>{@code headAt100Percent}: plain head sampling at 100%, the other way to record every span.
 *       Goal: {@code tailAt10Percent} ≤ 1.0× this.
 *   <li>{@code headAt10Percent}: plain head sampling at 10%, what tail sampling is added to (90% of
 *       spans unrecorded). The ratio to it is reported, no goal.
 * </ul>
 *
 * <p>Fairness: each side is its own {@code Telemetry} built the same way (no OTLP, the RED
 * histogram aggregating into a reader that collects only between iterations, one added span
 * exporter that drops what it gets), so the three measure the same work except sampling. Spans go
 * through {@code Telemetry}'s batch span processor as in production (a {@code SimpleSpanProcessor},
 * as in {@link BenchmarkSdk}, cannot be put behind {@code Telemetry}); its worker thread converts
 * and exports off the measured thread, for every side alike. Drops would make a side look cheaper,
 * so the batch queue is raised to 65536 spans on every side (and tail sampling's event queue, sized
 * by {@code OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS}, to its largest, 262144 events: a saturating
 * single-thread loop of 2.5 million spans a second outruns a worker thread for a moment whenever
 * the scheduler of two cores takes the worker's, and the queues absorb that) and, after each
 * iteration, every side checks that its batch processor dropped nothing ({@code processedSpans}
 * with {@code dropped=true}) and tail sampling evicted nothing; otherwise the fork fails.
 *
 * <p>Each side is a separate state object, so a fork builds only the side it measures; its setup
 * runs the request and checks what reached the exporter: whole trees, about 10% of them at 10%,
 * and, for tail sampling, a failing request kept whole with {@code oteltoolkit.sampling.kept_by}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Thread)
public class TailSamplingBenchmark {

  static final String ROOT = "GET /checkout";
  static final String[] CHILDREN = {"load-cart", "price", "charge", "notify"};
  static final AttributeKey<String> KEPT_BY =
      AttributeKey.stringKey("oteltoolkit.sampling.kept_by");

  /**
   * Tail sampling on (errors and requests slower than 10 s) at 10% head sampling.
   *
   * @param side the telemetry of this side
   * @return the request's result
   */
  @Benchmark
  public Long tailAt10Percent(TailSide side) {
    return side.request();
  }

  /**
   * Head sampling at 100%, no tail sampling.
   *
   * @param side the telemetry of this side
   * @return the request's result
   */
  @Benchmark
  public Long headAt100Percent(Head100Side side) {
    return side.request();
  }

  /**
   * Head sampling at 10%, no tail sampling.
   *
   * @param side the telemetry of this side
   * @return the request's result
   */
  @Benchmark
  public Long headAt10Percent(Head10Side side) {
    return side.request();
  }

  /** Tail sampling at 10% head sampling. */
  @State(Scope.Thread)
  public static class TailSide extends Side {
    /**
     * Builds and checks the side.
     *
     * @param blackhole consumes what the bodies produce
     */
    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
      start(
          Telemetry.setup()
              .samplingRatio(0.1)
              .keepErrors(true)
              .keepSlowerThan(Duration.ofSeconds(10)),
          blackhole,
          Map.of(
              "OTEL_BSP_MAX_QUEUE_SIZE", "65536",
              // slack for the saturating loop: tail sampling's event queue has two slots per
              // span of this cap, here its largest, 262144 events (3 MB, ~80 ms of this loop)
              "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS", "131072"));
      checkRatio();
      checkTailKeepsAFailedRequest();
    }

    /** Fails the fork when spans were dropped or trees evicted during the iteration. */
    @TearDown(Level.Iteration)
    public void checkIteration() {
      checkNothingDropped();
    }

    /** Shuts the side down. */
    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** Head sampling at 100%. */
  @State(Scope.Thread)
  public static class Head100Side extends Side {
    /**
     * Builds and checks the side.
     *
     * @param blackhole consumes what the bodies produce
     */
    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
      start(Telemetry.setup().samplingRatio(1.0), blackhole, BATCH_QUEUE);
      List<List<SpanData>> trees = run(10);
      if (trees.size() != 10) {
        throw new IllegalStateException("expected 10 whole requests, got " + trees.size());
      }
    }

    /** Fails the fork when spans were dropped during the iteration. */
    @TearDown(Level.Iteration)
    public void checkIteration() {
      checkNothingDropped();
    }

    /** Shuts the side down. */
    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** Head sampling at 10%. */
  @State(Scope.Thread)
  public static class Head10Side extends Side {
    /**
     * Builds and checks the side.
     *
     * @param blackhole consumes what the bodies produce
     */
    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
      start(Telemetry.setup().samplingRatio(0.1), blackhole, BATCH_QUEUE);
      checkRatio();
    }

    /** Fails the fork when spans were dropped during the iteration. */
    @TearDown(Level.Iteration)
    public void checkIteration() {
      checkNothingDropped();
    }

    /** Shuts the side down. */
    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** One side: its telemetry, exporter, metric reader and request. */
  abstract static class Side {
    static final Map<String, String> BATCH_QUEUE = Map.of("OTEL_BSP_MAX_QUEUE_SIZE", "65536");

    private final DroppingExporter exporter = new DroppingExporter();
    private final CollectingReader reader = new CollectingReader();
    private Telemetry telemetry;
    private Tracing tracing;
    private Request request;
    private Blackhole blackhole;

    final void start(TelemetryBuilder builder, Blackhole blackhole, Map<String, String> settings) {
      BenchmarkSdk.requireMdcBridge(false);
      telemetry =
          builder
              .serviceName("benchmark")
              .otlp(false)
              .addSpanExporter(exporter)
              .addMetricReader(reader)
              .configProperties(settings)
              .build();
      tracing = telemetry.tracing();
      request = new Request(tracing, new Bodies.Consuming(blackhole));
      this.blackhole = blackhole;
    }

    final Long request() {
      return tracing.traced(ROOT, request);
    }

    /** Runs {@code count} requests and returns the whole trees that were exported. */
    final List<List<SpanData>> run(int count) {
      exporter.collect(true);
      for (int i = 0; i < count; i++) {
        request();
      }
      List<SpanData> spans = flushAndTake();
      return wholeTrees(spans);
    }

    /** At 10% head sampling: 2000 requests, about 200 whole trees arrive (6 sigma), no others. */
    final void checkRatio() {
      List<List<SpanData>> trees = run(2000);
      double sigma = Math.sqrt(2000 * 0.1 * 0.9);
      if (Math.abs(trees.size() - 200) > 6 * sigma) {
        throw new IllegalStateException(
            "expected about 200 of 2000 requests exported at 10%, got " + trees.size());
      }
      for (List<SpanData> tree : trees) {
        for (SpanData span : tree) {
          if (span.getAttributes().get(KEPT_BY) != null) {
            throw new IllegalStateException("a healthy request was kept by tail sampling");
          }
        }
      }
    }

    /** Tail sampling is really on: a failing request that head sampling dropped arrives whole. */
    final void checkTailKeepsAFailedRequest() {
      Bodies.Failing failing = new Bodies.Failing(blackhole);
      for (int attempt = 0; attempt < 100; attempt++) {
        exporter.collect(true);
        SpanContext[] root = new SpanContext[1];
        tracing.traced(
            ROOT,
            () -> {
              root[0] = Span.current().getSpanContext();
              if (!Span.current().isRecording()) {
                throw new IllegalStateException("tail sampling should record every span");
              }
              for (String child : CHILDREN) {
                try {
                  tracing.traced(child, failing);
                } catch (Bodies.BenchmarkFailure expected) {
                  // the request handles it
                }
              }
            });
        List<SpanData> spans = flushAndTake();
        if (root[0].isSampled()) {
          continue; // head-sampled: try again for one that head sampling dropped
        }
        List<List<SpanData>> trees = wholeTrees(spans);
        if (trees.size() != 1) {
          throw new IllegalStateException("the failed request did not arrive whole: " + spans);
        }
        for (SpanData span : trees.get(0)) {
          boolean isRoot = span.getName().equals(ROOT);
          if (isRoot != "error".equals(span.getAttributes().get(KEPT_BY))) {
            throw new IllegalStateException("kept_by=error expected on the root only: " + span);
          }
        }
        return;
      }
      throw new IllegalStateException("100 requests in a row were head-sampled at 10%");
    }

    final void checkNothingDropped() {
      telemetry.forceFlush();
      long dropped = 0;
      long evicted = 0;
      for (MetricData metric : reader.collect()) {
        if (metric.getName().equals("processedSpans")) {
          for (LongPointData point : metric.getLongSumData().getPoints()) {
            if (Boolean.TRUE.equals(
                point.getAttributes().get(AttributeKey.booleanKey("dropped")))) {
              dropped += point.getValue();
            }
          }
        } else if (metric.getName().equals("oteltoolkit.sampling.evicted")) {
          for (LongPointData point : metric.getLongSumData().getPoints()) {
            evicted += point.getValue();
          }
        }
      }
      if (dropped > 0 || evicted > 0) {
        throw new IllegalStateException(
            "the measurement is distorted: the batch processor dropped "
                + dropped
                + " spans and tail sampling evicted "
                + evicted
                + " trees");
      }
    }

    final void close() {
      telemetry.close();
    }

    private List<SpanData> flushAndTake() {
      if (!telemetry.forceFlush()) {
        throw new IllegalStateException("flush failed");
      }
      exporter.collect(false);
      return exporter.take();
    }

    /** Groups spans by trace and checks each is a whole request: a root and its 4 children. */
    private static List<List<SpanData>> wholeTrees(List<SpanData> spans) {
      Map<String, List<SpanData>> byTrace = new HashMap<>();
      for (SpanData span : spans) {
        byTrace.computeIfAbsent(span.getTraceId(), id -> new ArrayList<>()).add(span);
      }
      List<List<SpanData>> trees = new ArrayList<>(byTrace.values());
      for (List<SpanData> tree : trees) {
        SpanData root = null;
        for (SpanData span : tree) {
          if (!span.getParentSpanContext().isValid()) {
            root = span;
          }
        }
        if (tree.size() != 1 + CHILDREN.length || root == null || !root.getName().equals(ROOT)) {
          throw new IllegalStateException("a partial or malformed request was exported: " + tree);
        }
        for (SpanData span : tree) {
          if (!span.getSpanContext().isSampled()
              || (span != root
                  && !span.getParentSpanContext()
                      .getSpanId()
                      .equals(root.getSpanContext().getSpanId()))) {
            throw new IllegalStateException("a span is unsampled or misparented: " + span);
          }
        }
      }
      return trees;
    }
  }

  /** The request: 4 traced children of the root, in sequence. */
  static final class Request implements ThrowingSupplier<Long, RuntimeException> {
    private final Tracing tracing;
    private final Bodies.Consuming body;

    Request(Tracing tracing, Bodies.Consuming body) {
      this.tracing = tracing;
      this.body = body;
    }

    @Override
    public Long get() {
      tracing.traced(CHILDREN[0], body);
      tracing.traced(CHILDREN[1], body);
      tracing.traced(CHILDREN[2], body);
      return tracing.traced(CHILDREN[3], body);
    }
  }

  /** Drops what it gets; keeps it only while a setup check asks for it. */
  static final class DroppingExporter implements SpanExporter {
    private final List<SpanData> kept = new ArrayList<>();
    private volatile boolean collect;

    void collect(boolean on) {
      collect = on;
    }

    synchronized List<SpanData> take() {
      List<SpanData> copy = new ArrayList<>(kept);
      kept.clear();
      return copy;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      if (collect) {
        synchronized (this) {
          kept.addAll(spans);
        }
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
  }

  /** A metric reader that collects only when asked (between iterations). */
  static final class CollectingReader implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    Collection<MetricData> collect() {
      return registration.collectAllMetrics();
    }

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
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
