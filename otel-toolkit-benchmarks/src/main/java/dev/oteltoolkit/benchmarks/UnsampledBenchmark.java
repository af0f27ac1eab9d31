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
 * Unsampled spans (always-off sampler): {@code traced} against a raw-API span that is started, made
 * current and ended, plus the RED histogram record with cached attributes, as the toolkit records
 * it for every call whether sampled or not. A new trace each call.
 *
 * <p>{@code rawSpanOnly} is the unsampled span without the histogram, to show what the histogram
 * costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Thread)
public class UnsampledBenchmark {

  private OpenTelemetrySdk sdk;
  private Tracing tracing;
  private RawApi raw;
  private Bodies.Consuming body;

  /**
   * Builds the SDK and both sides.
   *
   * @param blackhole consumes what the body produces
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    sdk = BenchmarkSdk.create(Sampler.alwaysOff());
    tracing = Tracing.create(sdk);
    raw = new RawApi(sdk, Bodies.OPERATION);
    body = new Bodies.Consuming(blackhole);
  }

  /** Shuts the SDK down. */
  @TearDown
  public void tearDown() {
    sdk.close();
  }

  /**
   * Baseline: unsampled raw-API span plus the histogram record.
   *
   * @return the body's result
   */
  @Benchmark
  public Long raw() {
    return raw.spanAndHistogram(Bodies.OPERATION, body);
  }

  /**
   * The unsampled raw-API span alone (informational).
   *
   * @return the body's result
   */
  @Benchmark
  public Long rawSpanOnly() {
    return raw.spanOnly(Bodies.OPERATION, body);
  }

  /**
   * {@code traced} with an unsampled span.
   *
   * @return the body's result
   */
  @Benchmark
  public Long traced() {
    return tracing.traced(Bodies.OPERATION, body);
  }
}
