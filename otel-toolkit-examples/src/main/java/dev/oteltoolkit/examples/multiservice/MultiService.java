package dev.oteltoolkit.examples.multiservice;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.scaffold.FakeChatServer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintStream;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Scenario 5, multi-service with PostgreSQL: two services in one JVM, each with its own {@link
 * Telemetry} and service name. A "scanner" sends warehouse scans over HTTP to an "inventory"
 * server, which queries PostgreSQL through otel-toolkit-jdbc and asks a "restock-advisor" agent
 * (otel-toolkit-ai, its model a fake OpenAI-compatible server called with the official OpenAI SDK).
 * One scan is slow (a recount with {@code pg_sleep}), one fails (a quantity of 0 breaks a CHECK
 * constraint).
 *
 * <p>For each request it prints both services' trace trees and answers "is the time in the network,
 * the logic, the model or the database?" from the trace alone ({@link TimeSplit}); at the end, the
 * p50/p95/p99 and error rate of each service's RED metrics ({@link RedSummary}).
 *
 * <p>The database is the one {@code SCENARIO_JDBC_URL} names (system property or environment
 * variable; default {@value InventoryDatabase#DEFAULT_URL}, user {@code SCENARIO_JDBC_USER},
 * default {@code postgres}). When PostgreSQL does not answer or its driver is not on the classpath,
 * it runs on embedded H2 and says so loudly on stderr.
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl otel-toolkit-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.oteltoolkit.examples.multiservice.MultiService}. With {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} set (or {@code --otlp}) both services also export over OTLP.
 */
public final class MultiService {

  /** The scanner's {@code service.name}. */
  public static final String SCANNER = "scanner";

  /** The server's {@code service.name}. */
  public static final String SERVER = "inventory";

  /** The scans sent, in order: the fourth is slow (recount), the fifth fails (quantity 0). */
  static final List<Scanner.Scan> SCANS =
      List.of(
          new Scanner.Scan("SKU-100", 2, false),
          new Scanner.Scan("SKU-200", 1, false),
          new Scanner.Scan("SKU-300", 5, false),
          new Scanner.Scan("SKU-100", 1, true),
          new Scanner.Scan("SKU-200", 0, false),
          new Scanner.Scan("SKU-300", 2, false),
          new Scanner.Scan("SKU-100", 3, false),
          new Scanner.Scan("SKU-200", 4, false));

  /** How long the server's business rules take per request, unless told otherwise. */
  static final Duration LOGIC_TIME = Duration.ofMillis(15);

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String NODELAY = "sun.net.httpserver.nodelay";

  private MultiService() {}

