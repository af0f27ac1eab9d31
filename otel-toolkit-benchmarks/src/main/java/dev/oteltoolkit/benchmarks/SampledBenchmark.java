package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Sampled spans (always-on sampler, exported to an exporter that drops them): {@code traced}
 * against the same span and RED histogram written on the raw API, through one SDK.
 *
 * <p>Three positions of the span in its trace, because the toolkit does different work in each:
 *
 * <ul>
 *   <li>{@code raw} / {@code traced}: a new trace. The traced span is a local root, so the toolkit
 *       also creates the request accumulator and puts it in the context.
 *   <li>{@code rawChildOfForeignRoot} / {@code tracedChildOfForeignRoot}: inside a request whose
 *       root span other code started (a server instrumentation, a hand-built span), so the toolkit
 *       looks up the accumulator attached lazily to that root.
 *   <li>{@code rawChildOfTracedRoot} / {@code tracedChildOfTracedRoot}: inside a request whose root
 *       the toolkit started: the accumulator is already in the context.
 * </ul>
 *
 * <p>{@code rawSpanOnly} is the span without the histogram, to show what the histogram costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class SampledBenchmark {

  private OpenTelemetrySdk sdk;
  private Tracing tracing;
  private RawApi raw;
  private Bodies.Consuming body;
  private Span foreignRoot;
  private Context foreignRootContext;
  private CompletableFuture<Void> tracedRootPending;
  private Context tracedRootContext;

  /**
   * Builds the SDK, both sides and the two open request roots.
   *
   * @param blackhole consumes what the bodies produce
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    sdk = BenchmarkSdk.create(Sampler.alwaysOn());
    tracing = Tracing.create(sdk);
    raw = new RawApi(sdk, Bodies.OPERATION);
    body = new Bodies.Consuming(blackhole);

    foreignRoot =
        sdk.getTracer("dev.oteltoolkit.benchmarks.server").spanBuilder("GET /checkout").startSpan();
    foreignRootContext = Context.root().with(foreignRoot);

    // a root the toolkit started and that stays open while the benchmark runs
    tracedRootPending = new CompletableFuture<>();
    tracing
        .span("GET /checkout")
        .parent(Context.root())
        .callAsync(
            () -> {
              tracedRootContext = Context.current();
              return tracedRootPending;
            });
  }

  /** Ends the open roots and shuts the SDK down. */
  @TearDown
  public void tearDown() {
    tracedRootPending.complete(null);
    foreignRoot.end();
    sdk.close();
  }

  /**
   * Baseline: span and histogram written on the raw API, a new trace.
   *
   * @return the body's result
   */
  @Benchmark
  public Long raw() {
    return raw.spanAndHistogram(Bodies.OPERATION, body);
  }

  /**
   * The raw-API span alone, without the histogram (informational).
   *
   * @return the body's result
   */
  @Benchmark
  public Long rawSpanOnly() {
    return raw.spanOnly(Bodies.OPERATION, body);
  }

  /**
   * {@code traced}, a new trace (a local root).
   *
   * @return the body's result
   */
  @Benchmark
  public Long traced() {
    return tracing.traced(Bodies.OPERATION, body);
  }

  /**
   * Baseline inside a request whose root other code started.
   *
   * @return the body's result
   */
  @Benchmark
  public Long rawChildOfForeignRoot() {
    try (Scope ignored = foreignRootContext.makeCurrent()) {
      return raw.spanAndHistogram(Bodies.OPERATION, body);
    }
  }

  /**
   * {@code traced} inside a request whose root other code started.
   *
   * @return the body's result
   */
  @Benchmark
  public Long tracedChildOfForeignRoot() {
    try (Scope ignored = foreignRootContext.makeCurrent()) {
      return tracing.traced(Bodies.OPERATION, body);
    }
  }

  /**
   * Baseline inside a request whose root the toolkit started.
   *
   * @return the body's result
   */
  @Benchmark
  public Long rawChildOfTracedRoot() {
    try (Scope ignored = tracedRootContext.makeCurrent()) {
      return raw.spanAndHistogram(Bodies.OPERATION, body);
    }
  }

  /**
   * {@code traced} inside a request whose root the toolkit started.
   *
   * @return the body's result
   */
  @Benchmark
  public Long tracedChildOfTracedRoot() {
    try (Scope ignored = tracedRootContext.makeCurrent()) {
      return tracing.traced(Bodies.OPERATION, body);
    }
  }
}
