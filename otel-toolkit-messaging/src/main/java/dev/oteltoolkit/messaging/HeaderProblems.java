package dev.oteltoolkit.messaging;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where problems with incoming propagation headers are reported: at most one log line a minute for
 * each kind, whatever the traffic, so that no sender can flood the log.
 *
 * <ul>
 *   <li>failures (a getter, a header value or a propagator that threw): {@code WARNING}, with the
 *       throwable of the first one;
 *   <li>malformed or oversized values that were dropped: {@code FINE} (OpenTelemetry's own
 *       propagators report unparseable headers at that level).
 * </ul>
 *
 * <p>Each line says how many more occurred since the previous one. Errors that mean the JVM or the
 * thread is going down ({@link VirtualMachineError}, {@link ThreadDeath}) are never contained:
 * {@link #rethrowIfFatal} rethrows them.
 */
final class HeaderProblems {

  /** The reporter of the public getters and guards, for the whole JVM. */
  static final HeaderProblems SHARED = new HeaderProblems();

  static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final Logger logger = Logger.getLogger(GuardedPropagator.class.getName());

  private final LongSupplier nanoClock;
  private final Limiter failures = new Limiter();
  private final Limiter malformed = new Limiter();

  HeaderProblems() {
    this(System::nanoTime);
  }

  HeaderProblems(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * Rethrows what must never be contained: {@link VirtualMachineError} (out of memory, stack
   * overflow, internal error) and {@link ThreadDeath}. An interrupt that arrives as a sneaky {@link
   * InterruptedException} is contained, and the thread's interrupt flag set again.
   */
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError || t instanceof ThreadDeath) {
      throw (Error) t;
    }
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reports a throwable caught while reading headers; logs at most one line a minute. */
  void failure(Throwable t) {
    if (!logger.isLoggable(Level.WARNING)) {
      return;
    }
    long more = failures.acquire(nanoClock.getAsLong());
    if (more >= 0) {
      logger.log(
          Level.WARNING,
          "otel-toolkit-messaging could not read incoming trace context headers ("
              + t.getClass().getName()
              + "); the message or request is handled without them, as a new trace when no span"
              + " is current."
              + suffix(more),
          t);
    }
  }

  /** Reports a header value dropped as malformed or oversized; logs at most one line a minute. */
  void malformed(String header, String why) {
    if (!logger.isLoggable(Level.FINE)) {
      return;
    }
    long more = malformed.acquire(nanoClock.getAsLong());
    if (more >= 0) {
      logger.log(
          Level.FINE,
          "otel-toolkit-messaging ignored an incoming \""
              + header
              + "\" header: "
              + why
              + "."
              + suffix(more));
    }
  }

  private static String suffix(long more) {
    return " At most one such line a minute"
        + (more > 0 ? "; " + more + " more since the previous one." : ".");
  }

  /** One line per interval; counts the rest. */
  private static final class Limiter {
    private static final long NEVER = Long.MIN_VALUE;

    private final AtomicLong nextAllowed = new AtomicLong(NEVER);
    private final AtomicLong suppressed = new AtomicLong();

    /** Returns -1 when this occurrence is not logged, else how many were not since the last. */
    long acquire(long now) {
      long next = nextAllowed.get();
      if ((next != NEVER && now - next < 0)
          || !nextAllowed.compareAndSet(next, now + INTERVAL_NANOS)) {
        suppressed.incrementAndGet();
        return -1;
      }
      return suppressed.getAndSet(0);
    }
  }
}
