package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.api.ThrowingSupplier;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The traced bodies: as small as a body can be, so each ratio is the worst case (a real body only
 * dilutes the instrumentation's share). Each consumes through the {@link Blackhole} so the JIT
 * cannot remove it, and allocates nothing, so {@code gc.alloc.rate.norm} is the instrumentation's
 * alone. One instance per benchmark, shared by both sides of a pair.
 */
final class Bodies {

  static final String OPERATION = "checkout";

  private Bodies() {}

  /** A body that consumes a value and returns it. */
  static final class Consuming implements ThrowingSupplier<Long, RuntimeException> {
    private final Blackhole blackhole;
    private final Long value = 4242L;

    Consuming(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public Long get() {
      blackhole.consume(value);
      return value;
    }
  }

  /** A body that consumes a value and then throws one preallocated, stackless exception. */
  static final class Failing implements ThrowingSupplier<Long, RuntimeException> {
    private final Blackhole blackhole;
    private final Long value = 4242L;
    private final BenchmarkFailure failure = new BenchmarkFailure();

    Failing(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public Long get() {
      blackhole.consume(value);
      throw failure;
    }
  }

  /**
   * The failure a {@link Failing} body throws: no stack trace to fill or print, so the pair
   * compares error handling, not {@code Throwable} construction.
   */
  static final class BenchmarkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchmarkFailure() {
      super("card declined", null, false, false);
    }
  }
}
