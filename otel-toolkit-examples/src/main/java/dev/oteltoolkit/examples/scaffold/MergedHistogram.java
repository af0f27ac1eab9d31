package dev.oteltoolkit.examples.scaffold;

import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.List;

/**
 * The histogram points of one operation merged into one (every outcome, errors counted apart), with
 * percentiles estimated from the buckets the way Prometheus' {@code histogram_quantile} does
 * (linear within a bucket), narrowed to the observed minimum and maximum: what a dashboard shows,
 * not exact order statistics. Not thread-safe: merge, then read.
 */
public final class MergedHistogram {

  private List<Double> boundaries;
  private long[] counts;
  private long count;
  private long errors;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  /** Creates an empty histogram. */
  public MergedHistogram() {}

  /**
   * Adds a point: its buckets, count, minimum and maximum, and its count to the errors when it has
   * an {@code error.type}. Every point must have the same bucket boundaries.
   *
   * @param point a point of a histogram of durations
   * @return this histogram
   */
  public MergedHistogram add(HistogramPointData point) {
    if (counts == null) {
      boundaries = List.copyOf(point.getBoundaries());
      counts = new long[point.getCounts().size()];
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += point.getCounts().get(i);
    }
    count += point.getCount();
    if (point.getAttributes().get(ErrorAttributes.ERROR_TYPE) != null) {
      errors += point.getCount();
    }
    if (point.hasMin()) {
      min = Math.min(min, point.getMin());
      max = Math.max(max, point.getMax());
    }
    return this;
  }

  /**
   * Returns how many measurements were merged.
   *
   * @return the count
   */
  public long count() {
    return count;
  }

  /**
   * Returns how many of them had an {@code error.type}.
   *
   * @return the count of errors
   */
  public long errors() {
    return errors;
  }

  /**
   * Estimates quantile {@code q} as {@code histogram_quantile} does, within the observed range.
   *
   * @param q the quantile, between 0 and 1
   * @return the estimate, in the histogram's unit; 0 for an empty histogram
   */
  public double quantile(double q) {
    if (counts == null) {
      return 0;
    }
    double rank = q * count;
    long below = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && below + counts[i] >= rank) {
        double lower = Math.max(i == 0 ? 0 : boundaries.get(i - 1), min);
        double upper = Math.min(i < boundaries.size() ? boundaries.get(i) : max, max);
        return lower + (upper - lower) * (rank - below) / counts[i];
      }
      below += counts[i];
    }
    return max;
  }
}
