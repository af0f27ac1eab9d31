package dev.oteltoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/otel-toolkit.json queries only what the toolkit really emits: a small workload
 * (traced operations, GenAI calls, JDBC statements, each also failing) runs with {@code
 * Telemetry.setup().prometheus(port)}, {@code /metrics} is scraped, and every metric and label name
 * in every query of the dashboard must be in the scrape.
 */
class GrafanaDashboardTest {

  private static final Path DASHBOARD = Paths.get("..", "docs", "grafana", "otel-toolkit.json");

  /** Labels Prometheus itself adds to every scraped series; they are not in the exposition. */
  private static final Set<String> SCRAPE_LABELS = Set.of("job", "instance");

  /** The toolkit's metric families, as Prometheus names them; the dashboard must show each. */
  private static final List<String> TOOLKIT_METRICS =
      List.of(
          "oteltoolkit_operation_duration_seconds",
          "gen_ai_client_operation_duration_seconds",
          "gen_ai_client_token_usage",
          "oteltoolkit_gen_ai_cost_USD_total",
          "db_client_operation_duration_seconds");

  private static Map<String, Object> dashboard;

  /** Label names of each series name in the scrape ({@code x_bucket}, {@code x_count}, ...). */
  private static Map<String, Set<String>> scraped;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void readDashboardAndScrapeTheToolkit() throws Exception {
    // strict: a key twice in one object is an error, as Grafana's import would not say
    dashboard =
        new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .readValue(DASHBOARD.toFile(), Map.class);
    scraped = parseExposition(scrapeWorkload());
  }

  @Test
  void everyQueryUsesOnlyMetricsAndLabelsTheToolkitEmits() {
    List<String> queries = queries();
    assertThat(queries).hasSizeGreaterThan(20);
    for (String query : queries) {
      Query read = Query.read(query);
      assertThat(read.metrics).as("metrics of %s", query).isNotEmpty();
      Set<String> labels = new HashSet<>();
      for (String metric : read.metrics) {
        assertThat(scraped).as("metric %s of %s", metric, query).containsKey(metric);
        labels.addAll(scraped.get(metric));
      }
      for (String label : read.labels) {
        if (!SCRAPE_LABELS.contains(label)) {
          assertThat(labels).as("label %s of %s", label, query).contains(label);
        }
      }
    }
  }

  @Test
  void everyMetricTheToolkitEmitsIsOnTheDashboard() {
    Set<String> queried = new TreeSet<>();
    for (String query : queries()) {
      queried.addAll(Query.read(query).metrics);
    }
    for (String family : TOOLKIT_METRICS) {
      assertThat(queried).as("dashboard queries of %s", family).anyMatch(m -> m.startsWith(family));
      assertThat(scraped.keySet()).as("scraped %s", family).anyMatch(m -> m.startsWith(family));
    }
    // histograms: rate from _count, percentiles from _bucket
    assertThat(queried)
        .contains(
            "oteltoolkit_operation_duration_seconds_count",
            "oteltoolkit_operation_duration_seconds_bucket",
            "gen_ai_client_operation_duration_seconds_bucket",
            "gen_ai_client_token_usage_sum",
            "db_client_operation_duration_seconds_bucket");
  }

