package dev.oteltoolkit.examples.multiservice;

import dev.oteltoolkit.examples.scaffold.MergedHistogram;
import dev.oteltoolkit.examples.scaffold.PulledMetricReader;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A metric reader one service's application pulls from, to summarise the RED metrics it recorded
 * (rate as calls, errors, duration as p50/p95/p99) per operation: core's {@code
 * oteltoolkit.operation.duration} of every traced operation, the HTTP server and client request
 * durations, and otel-toolkit-jdbc's {@code db.client.operation.duration}. Register it with {@code
 * Telemetry.setup().addMetricReader(summary)} and read it before the telemetry is closed.
 *
 * <p>The percentiles are estimated from the histogram buckets as Prometheus' {@code
 * histogram_quantile} does ({@link MergedHistogram}): what a dashboard shows, not exact order
 * statistics.
 */
public final class RedSummary extends PulledMetricReader {

  /** Core's RED histogram of every traced operation. */
  public static final String OPERATION_DURATION = "oteltoolkit.operation.duration";

  /** The HTTP server instrumentation's duration histogram. */
  public static final String HTTP_SERVER_DURATION = "http.server.request.duration";

  /** The HTTP client instrumentation's duration histogram. */
  public static final String HTTP_CLIENT_DURATION = "http.client.request.duration";

  /** otel-toolkit-jdbc's duration histogram. */
  public static final String DB_DURATION = "db.client.operation.duration";

  private static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("oteltoolkit.operation.name");

  /** The duration histograms summarised, in print order, with how each names an operation. */
  private static final Map<String, Function<Attributes, String>> DURATIONS = new LinkedHashMap<>();

  static {
    DURATIONS.put(OPERATION_DURATION, a -> a.get(OPERATION_NAME));
    DURATIONS.put(
        HTTP_SERVER_DURATION,
        a -> a.get(HttpAttributes.HTTP_REQUEST_METHOD) + " " + a.get(HttpAttributes.HTTP_ROUTE));
    DURATIONS.put(
        HTTP_CLIENT_DURATION,
        a ->
            a.get(HttpAttributes.HTTP_REQUEST_METHOD)
                + " "
                + a.get(ServerAttributes.SERVER_ADDRESS));
    DURATIONS.put(
        DB_DURATION,
        a -> {
          String collection = a.get(DbAttributes.DB_COLLECTION_NAME);
          String operation = a.get(DbAttributes.DB_OPERATION_NAME);
          return collection == null ? operation : operation + " " + collection;
        });
  }

  private final String service;

  /**
   * Creates a reader for one service; it reads nothing until registered with that service's SDK.
   *
   * @param service the service's name, printed with its rows
   */
  public RedSummary(String service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  /**
   * Collects the summary of everything recorded so far: one row per metric and operation, every
   * outcome merged, errors (points with {@code error.type}) counted apart.
   *
   * @return the rows, in the order of the metrics above, then of first appearance
   */
  public List<Row> rows() {
    Map<String, Durations> operations = new LinkedHashMap<>();
    Collection<MetricData> metrics = collect();
    for (String name : DURATIONS.keySet()) {
      for (MetricData metric : metrics) {
        if (metric.getName().equals(name) && metric.getType() == MetricDataType.HISTOGRAM) {
          for (HistogramPointData point : metric.getHistogramData().getPoints()) {
            String operation = DURATIONS.get(name).apply(point.getAttributes());
            operations
                .computeIfAbsent(name + "|" + operation, k -> new Durations(name, operation))
                .histogram
                .add(point);
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Durations d : operations.values()) {
      rows.add(
          new Row(
              service,
              d.metric,
              d.operation,
              d.histogram.count(),
              d.histogram.errors(),
              d.histogram.quantile(0.50),
              d.histogram.quantile(0.95),
              d.histogram.quantile(0.99)));
    }
    return rows;
  }

  /**
   * Prints rows as a table, with a header.
   *
   * @param rows rows of one or more services
   * @param out where to print
   */
  public static void print(List<Row> rows, PrintStream out) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-10s %-30s %-24s %5s %12s %9s %9s %9s%n",
            "service",
            "metric",
            "operation",
            "calls",
            "errors",
            "p50",
            "p95",
            "p99"));
    for (Row row : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-10s %-30s %-24s %5d %4d (%4.1f%%) %6.1f ms %6.1f ms %6.1f ms%n",
              row.service(),
              row.metric(),
              row.operation(),
              row.calls(),
              row.errors(),
              100 * row.errorRate(),
              row.p50() * 1000,
              row.p95() * 1000,
              row.p99() * 1000));
    }
    out.print(sb);
    out.flush();
  }

  /**
   * One operation's RED summary.
   *
   * @param service the service that recorded it
   * @param metric the histogram's name
   * @param operation the operation: a traced name, {@code POST /scans}, {@code SELECT
   *     inventory_items}
   * @param calls how many were recorded
   * @param errors how many of them failed
   * @param p50 the estimated median, in seconds
   * @param p95 the estimated 95th percentile, in seconds
   * @param p99 the estimated 99th percentile, in seconds
   */
  public record Row(
      String service,
      String metric,
      String operation,
      long calls,
      long errors,
      double p50,
      double p95,
      double p99) {

    /**
     * Returns the share of calls that failed.
     *
     * @return between 0 and 1
     */
    public double errorRate() {
      return calls == 0 ? 0 : (double) errors / calls;
    }
  }

  /** One operation's merged durations. */
  private static final class Durations {

    final String metric;
    final String operation;
    final MergedHistogram histogram = new MergedHistogram();

    Durations(String metric, String operation) {
      this.metric = metric;
      this.operation = operation;
    }
  }
}
