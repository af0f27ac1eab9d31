package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * A failing body on a sampled span: both sides record the exception event, status {@code ERROR} and
 * {@code error.type} on the span, and the histogram with {@code error.type}, then rethrow. The body
 * throws one preallocated exception without a stack trace, so the pair compares the error handling,
 * not {@code Throwable} construction.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Thread)
public class FailingBenchmark {

  private OpenTelemetrySdk sdk;
  private Tracing tracing;
  private RawApi raw;
  private Bodies.Failing body;

  /**
   * Builds the SDK and both sides.
   *
   * @param blackhole consumes what the body produces
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    sdk = BenchmarkSdk.create(Sampler.alwaysOn());
    tracing = Tracing.create(sdk);
    raw = new RawApi(sdk, Bodies.OPERATION);
    body = new Bodies.Failing(blackhole);
  }

  /** Shuts the SDK down. */
  @TearDown
  public void tearDown() {
    sdk.close();
  }

  /**
   * Baseline: the error recorded by hand on the raw API.
   *
   * @return the exception the body threw
   */
  @Benchmark
  public Object raw() {
    try {
      return raw.spanAndHistogram(Bodies.OPERATION, body);
    } catch (Bodies.BenchmarkFailure expected) {
      return expected;
    }
  }

  /**
   * {@code traced} with a failing body.
   *
   * @return the exception the body threw
   */
  @Benchmark
  public Object traced() {
    try {
      return tracing.traced(Bodies.OPERATION, body);
    } catch (Bodies.BenchmarkFailure expected) {
      return expected;
    }
  }
}
