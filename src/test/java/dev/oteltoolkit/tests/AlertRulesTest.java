package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.core.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The alert rules of {@code docs/prometheus/alerts.yml} query what the toolkit really exports. A
 * workload makes every alerted metric appear (traced operations and GenAI calls, each also failing;
 * a dead collector, so exports fail; a two-span queue, so spans are dropped; a per-trace cap of two
 * held spans, so tail sampling evicts), {@code /metrics} of OpenTelemetry's Prometheus exporter is
 * scraped, and every metric and label name of every rule, and of every synthetic series of the
 * rules' promtool tests ({@code alerts.test.yml}), must be in the scrape. Whether the rules fire is
 * promtool's job ({@code .ci/run} runs {@code promtool test rules}).
 */
@Timeout(120)
class AlertRulesTest {

  private static final Path RULES = Path.of("..", "..", "docs", "prometheus", "alerts.yml");
  private static final Path RULE_TESTS =
      Path.of("..", "..", "docs", "prometheus", "alerts.test.yml");

  /** Labels Prometheus adds to every scraped series (or the Collector, from the resource). */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  /** Series name → label names, from the scrapes of the workload. */
  private static Map<String, Set<String>> scraped;

  @BeforeAll
  static void scrapeTheWorkload() throws Exception {
    scraped = new TreeMap<>();
    parseExposition(operationsGenAiDroppedSpansAndFailedExports(), scraped);
    parseExposition(tailSamplingEvictions(), scraped);
  }

