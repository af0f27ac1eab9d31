package dev.oteltoolkit.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on the GenAI metrics of the current test, by metric name so tests need not know them:
 * tokens from {@code gen_ai.client.token.usage} (by {@code gen_ai.token.type}), calls from {@code
 * gen_ai.client.operation.duration}, cost from {@code oteltoolkit.gen_ai.cost} (USD). Optionally
 * narrowed to one requested model ({@code gen_ai.request.model}).
 *
 * <pre>{@code
 * otel.assertGenAi("gpt-4o").hasCalls(2).hasInputTokens(1200).hasOutputTokens(80).hasCostUsd("0.0038");
 * }</pre>
 *
 * <p>Per-request totals on the local root span are asserted on the trace: {@link
 * TraceTreeAssert#hasGenAiTotals(long, long)}.
 */
public final class GenAiUsageAssert {

  static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
  static final String COST = "oteltoolkit.gen_ai.cost";
  private static final AttributeKey<String> TOKEN_TYPE =
      AttributeKey.stringKey("gen_ai.token.type");
  private static final AttributeKey<String> REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");

  /** Cost sums are of doubles: equal within this many USD (far below any price per token). */
  private static final double COST_TOLERANCE = 1e-9;

  private final @Nullable String model;
  private final Snapshot snapshot;
  private long inputTokens;
  private long outputTokens;
  private long calls;
  private double cost;
  private final Map<String, Long> callsByModel = new TreeMap<>();

  GenAiUsageAssert(@Nullable String model, List<MetricData> metrics, Snapshot snapshot) {
    this.model = model;
    this.snapshot = snapshot;
    for (MetricData metric : metrics) {
      if (metric.getName().equals(TOKEN_USAGE) && metric.getType() == MetricDataType.HISTOGRAM) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          if (matches(point.getAttributes())) {
            String type = point.getAttributes().get(TOKEN_TYPE);
            if ("input".equals(type)) {
              inputTokens += Math.round(point.getSum());
            } else if ("output".equals(type)) {
              outputTokens += Math.round(point.getSum());
            }
          }
        }
      } else if (metric.getName().equals(OPERATION_DURATION)
          && metric.getType() == MetricDataType.HISTOGRAM) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          String pointModel = point.getAttributes().get(REQUEST_MODEL);
          callsByModel.merge(String.valueOf(pointModel), point.getCount(), Long::sum);
          if (matches(point.getAttributes())) {
            calls += point.getCount();
          }
        }
      } else if (metric.getName().equals(COST) && metric.getType() == MetricDataType.DOUBLE_SUM) {
        for (DoublePointData point : metric.getDoubleSumData().getPoints()) {
          if (matches(point.getAttributes())) {
            cost += point.getValue();
          }
        }
      }
    }
  }

  private boolean matches(Attributes attributes) {
    return model == null || model.equals(attributes.get(REQUEST_MODEL));
  }

  /**
   * Returns the input tokens recorded.
   *
   * @return the sum of {@code gen_ai.client.token.usage} with {@code gen_ai.token.type=input}
   */
  public long inputTokens() {
    return inputTokens;
  }

  /**
   * Returns the output tokens recorded.
   *
   * @return the sum of {@code gen_ai.client.token.usage} with {@code gen_ai.token.type=output}
   */
  public long outputTokens() {
    return outputTokens;
  }

  /**
   * Returns the GenAI calls recorded.
   *
   * @return the count of {@code gen_ai.client.operation.duration}
   */
  public long calls() {
    return calls;
  }

  /**
   * Returns the cost recorded.
   *
   * @return the sum of {@code oteltoolkit.gen_ai.cost}, in US dollars
   */
  public double costUsd() {
    return cost;
  }

  /**
   * Asserts the number of GenAI calls (operations of any kind: chat, embeddings, tools, ...).
   *
   * @param expected the expected count
   * @return this
   */
  public GenAiUsageAssert hasCalls(long expected) {
    if (calls != expected) {
      throw failure("expected " + expected + " calls but " + calls + " were recorded");
    }
    return this;
  }

  /**
   * Asserts the input tokens recorded.
   *
   * @param expected the expected tokens
   * @return this
   */
  public GenAiUsageAssert hasInputTokens(long expected) {
    if (inputTokens != expected) {
      throw failure("expected " + expected + " input tokens but " + inputTokens + " were recorded");
    }
    return this;
  }

  /**
   * Asserts the output tokens recorded.
   *
   * @param expected the expected tokens
   * @return this
   */
  public GenAiUsageAssert hasOutputTokens(long expected) {
    if (outputTokens != expected) {
      throw failure(
          "expected " + expected + " output tokens but " + outputTokens + " were recorded");
    }
    return this;
  }

  /**
   * Asserts the cost recorded, to a billionth of a dollar (the counter adds doubles).
   *
   * @param usd the expected cost in US dollars, as a decimal, e.g. {@code "0.0038"}
   * @return this
   */
  public GenAiUsageAssert hasCostUsd(String usd) {
    BigDecimal expected = TreeContext.decimal(usd);
    if (Math.abs(cost - expected.doubleValue()) > COST_TOLERANCE) {
      throw failure(
          "expected a cost of "
              + expected.toPlainString()
              + " USD but "
              + cost
              + " USD was recorded (unknown models are not priced)");
    }
    return this;
  }

  private TelemetryAssertionError failure(String what) {
    return new TelemetryAssertionError(
        "GenAI usage"
            + (model == null ? "" : " of model " + model)
            + ": "
            + what
            + "; calls recorded in this test by requested model: "
            + callsByModel,
        snapshot);
  }

  @Override
  public String toString() {
    return "GenAiUsageAssert{model="
        + model
        + ", calls="
        + calls
        + ", input="
        + inputTokens
        + ", output="
        + outputTokens
        + ", cost="
        + cost
        + "}";
  }
}
