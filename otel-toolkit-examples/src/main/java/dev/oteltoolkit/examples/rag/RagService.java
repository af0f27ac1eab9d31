package dev.oteltoolkit.examples.rag;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.demo.MetricsSummary;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Scenario: a RAG query service with metrics. Each query goes through an embedding cache check, an
 * embedding call on a miss, a cosine-similarity search over a small in-memory vector store and an
 * LLM answer (embedding and chat models are in-process fakes with real-shaped usage). Besides the
 * trace tree of every query it records metrics: the query duration histogram ({@code
 * oteltoolkit.operation.duration} of {@code rag_query}), the application's own embedding cache hit
 * and miss counters, tokens by type, and errors by stage (one query fails in the search).
 *
 * <p>The metrics are served for Prometheus on {@code /metrics} ({@code .prometheus(port)}) when
 * {@code io.opentelemetry:opentelemetry-exporter-prometheus} is on the classpath, and the trees
 * print to the console for development. Then the same queries run again with telemetry off, the
 * {@code OTEL_ENABLED=false} rollback: the same code and answers, no telemetry.
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl otel-toolkit-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.oteltoolkit.examples.rag.RagService}; with {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} set (or {@code --otlp}) it also exports over OTLP. With {@code
 * --serve} it keeps {@code /metrics} up after the queries, for Prometheus or {@code curl} to
 * scrape, until a line is entered (or standard input ends).
 */
public final class RagService {

  /**
   * The queries {@link #main} asks: two repeated (embedding cache hits), one with no word to search
   * for (fails in the {@code search} stage).
   */
  public static final List<String> QUERIES =
      List.of(
          "How do I reset my password?",
          "What is your refund policy?",
          "How do I reset my password?",
          "Which regions do you ship to?",
          "???",
          "What is your refund policy?");

  /**
   * The line {@code --serve} prints, followed by the endpoint's URL, when {@code /metrics} waits.
   */
  public static final String SERVING = "serving Prometheus metrics at ";

  /** The instrumentation scope of the service's own metrics (the embedding cache, stage errors). */
  public static final String SCOPE = "dev.oteltoolkit.examples.rag";

  private static final String PROMETHEUS_SERVER =
      "io.opentelemetry.exporter.prometheus.PrometheusHttpServer";

  private RagService() {}

  /**
   * Runs the scenario.
   *
   * @param args {@code --otlp} to export over OTLP even without {@code
   *     OTEL_EXPORTER_OTLP_ENDPOINT}; {@code --serve} to keep {@code /metrics} up until a line is
   *     entered
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static void main(String[] args) throws Exception {
    boolean otlp =
        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
            || Arrays.asList(args).contains("--otlp");
    boolean serve = Arrays.asList(args).contains("--serve");
    PrintStream out = System.out;
    MetricsSummary metrics = new MetricsSummary();
    boolean prometheus = prometheusOnClasspath();
    int port = prometheus ? freePort() : 0;
    TelemetryBuilder setup =
        Telemetry.setup()
            .serviceName("rag-service")
            .serviceVersion("0.1.0")
            .environment("local")
            .console()
            .otlp(otlp)
            .addMetricReader(metrics);
    if (prometheus) {
      setup.prometheus(port);
    }
    List<RagAnswer> answers;
    try (Telemetry telemetry = setup.build()) {
      out.println(
          "otel-toolkit scenario: a RAG query service (cache check → embed → vector search →"
              + " answer), "
              + QUERIES.size()
              + " queries, the fifth failing in the search.");
      answers = run(telemetry, QUERIES, out);
      telemetry.forceFlush();
      metrics.print(out);
      printOwnMetrics(metrics.collect(), out);
      if (prometheus) {
        scrape(port, out);
        if (serve) {
          out.println(SERVING + "http://127.0.0.1:" + port + "/metrics (press Enter to stop)");
          out.flush();
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
      } else {
        out.println(
            "\n(no Prometheus endpoint: add io.opentelemetry:opentelemetry-exporter-prometheus to"
                + " the classpath and .prometheus(port) serves /metrics)");
      }
    }

    out.println(
        "\n== the rollback path: the same queries with telemetry off (OTEL_ENABLED=false, or"
            + " .enabled(false) in code): no trees, no metrics, the same answers");
    try (Telemetry off = Telemetry.setup().enabled(false).console().otlp(otlp).build()) {
      List<RagAnswer> again = run(off, QUERIES, out);
      boolean same = true;
      for (int i = 0; i < answers.size(); i++) {
        same &= Objects.equals(answers.get(i).answer(), again.get(i).answer());
      }
      out.println(same ? "same answers with telemetry off" : "ANSWERS DIFFER with telemetry off");
    }
    if (!otlp) {
      out.println(
          "\nTo see the same in a tracing backend, run it again with"
              + " OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 (or -Dexec.args=--otlp).");
    }
  }

  /**
   * Answers {@code queries} one after the other with the telemetry given (on or off), printing one
   * line per query to {@code out}. The service is built on {@code telemetry}'s OpenTelemetry: its
   * tracing, GenAI calls and own metrics; the telemetry stays open.
   *
   * @param telemetry the telemetry to record with
   * @param queries the questions
   * @param out where to print
   * @return the answers, in order; a failed query has a null answer and its failed stage
   */
  public static List<RagAnswer> run(Telemetry telemetry, List<String> queries, PrintStream out) {
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(out, "out");
    GenAiTelemetry ai =
        GenAiTelemetry.builder(telemetry.openTelemetry()).priceTable(PriceTable.defaults()).build();
    Embedder embedder = new Embedder();
    RagPipeline pipeline =
        new RagPipeline(
            telemetry.tracing(),
            ai,
            telemetry.openTelemetry().getMeter(SCOPE),
            embedder,
            VectorStore.helpCenter(embedder));
    List<RagAnswer> answers = new ArrayList<>();
    for (String query : queries) {
      RagAnswer answer = pipeline.ask(query);
      answers.add(answer);
      out.printf(
          Locale.ROOT,
          "%-32s %-15s %s%n",
          '"' + query + '"',
          answer.cacheHit() ? "[cache hit]" : "[cache miss]",
          answer.failedStage() == null
              ? answer.answer()
              : "FAILED in stage " + answer.failedStage());
    }
    return answers;
  }

  private static void printOwnMetrics(Collection<MetricData> metrics, PrintStream out) {
    StringBuilder sb = new StringBuilder("the service's own metrics:");
    for (MetricData metric : metrics) {
      if (!metric.getInstrumentationScopeInfo().getName().equals(SCOPE)) {
        continue;
      }
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        sb.append(' ').append(metric.getName());
        point
            .getAttributes()
            .forEach(
                (key, value) ->
                    sb.append('{').append(key.getKey()).append('=').append(value).append('}'));
        sb.append('=').append(point.getValue());
      }
    }
    out.println(sb);
  }

  private static void scrape(int port, PrintStream out) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    out.println("\nPrometheus scrapes " + uri + "; its rag_ and query-duration lines now:");
    response
        .body()
        .lines()
        .filter(
            line ->
                line.startsWith("rag_")
                    || line.startsWith("oteltoolkit_operation_duration_seconds_count")
                        && line.contains("rag_query"))
        .forEach(line -> out.println("  " + line));
  }

  private static boolean prometheusOnClasspath() {
    try {
      Class.forName(PROMETHEUS_SERVER, false, RagService.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