  @Test
  void everyRuleQueriesOnlyMetricsAndLabelsTheToolkitExports() throws IOException {
    List<Map<String, Object>> rules = rules();
    assertThat(rules)
        .extracting(rule -> rule.get("alert"))
        .containsExactlyInAnyOrder(
            "OtelToolkitOperationErrorRatioHigh",
            "OtelToolkitOperationLatencyP95High",
            "OtelToolkitGenAiLatencyHigh",
            "OtelToolkitGenAiCostOverBudget",
            "OtelToolkitSpansDropped",
            "OtelToolkitTailSamplingEvictions",
            "OtelToolkitExportFailing");
    for (Map<String, Object> rule : rules) {
      String expr = (String) rule.get("expr");
      Query query = Query.read(expr);
      assertThat(query.metrics).as("metrics of %s", rule.get("alert")).isNotEmpty();
      Set<String> labels = new TreeSet<>();
      for (String metric : query.metrics) {
        assertThat(scraped).as("metric %s of %s", metric, rule.get("alert")).containsKey(metric);
        labels.addAll(scraped.get(metric));
      }
      for (String label : query.labels) {
        if (!TARGET_LABELS.contains(label)) {
          assertThat(labels).as("label %s of %s", label, rule.get("alert")).contains(label);
        }
      }
      // every label the annotations print is one the alert keeps
      Matcher printed =
          Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)")
              .matcher(String.valueOf(rule.get("annotations")));
      while (printed.find()) {
        assertThat(query.grouping)
            .as("printed label of %s", rule.get("alert"))
            .contains(printed.group(1));
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everySyntheticSeriesOfTheRuleTestsIsOneTheToolkitExports() throws IOException {
    Map<String, Object> tests = load(RULE_TESTS);
    List<String> series = new ArrayList<>();
    for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
      for (Map<String, Object> input : (List<Map<String, Object>>) test.get("input_series")) {
        series.add((String) input.get("series"));
      }
    }
    assertThat(series).hasSizeGreaterThan(30);
    Pattern selector = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)}$");
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    for (String one : series) {
      Matcher m = selector.matcher(one);
      assertThat(m.matches()).as("series %s", one).isTrue();
      assertThat(scraped).as("series %s", one).containsKey(m.group(1));
      Matcher labels = label.matcher(m.group(2));
      while (labels.find()) {
        if (!TARGET_LABELS.contains(labels.group(1))) {
          assertThat(scraped.get(m.group(1)))
              .as("label %s of %s", labels.group(1), one)
              .contains(labels.group(1));
        }
      }
    }
  }

  @Test
  void theQueryReaderFindsEveryMetricAndLabelName() {
    Query query =
        Query.read(
            "(sum by (a, b) (rate(x_count{c!=\"{d}\"}[5m])) / sum by (a, b) (rate(x_count[5m])))"
                + " > 0.05 # threshold: ratio\n"
                + "and on (a, b) histogram_quantile(0.95, sum by (a, le) (rate(y_bucket[5m])))");
    assertThat(query.metrics).containsExactly("x_count", "y_bucket");
    assertThat(query.labels).containsExactly("a", "b", "c", "le");
    assertThat(query.grouping).containsExactly("a", "b", "le");
    // what the check is for: a name the toolkit does not export fails it
    assertThat(scraped).doesNotContainKey("oteltoolkit_operation_duration_bucket");
    assertThat(scraped).doesNotContainKey("otel_sdk_processor_span_processed_total");
    assertThat(scraped.get("oteltoolkit_operation_duration_seconds_count"))
        .contains("oteltoolkit_operation_name", "error_type")
        .doesNotContain("operation");
  }

  // ------------------------------------------------------------------------------------ workload

  /**
   * Traced operations and GenAI calls (ok and failing) with every span sampled, exported over
   * OTLP/HTTP to a port where nothing listens through a queue of two spans: exports fail and spans
   * overflow the queue.
   */
  private static String operationsGenAiDroppedSpansAndFailedExports() throws Exception {
    int port = freePort();
    int dead = freePort();
    Telemetry telemetry =
        Telemetry.setup()
            .serviceName("alerts-check")
            .endpoint("http://127.0.0.1:" + dead)
            .protocol("http/protobuf")
            .prometheus(port)
            .configProperties(
                Map.of(
                    "OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1",
                    "OTEL_BSP_MAX_QUEUE_SIZE", "2",
                    "OTEL_EXPORTER_OTLP_TIMEOUT", "2000",
                    // one failed attempt is enough to be counted; retries only take time
                    "otel.java.exporter.otlp.retry.disabled", "true",
                    "OTEL_LOGS_EXPORTER", "none"))
            .build();
    try {
      for (int i = 0; i < 200; i++) {
        telemetry.tracing().traced("load-order", () -> {});
      }
      fails(() -> telemetry.tracing().traced("charge-card", () -> failing()));
      GenAiTelemetry ai = GenAiTelemetry.create(telemetry.openTelemetry());
      ai.chat("openai", "gpt-4o-mini")
          .call(span -> span.responseModel("gpt-4o-mini-2024-07-18").usage(1200, 48));
      fails(() -> ai.chat("openai", "gpt-4o-mini").call(span -> failing()));
      // returns once the export of what is queued has failed, so the failure is counted
      assertThat(telemetry.forceFlush(Duration.ofSeconds(60))).isFalse();
      return scrape(port);
    } finally {
      // nothing can be exported: do not wait for it
      telemetry.shutdown(Duration.ofSeconds(1));
    }
  }

  /**
   * Head sampling drops everything, tail sampling holds failures: a tree over the cap is evicted.
   */
  private static String tailSamplingEvictions() throws Exception {
    int port = freePort();
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceName("alerts-check")
            .otlp(false)
            .prometheus(port)
            .samplingRatio(0.0)
            .keepErrors(true)
            .configProperties(
                Map.of(
                    "OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1",
                    "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS_PER_TRACE", "2"))
            .build()) {
      fails(() -> telemetry.tracing().traced("import-batch", () -> failing()));
      telemetry
          .tracing()
          .traced(
              "rebuild-index",
              () -> {
                for (int i = 0; i < 5; i++) {
                  telemetry.tracing().traced("index-shard", () -> {});
                }
              });
      assertThat(telemetry.forceFlush(Duration.ofSeconds(30))).isTrue();
      return scrape(port);
    }
  }

  private static Object failing() throws IOException {
    throw new IOException("down");
  }

  private static void fails(Body body) {
    try {
      body.run();
    } catch (Exception expected) {
      return;
    }
    throw new AssertionError("expected a failure");
  }

  private interface Body {
    void run() throws Exception;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** Adds series name → label names from the Prometheus text exposition. */
  private static void parseExposition(String text, Map<String, Set<String>> series) {
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      boolean hasLabels = brace >= 0 && brace < space;
      String name = line.substring(0, hasLabels ? brace : space);
      Set<String> labels = series.computeIfAbsent(name, k -> new TreeSet<>());
      if (hasLabels) {
        Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}')));
        while (m.find()) {
          labels.add(m.group(1));
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------ rules

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules() throws IOException {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) load(RULES).get("groups")) {
      rules.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return rules;
  }

  private static Map<String, Object> load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }

  /** The metric and label names a PromQL expression uses. */
  static final class Query {

    private static final Pattern COMMENT = Pattern.compile("#[^\\n]*");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)\\}");
    private static final Pattern MATCHER =
        Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING =
        Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENTIFIER =
        Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** The PromQL functions, aggregations and keywords the rules use; anything else is a metric. */
    private static final Set<String> PROMQL =
        Set.of(
            "sum",
            "max",
            "min",
            "avg",
            "count",
            "rate",
            "increase",
            "histogram_quantile",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset");

    final Set<String> metrics = new LinkedHashSet<>();
    final Set<String> labels = new TreeSet<>();

    /** Labels named in by/on clauses: the ones an alert keeps. */
    final Set<String> grouping = new TreeSet<>();

    static Query read(String expr) {
      Query query = new Query();
      String text = COMMENT.matcher(expr).replaceAll(" ");
      text = STRING.matcher(text).replaceAll("\"\"");
      text = RANGE.matcher(text).replaceAll(" ");
      Matcher selectors = MATCHERS.matcher(text);
      while (selectors.find()) {
        Matcher m = MATCHER.matcher(selectors.group(1));
        while (m.find()) {
          query.labels.add(m.group(1));
        }
      }
      text = MATCHERS.matcher(text).replaceAll(" ");
      Matcher groupings = GROUPING.matcher(text);
      while (groupings.find()) {
        for (String name : groupings.group(1).split(",")) {
          if (!name.isBlank()) {
            query.labels.add(name.trim());
            query.grouping.add(name.trim());
          }
        }
      }
      text = GROUPING.matcher(text).replaceAll(" ");
      Matcher identifiers = IDENTIFIER.matcher(text);
      Map<String, Boolean> seen = new HashMap<>();
      while (identifiers.find()) {
        String name = identifiers.group();
        if (!PROMQL.contains(name) && seen.putIfAbsent(name, Boolean.TRUE) == null) {
          query.metrics.add(name);
        }
      }
      return query;
    }
  }
}
