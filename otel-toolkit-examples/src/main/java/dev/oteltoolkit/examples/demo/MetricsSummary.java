package dev.oteltoolkit.examples.demo;

import dev.oteltoolkit.examples.scaffold.MergedHistogram;
import dev.oteltoolkit.examples.scaffold.PulledMetricReader;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A metric reader the application pulls from, to print a summary of what the toolkit measured:
 * calls, errors and p50/p95 durations per operation, tokens by type and cost by model. Register it
 * with {@code Telemetry.setup().addMetricReader(summary)}, then call {@link #print(PrintStream)}
 * before the telemetry is closed.
 *
 * <p>The percentiles are estimated from the histogram buckets the way Prometheus' {@code
 * histogram_quantile} does ({@link MergedHistogram}): what a dashboard shows, not exact order
 * statistics.
 */
public final class MetricsSummary extends PulledMetricReader {

  /** Core's RED histogram of every traced operation. */
  public static final String OPERATION_DURATION = "oteltoolkit.operation.duration";

  private static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("oteltoolkit.operation.name");
  private static final AttributeKey<String> GEN_AI_OPERATION =
      AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> GEN_AI_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<String> GEN_AI_TOKEN_TYPE =
      AttributeKey.stringKey("gen_ai.token.type");

  /** The duration histograms summarised, with how each names an operation. */
  private static final Map<String, Function<Attributes, String>> DURATIONS = new LinkedHashMap<>();

  static {
    DURATIONS.put(OPERATION_DURATION, a -> a.get(OPERATION_NAME));
    DURATIONS.put(
        "http.server.request.duration",
        a -> a.get(HttpAttributes.HTTP_REQUEST_METHOD) + " " + a.get(HttpAttributes.HTTP_ROUTE));
    DURATIONS.put(
        "gen_ai.client.operation.duration",
        a -> join(a.get(GEN_AI_OPERATION), a.get(GEN_AI_MODEL)));
    DURATIONS.put(
        "db.client.operation.duration",
        a -> join(a.get(DbAttributes.DB_OPERATION_NAME), a.get(DbAttributes.DB_COLLECTION_NAME)));
  }

  /** Creates a reader; it reads nothing until registered with an SDK. */
  public MetricsSummary() {}

  /**
   * Prints the summary of everything recorded so far.
   *
   * @param out where to print
   */
  public void print(PrintStream out) {
    Map<String, Durations> operations = new LinkedHashMap<>();
    Map<String, Double> tokensByType = new TreeMap<>();
    Map<String, Double> costByModel = new TreeMap<>();
    for (MetricData metric : collect()) {
      Function<Attributes, String> naming = DURATIONS.get(metric.getName());
      if (naming != null && metric.getType() == MetricDataType.HISTOGRAM) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          String operation = naming.apply(point.getAttributes());
          operations
              .computeIfAbsent(metric.getName() + "|" + operation, k -> new Durations(operation))
              .add(metric.getName(), point);
        }
      } else if (metric.getName().equals("gen_ai.client.token.usage")) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          tokensByType.merge(
              point.getAttributes().get(GEN_AI_TOKEN_TYPE), point.getSum(), Double::sum);
        }
      } else if (metric.getName().equals("oteltoolkit.gen_ai.cost")) {
        for (DoublePointData point : metric.getDoubleSumData().getPoints()) {
          costByModel.merge(point.getAttributes().get(GEN_AI_MODEL), point.getValue(), Double::sum);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("\n== metrics summary: calls, errors, and p50/p95 estimated from the histogram")
        .append(" buckets as Prometheus' histogram_quantile does ==\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "%-34s %-34s %5s %11s %9s %9s%n",
            "operation",
            "metric",
            "calls",
            "errors",
            "p50",
            "p95"));
    List<Durations> rows = new ArrayList<>(operations.values());
    List<String> order = new ArrayList<>(DURATIONS.keySet());
    rows.sort(Comparator.comparingInt((Durations d) -> order.indexOf(d.metric)));
    for (Durations d : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-34s %-34s %5d %4d (%3.0f%%) %6.1f ms %6.1f ms%n",
              d.operation,
              d.metric,
              d.histogram.count(),
              d.histogram.errors(),
              100.0 * d.histogram.errors() / d.histogram.count(),
              d.histogram.quantile(0.50) * 1000,
              d.histogram.quantile(0.95) * 1000));
    }
    sb.append("tokens by type (gen_ai.client.token.usage):");
    tokensByType.forEach(
        (type, sum) -> sb.append(String.format(Locale.ROOT, " %s=%.0f", type, sum)));
    sb.append("\ncost by model (oteltoolkit.gen_ai.cost):");
    costByModel.forEach(
        (model, usd) -> sb.append(String.format(Locale.ROOT, " %s=$%.6f", model, usd)));
    sb.append('\n');
    out.print(sb);
    out.flush();
  }

  private static String join(String first, String second) {
    return second == null ? first : first + " " + second;
  }

  /** One operation's merged durations, and the histogram it was read from. */
  private static final class Durations {

    final String operation;
    final MergedHistogram histogram = new MergedHistogram();
    String metric;

    Durations(String operation) {
      this.operation = operation;
    }

    void add(String metricName, HistogramPointData point) {
      metric = metricName;
      histogram.add(point);
    }
  }
}
