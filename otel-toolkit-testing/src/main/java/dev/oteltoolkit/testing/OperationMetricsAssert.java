package dev.oteltoolkit.testing;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Assertions on the RED metrics of one traced operation: the histogram {@value
 * Tracing#OPERATION_DURATION} that the toolkit records for every {@code traced(...)} call, sampled
 * or not, with {@code oteltoolkit.operation.name} (the span name) and, on failure, {@code
 * error.type}.
 *
 * <pre>{@code
 * otel.assertOperation("checkout").hasCount(3).hasErrorCount(1)
 *     .hasErrors("java.lang.IllegalStateException", 1);
 * }</pre>
 *
 * <p>Counts are of the current test only (the extension resets metrics between tests), summed over
 * every service of the test.
 */
public final class OperationMetricsAssert {

  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final String NO_ERROR = "";

  private final String operation;
  private final Snapshot snapshot;

  /** Calls of this operation by error type ({@code ""}: no error). */
  private final Map<String, Long> byErrorType = new TreeMap<>();

  /** Every operation recorded, for failure messages. */
  private final Map<String, Long> allOperations = new TreeMap<>();

  OperationMetricsAssert(String operation, List<MetricData> metrics, Snapshot snapshot) {
    this.operation = operation;
    this.snapshot = snapshot;
    for (MetricData metric : metrics) {
      if (!metric.getName().equals(Tracing.OPERATION_DURATION)
          || metric.getType() != MetricDataType.HISTOGRAM) {
        continue;
      }
      for (HistogramPointData point : metric.getHistogramData().getPoints()) {
        String name = point.getAttributes().get(Tracing.OPERATION_NAME);
        if (name == null) {
          continue;
        }
        allOperations.merge(name, point.getCount(), Long::sum);
        if (name.equals(operation)) {
          String errorType = point.getAttributes().get(ERROR_TYPE);
          byErrorType.merge(errorType == null ? NO_ERROR : errorType, point.getCount(), Long::sum);
        }
      }
    }
  }

  /**
   * Returns how many calls of the operation were recorded.
   *
   * @return the count of the histogram, all outcomes
   */
  public long count() {
    return byErrorType.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Returns how many calls of the operation failed (were recorded with an {@code error.type}).
   *
   * @return the count of failed calls
   */
  public long errorCount() {
    return count() - byErrorType.getOrDefault(NO_ERROR, 0L);
  }

  /**
   * Asserts how many calls of the operation were recorded, failed or not.
   *
   * @param expected the expected count
   * @return this
   */
  public OperationMetricsAssert hasCount(long expected) {
    if (count() != expected) {
      throw failure("expected " + expected + " calls but " + count() + " were recorded");
    }
    return this;
  }

  /**
   * Asserts how many calls of the operation failed.
   *
   * @param expected the expected count of calls recorded with an {@code error.type}
   * @return this
   */
  public OperationMetricsAssert hasErrorCount(long expected) {
    if (errorCount() != expected) {
      throw failure(
          "expected " + expected + " failed calls but " + errorCount() + " were recorded");
    }
    return this;
  }

  /**
   * Asserts how many calls failed with this {@code error.type} (the exception's class name).
   *
   * @param errorType e.g. {@code java.lang.IllegalStateException}
   * @param expected the expected count
   * @return this
   */
  public OperationMetricsAssert hasErrors(String errorType, long expected) {
    Objects.requireNonNull(errorType, "errorType");
    long actual = errorType.isEmpty() ? 0 : byErrorType.getOrDefault(errorType, 0L);
    if (actual != expected) {
      throw failure(
          "expected "
              + expected
              + " calls failed with error.type="
              + errorType
              + " but "
              + actual
              + " were recorded");
    }
    return this;
  }

  /**
   * Asserts that no call of the operation failed.
   *
   * @return this
   */
  public OperationMetricsAssert hasNoErrors() {
    return hasErrorCount(0);
  }

  private TelemetryAssertionError failure(String what) {
    Map<String, Long> outcomes = new TreeMap<>();
    byErrorType.forEach((type, n) -> outcomes.put(type.isEmpty() ? "ok" : type, n));
    return new TelemetryAssertionError(
        "operation '"
            + operation
            + "' ("
            + Tracing.OPERATION_DURATION
            + "): "
            + what
            + "; its calls by outcome: "
            + outcomes
            + "; operations recorded in this test: "
            + allOperations,
        snapshot);
  }

  @Override
  public String toString() {
    return "OperationMetricsAssert{" + operation + ", " + byErrorType + "}";
  }
}
