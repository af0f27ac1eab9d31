package dev.oteltoolkit.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ops of {@link MdcBridgeBenchmark} with the eager MDC bridge ({@code
 * -Doteltoolkit.mdc.lazy=false}): {@code trace_id}, {@code span_id} and {@code trace_flags} are
 * written into the MDC on every scope switch and restored when the scope closes. This is the bridge
 * before it became lazy, and what backends other than Logback and Log4j 2 still get.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 2,
    jvmArgsPrepend = {MdcBridgeBenchmark.MDC_BRIDGE, MdcEagerBridgeBenchmark.EAGER})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class MdcEagerBridgeBenchmark extends MdcBridgeBenchmark {

  /** Turns the lazy bridge off in this class's forks. */
  static final String EAGER = "-Doteltoolkit.mdc.lazy=false";

  @Override
  boolean lazy() {
    return false;
  }
}
