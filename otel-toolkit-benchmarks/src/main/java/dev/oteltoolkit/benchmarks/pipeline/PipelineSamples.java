package dev.oteltoolkit.benchmarks.pipeline;

import java.util.Arrays;
import java.util.Map;

/**
 * Latency samples in nanoseconds, added from any thread, summarized as exact percentiles (every
 * sample is kept: the runs here record at most a few hundred thousand).
 */
final class PipelineSamples {

  private final Object lock = new Object();
  private long[] values = new long[1024]; // guarded by lock
  private int size; // guarded by lock

  void add(long nanos) {
    synchronized (lock) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }
  }

  int size() {
    synchronized (lock) {
      return size;
    }
  }

  /**
   * The summary in milliseconds: count, min, mean, p50, p95, p99, max (nearest-rank percentiles);
   * the values are null when there is no sample.
   */
  Map<String, Object> summaryMillis() {
    long[] sorted;
    synchronized (lock) {
      sorted = Arrays.copyOf(values, size);
    }
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      return PipelineReport.map(
          "count", 0, "min", null, "mean", null, "p50", null, "p95", null, "p99", null, "max",
          null);
    }
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return PipelineReport.map(
        "count", sorted.length,
        "min", millis(sorted[0]),
        "mean", sum / sorted.length / 1e6,
        "p50", millis(percentile(sorted, 50)),
        "p95", millis(percentile(sorted, 95)),
        "p99", millis(percentile(sorted, 99)),
        "max", millis(sorted[sorted.length - 1]));
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
