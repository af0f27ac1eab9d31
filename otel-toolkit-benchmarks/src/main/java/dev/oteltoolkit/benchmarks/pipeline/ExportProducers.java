package dev.oteltoolkit.benchmarks.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Producer threads that call a span-producing action at a fixed total rate (shared evenly), or as
 * fast as they can.
 *
 * <p>Pacing: each thread keeps a schedule ({@code i / rate} after the start) and produces every
 * span that is due, parking in between. A thread that falls behind (the CPU was busy) catches up in
 * a burst of at most {@link #MAX_BACKLOG} of its schedule and skips the rest: a long burst would
 * measure the queue's size rather than the sustained rate. The rate actually produced is reported,
 * and a run that fell short of its target by more than 3% is flagged {@code producerLimited}.
 */
final class ExportProducers {

  /** The most of its schedule a late thread catches up on at once. */
  static final Duration MAX_BACKLOG = Duration.ofMillis(5);

  /**
   * The shortest a thread parks: at high rates the next span is due in microseconds, and parking
   * for each would cost the thread more CPU than the span (a timer syscall each); it produces what
   * is due every millisecond instead, well inside {@link #MAX_BACKLOG}.
   */
  static final long MIN_PARK_NANOS = Duration.ofMillis(1).toNanos();

  private ExportProducers() {}

  /**
   * Runs {@code threads} producers for {@code duration}.
   *
   * @param rate spans per second in total, or 0 for as fast as possible
   * @param span produces one span
   * @return what was produced
   */
  static Produced run(int threads, double rate, Duration duration, Runnable span) {
    CountDownLatch start = new CountDownLatch(1);
    long[] counts = new long[threads];
    long[] cpu = new long[threads];
    java.lang.management.ThreadMXBean threadBean =
        java.lang.management.ManagementFactory.getThreadMXBean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  long cpuStart = threadBean.getCurrentThreadCpuTime();
                  long begin = System.nanoTime();
                  long end = begin + duration.toNanos();
                  counts[index] =
                      rate > 0 ? paced(rate / threads, begin, end, span) : unlimited(end, span);
                  cpu[index] = threadBean.getCurrentThreadCpuTime() - cpuStart;
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "span-producer-" + (t + 1));
      workers.add(worker);
      worker.start();
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while producing", e);
      }
    }
    long elapsed = System.nanoTime() - begin;
    if (failure.get() != null) {
      throw new IllegalStateException("a producer failed", failure.get());
    }
    long produced = 0;
    for (long count : counts) {
      produced += count;
    }
    long producerCpu = 0;
    for (long nanos : cpu) {
      producerCpu += nanos;
    }
    return new Produced(rate, produced, elapsed / 1e9, producerCpu);
  }

  private static long paced(double perSecond, long begin, long end, Runnable span) {
    double nanosPerSpan = 1e9 / perSecond;
    long backlog = Math.max(1, (long) (MAX_BACKLOG.toNanos() / nanosPerSpan));
    long produced = 0;
    long skipped = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        return produced;
      }
      long due = (long) ((now - begin) / nanosPerSpan) + 1 - skipped;
      if (due - produced > backlog) {
        skipped += due - produced - backlog;
        due = produced + backlog;
      }
      if (produced < due) {
        for (long i = produced; i < due; i++) {
          span.run();
        }
        produced = due;
      } else {
        long next = begin + (long) ((produced + skipped) * nanosPerSpan);
        LockSupport.parkNanos(Math.min(Math.max(next - now, MIN_PARK_NANOS), end - now));
      }
    }
  }

  private static long unlimited(long end, Runnable span) {
    long produced = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 256; i++) {
        span.run();
      }
      produced += 256;
    }
    return produced;
  }

  /**
   * What a run produced.
   *
   * @param targetRate the rate asked for, 0 for unlimited
   * @param produced spans produced
   * @param seconds how long the producers ran
   * @param producerCpuNanos CPU time of the producer threads together (span start, end, enqueue)
   */
  record Produced(double targetRate, long produced, double seconds, long producerCpuNanos) {

    double rate() {
      return produced / seconds;
    }

    /** Whether the producers fell more than 3% short of the target rate. */
    boolean producerLimited() {
      return targetRate > 0 && rate() < 0.97 * targetRate;
    }
  }
}