  @Test
  @SuppressWarnings("unchecked")
  void itImportsWithAPrometheusDataSourceInputUsedByEveryPanelAndVariable() {
    List<Map<String, Object>> inputs = (List<Map<String, Object>>) dashboard.get("__inputs");
    assertThat(inputs)
        .singleElement()
        .satisfies(
            input -> {
              assertThat(input.get("name")).isEqualTo("DS_PROMETHEUS");
              assertThat(input.get("type")).isEqualTo("datasource");
              assertThat(input.get("pluginId")).isEqualTo("prometheus");
            });
    List<Map<String, Object>> withDataSource = new ArrayList<>();
    collect(dashboard.get("panels"), "datasource", withDataSource);
    collect(dashboard.get("templating"), "datasource", withDataSource);
    assertThat(withDataSource).hasSizeGreaterThan(40);
    for (Map<String, Object> element : withDataSource) {
      assertThat((Map<String, Object>) element.get("datasource"))
          .containsEntry("type", "prometheus")
          .containsEntry("uid", "${DS_PROMETHEUS}");
    }

    Set<Object> ids = new HashSet<>();
    for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
      assertThat(ids.add(panel.get("id"))).as("unique id %s", panel.get("id")).isTrue();
      Map<String, Object> grid = (Map<String, Object>) panel.get("gridPos");
      int x = ((Number) grid.get("x")).intValue();
      int w = ((Number) grid.get("w")).intValue();
      assertThat(x + w).as("width of %s", panel.get("title")).isLessThanOrEqualTo(24);
      if (!"row".equals(panel.get("type"))) {
        assertThat((List<Object>) panel.get("targets")).as("%s", panel.get("title")).isNotEmpty();
      }
    }
    assertThat(dashboard).containsEntry("uid", "otel-toolkit");
  }

  @Test
  void theQueryReaderFindsEveryMetricAndLabelName() {
    Query query =
        Query.read(
            "sum by (a, b) (rate(x_count{job=~\"$job\",c!=\"{d}\"}[$__rate_interval])) * 3600\n"
                + " / on(e) group_left y_total");
    assertThat(query.metrics).containsExactly("x_count", "y_total");
    assertThat(query.labels).containsExactly("a", "b", "c", "e", "job");

    Query variable = Query.read("label_values(z_count{job=~\"$job\"}, f)");
    assertThat(variable.metrics).containsExactly("z_count");
    assertThat(variable.labels).containsExactly("f", "job");

    // what the check is for: a name the toolkit does not emit fails it
    assertThat(scraped).doesNotContainKey("oteltoolkit_operation_duration_bucket");
    assertThat(scraped.get("gen_ai_client_token_usage_sum")).doesNotContain("gen_ai_tool_name");
  }

  // ------------------------------------------------------------------------------------ workload

  /** Runs each instrument once successfully and once failing, and returns the scraped text. */
  private static String scrapeWorkload() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceName("dashboard-check")
            .otlp(false)
            .prometheus(port)
            .configProperties(Map.of("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"))
            .build()) {
      telemetry.tracing().traced("load-order", () -> {});
      fails(() -> telemetry.tracing().traced("charge-card", () -> failing()));

      GenAiTelemetry ai = GenAiTelemetry.create(telemetry.openTelemetry());
      ai.chat("openai", "gpt-4o-mini")
          .call(span -> span.responseModel("gpt-4o-mini-2024-07-18").usage(1200, 48));
      fails(() -> ai.chat("openai", "gpt-4o-mini").call(span -> failing()));

      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:dashboard;DB_CLOSE_DELAY=-1");
      DataSource dataSource = JdbcTelemetry.create(telemetry.openTelemetry()).wrap(h2);
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE orders (id INT)");
        statement.executeQuery("SELECT id FROM orders").close();
        fails(() -> statement.executeQuery("SELECT id FROM missing"));
        statement.execute("SHUTDOWN");
      }

      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
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

  /** Series name → label names, from the Prometheus text exposition. */
  private static Map<String, Set<String>> parseExposition(String text) {
    Map<String, Set<String>> series = new TreeMap<>();
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
      Set<String> labels = series.computeIfAbsent(name, k -> new TreeSet<>());
      if (brace >= 0 && brace < space) {
        Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}')));
        while (m.find()) {
          labels.add(m.group(1));
        }
      }
    }
    return series;
  }

  // ------------------------------------------------------------------------------------ dashboard

  /** Every PromQL query of the dashboard: panel targets and template variables. */
  @SuppressWarnings("unchecked")
  private static List<String> queries() {
    List<Map<String, Object>> targets = new ArrayList<>();
    collect(dashboard.get("panels"), "expr", targets);
    List<String> queries = new ArrayList<>();
    for (Map<String, Object> target : targets) {
      queries.add((String) target.get("expr"));
    }
    Map<String, Object> templating = (Map<String, Object>) dashboard.get("templating");
    for (Map<String, Object> variable : (List<Map<String, Object>>) templating.get("list")) {
      Object query = variable.get("query");
      queries.add(
          query instanceof Map
              ? (String) ((Map<String, Object>) query).get("query")
              : (String) query);
    }
    return queries;
  }

  /** Adds every object under {@code node} that has the member {@code key}. */
  @SuppressWarnings("unchecked")
  private static void collect(Object node, String key, List<Map<String, Object>> found) {
    if (node instanceof Map) {
      Map<String, Object> map = (Map<String, Object>) node;
      if (map.containsKey(key)) {
        found.add(map);
      }
      map.values().forEach(value -> collect(value, key, found));
    } else if (node instanceof List) {
      ((List<Object>) node).forEach(value -> collect(value, key, found));
    }
  }

  /** The metric and label names a PromQL expression (or a label_values() query) uses. */
  static final class Query {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern SELECTOR =
        Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)\\}");
    private static final Pattern MATCHER =
        Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING =
        Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern LABEL_VALUES =
        Pattern.compile("(?s)^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)$");
    private static final Pattern IDENTIFIER =
        Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS =
        Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "bool",
            "and",
            "or",
            "unless",
            "offset");

    final Set<String> metrics = new TreeSet<>();
    final Set<String> labels = new TreeSet<>();

    static Query read(String expression) {
      Query query = new Query();
      String text = expression.trim();
      Matcher labelValues = LABEL_VALUES.matcher(text);
      if (labelValues.matches()) {
        query.labels.add(labelValues.group(2));
        text = labelValues.group(1);
      }
      // label values and ranges hold no names
      text = STRING.matcher(text).replaceAll("\"\"");
      text = RANGE.matcher(text).replaceAll("");
      StringBuilder rest = new StringBuilder();
      Matcher selector = SELECTOR.matcher(text);
      while (selector.find()) {
        if (selector.group(1) != null) {
          query.metrics.add(selector.group(1));
        }
        Matcher matcher = MATCHER.matcher(selector.group(2));
        while (matcher.find()) {
          query.labels.add(matcher.group(1));
        }
        selector.appendReplacement(rest, " ");
      }
      selector.appendTail(rest);
      text = rest.toString();
      rest = new StringBuilder();
      Matcher grouping = GROUPING.matcher(text);
      while (grouping.find()) {
        for (String label : grouping.group(1).split(",")) {
          if (!label.isBlank()) {
            query.labels.add(label.trim());
          }
        }
        grouping.appendReplacement(rest, " ");
      }
      grouping.appendTail(rest);
      text = rest.toString();
      // what is left: functions (followed by a parenthesis), keywords, and bare metric names
      Matcher identifier = IDENTIFIER.matcher(text);
      while (identifier.find()) {
        String name = identifier.group();
        boolean function = text.substring(identifier.end()).stripLeading().startsWith("(");
        if (!function && !KEYWORDS.contains(name)) {
          query.metrics.add(name);
        }
      }
      return query;
    }
  }
}