  /**
   * Runs the scenario.
   *
   * @param args {@code --otlp} to export over OTLP even without {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static void main(String[] args) throws Exception {
    boolean otlp =
        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
            || Arrays.asList(args).contains("--otlp");
    // The JDK HttpServer writes a response's headers and body apart; with Nagle's algorithm on,
    // the client's delayed ACK holds the body back ~40 ms, even on loopback. The trace shows it
    // as network time (run with -Dsun.net.httpserver.nodelay=false to see it); switched off here
    // so that the scenario shows the split of a well-tuned service.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    run(
        Telemetry.setup(),
        Telemetry.setup(),
        otlp,
        InventoryDatabase.configuredUrl(),
        System.out,
        System.err);
  }

  /**
   * Runs the scenario with the telemetry the two builders describe, to which it adds each service's
   * name, the console trees, the exporter and reader it reads the trace and metrics from, and OTLP
   * when asked. Both telemetries are built, not installed, and closed on return.
   *
   * @param scannerSetup the scanner's telemetry builder, perhaps with exporters of its own
   * @param serverSetup the server's telemetry builder, perhaps with exporters of its own
   * @param otlp whether to export over OTLP as well
   * @param jdbcUrl the server's database; a PostgreSQL URL falls back to H2 when unreachable
   * @param out where the trees, splits and summary go
   * @param err where the fallback warning goes
   * @return what the run measured
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static Result run(
      TelemetryBuilder scannerSetup,
      TelemetryBuilder serverSetup,
      boolean otlp,
      String jdbcUrl,
      PrintStream out,
      PrintStream err)
      throws Exception {
    return run(scannerSetup, serverSetup, otlp, jdbcUrl, out, err, () -> LOGIC_TIME);
  }

  /**
   * As {@link #run(TelemetryBuilder, TelemetryBuilder, boolean, String, PrintStream, PrintStream)},
   * with the time the server's business rules take per request given: a latency distribution the
   * caller controls (the scans are served one at a time, in order).
   *
   * @param scannerSetup the scanner's telemetry builder, perhaps with exporters of its own
   * @param serverSetup the server's telemetry builder, perhaps with exporters of its own
   * @param otlp whether to export over OTLP as well
   * @param jdbcUrl the server's database; a PostgreSQL URL falls back to H2 when unreachable
   * @param out where the trees, splits and summary go
   * @param err where the fallback warning goes
   * @param logicTime asked once per request for how long its {@code apply-rules} step works
   * @return what the run measured
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static Result run(
      TelemetryBuilder scannerSetup,
      TelemetryBuilder serverSetup,
      boolean otlp,
      String jdbcUrl,
      PrintStream out,
      PrintStream err,
      Supplier<Duration> logicTime)
      throws Exception {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(logicTime, "logicTime");
    Connection database = InventoryDatabase.connect(jdbcUrl, err);
    try {
      return run(scannerSetup, serverSetup, otlp, database, out, logicTime);
    } catch (Exception | Error e) {
      database.close(); // the server owns it once started, and closes it then
      throw e;
    }
  }

  private static Result run(
      TelemetryBuilder scannerSetup,
      TelemetryBuilder serverSetup,
      boolean otlp,
      Connection database,
      PrintStream out,
      Supplier<Duration> logicTime)
      throws Exception {
    SpanCollector scannerSpans = new SpanCollector();
    SpanCollector serverSpans = new SpanCollector();
    RedSummary scannerMetrics = new RedSummary(SCANNER);
    RedSummary serverMetrics = new RedSummary(SERVER);
    try (Telemetry scannerTelemetry =
            scannerSetup
                .serviceName(SCANNER)
                .console(out)
                .otlp(otlp)
                .addSpanExporter(scannerSpans)
                .addMetricReader(scannerMetrics)
                .build();
        Telemetry serverTelemetry =
            serverSetup
                .serviceName(SERVER)
                .console(out)
                .otlp(otlp)
                .addSpanExporter(serverSpans)
                .addMetricReader(serverMetrics)
                .build();
        FakeChatServer advisorModel = RestockAdvisor.start();
        InventoryServer server =
            InventoryServer.start(serverTelemetry, database, advisorModel.baseUrl(), logicTime)) {
      String databaseName = server.database();
      out.println(
          "otel-toolkit multi-service scenario: a scanner sends "
              + SCANS.size()
              + " scans over"
              + " HTTP to an inventory server backed by "
              + databaseName
              + ". For each: both"
              + " services' trace trees, then where the time went.");
      Scanner scanner = new Scanner(scannerTelemetry, server.scansUri());
      List<TimeSplit> splits = new ArrayList<>();
      int failed = 0;
      for (int i = 0; i < SCANS.size(); i++) {
        Scanner.Scan scan = SCANS.get(i);
        out.printf("%n== scan %d of %d: %s%n", i + 1, SCANS.size(), scan);
        Scanner.Reply reply = scanner.send(scan);
        if (!reply.ok()) {
          failed++;
        }
        // the server's span ends just after the scanner got its answer: wait for both sides
        serverSpans.await(reply.traceId(), MultiService::isServer, serverTelemetry, WAIT);
        scannerSpans.await(reply.traceId(), MultiService::isHttpClient, scannerTelemetry, WAIT);
        List<SpanData> spans = new ArrayList<>(scannerSpans.spans(reply.traceId()));
        spans.addAll(serverSpans.spans(reply.traceId()));
        TimeSplit split = TimeSplit.of(reply.traceId(), spans);
        out.println((reply.ok() ? "ok: " : "FAILED: ") + reply.text());
        if (split == null) {
          out.println("time split: the trace did not arrive in time");
        } else {
          splits.add(split);
          out.println("time split: " + split);
        }
      }
      List<RedSummary.Row> metrics = new ArrayList<>(scannerMetrics.rows());
      metrics.addAll(serverMetrics.rows());
      out.println(
          "\n== RED metrics of both services: calls, errors and p50/p95/p99 estimated from the"
              + " histogram buckets as Prometheus' histogram_quantile does ==");
      RedSummary.print(metrics, out);
      out.println(
          "In a run this short the tail is the first scan, which pays for the JVM warming up"
              + " (class loading, first connections), and the recount's slow query.");
      if (!otlp) {
        out.println(
            "\nTo see both services in a tracing backend, run it again with"
                + " OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 (or -Dexec.args=--otlp).");
      }
      return new Result(databaseName, List.copyOf(splits), List.copyOf(metrics), failed);
    }
  }

  private static boolean isServer(SpanData span) {
    return span.getKind() == SpanKind.SERVER;
  }

  private static boolean isHttpClient(SpanData span) {
    return span.getKind() == SpanKind.CLIENT;
  }

  /**
   * What a run measured.
   *
   * @param database the database the server used, as its driver names it ({@code PostgreSQL 16.4 at
   *     jdbc:postgresql://...} or H2's)
   * @param splits the time split of each request whose trace arrived, in order
   * @param metrics the RED summary rows of the scanner, then of the server
   * @param failed how many scans failed
   */
  public record Result(
      String database, List<TimeSplit> splits, List<RedSummary.Row> metrics, int failed) {}
}
