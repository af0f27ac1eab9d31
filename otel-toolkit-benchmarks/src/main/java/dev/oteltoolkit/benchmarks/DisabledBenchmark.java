package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
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
 * Telemetry switched off ({@code Telemetry.setup().enabled(false)}): {@code traced} against a
 * direct call of the same body. The goal is that the disabled toolkit costs (almost) nothing and
 * allocates nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Thread)
public class DisabledBenchmark {

  private Telemetry telemetry;
  private Tracing tracing;
  private Bodies.Consuming body;

  /**
   * Builds the disabled telemetry and the body.
   *
   * @param blackhole consumes what the body produces
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    BenchmarkSdk.requireMdcBridge(false);
    telemetry = Telemetry.setup().serviceName("benchmark").enabled(false).build();
    tracing = telemetry.tracing();
    body = new Bodies.Consuming(blackhole);
  }

  /** Closes the telemetry. */
  @TearDown
  public void tearDown() {
    telemetry.close();
  }

  /**
   * Baseline: the body called directly.
   *
   * @return the body's result
   */
  @Benchmark
  public Long baseline() {
    return body.get();
  }

  /**
   * {@code traced} with telemetry disabled.
   *
   * @return the body's result
   */
  @Benchmark
  public Long traced() {
    return tracing.traced(Bodies.OPERATION, body);
  }
}
