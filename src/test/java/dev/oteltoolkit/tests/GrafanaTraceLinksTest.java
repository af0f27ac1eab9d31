package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Grafana dashboard's links from its panels to the traces behind them ({@code
 * docs/grafana/otel-toolkit.json}): every panel that breaks a metric down by operation, model,
 * error type or statement links to Grafana Explore on the tracing data source (uid {@code tempo})
 * with a TraceQL query; each link only uses series labels its panel's queries keep, and only span
 * attributes the toolkit records. Which metric and label names the panels query is checked against
 * a real scrape by {@code GrafanaDashboardTest} (otel-toolkit-examples).
 */
class GrafanaTraceLinksTest {

  private static final Path DASHBOARD = Path.of("..", "..", "docs", "grafana", "otel-toolkit.json");
  private static final String EXPLORE = "/explore?schemaVersion=1&orgId=1&panes=";
  private static final Pattern FIELD_LABEL =
      Pattern.compile("\\$\\{__field\\.labels\\.([a-zA-Z_][a-zA-Z0-9_]*)(?::percentencode)?}");
  private static final Pattern GROUPING = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
  private static final Pattern SPAN_ATTRIBUTE = Pattern.compile("\\bspan\\.([a-z_.]+)");

  /** The span attributes the links may filter on: attributes the toolkit's spans carry. */
  private static final Set<String> RECORDED =
      Set.of(
          ErrorAttributes.ERROR_TYPE.getKey(),
          GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL.getKey(),
          GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME.getKey(),
          "gen_ai.usage.cost",
          DbAttributes.DB_OPERATION_NAME.getKey(),
          DbAttributes.DB_COLLECTION_NAME.getKey(),
          DbAttributes.DB_SYSTEM_NAME.getKey(),
          DbAttributes.DB_RESPONSE_STATUS_CODE.getKey());

  private static List<Map<String, Object>> panels;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void readDashboard() throws IOException {
    try (InputStream in = Files.newInputStream(DASHBOARD)) {
      Map<String, Object> dashboard = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      panels = (List<Map<String, Object>>) dashboard.get("panels");
    }
  }

  @Test
  void everyPanelThatBreaksAMetricDownLinksToItsTraces() {
    List<String> linked = new ArrayList<>();
    for (Map<String, Object> panel : panels) {
      Set<String> kept = keptLabels(panel);
      kept.remove("le");
      if (!kept.isEmpty()) {
        assertThat(links(panel)).as("links of %s", panel.get("title")).isNotEmpty();
        linked.add((String) panel.get("title"));
      } else {
        assertThat(links(panel)).as("links of %s", panel.get("title")).isEmpty();
      }
    }
    assertThat(linked).hasSize(12);
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachLinkOpensATraceQlQueryOnTheTracingDataSourceOverTheDashboardsTimeRange() {
    int links = 0;
    for (Map<String, Object> panel : panels) {
      for (Map<String, Object> link : links(panel)) {
        links++;
        String url = (String) link.get("url");
        assertThat(url).startsWith(EXPLORE);
        assertThat(link).containsEntry("targetBlank", true);
        Map<String, Object> panes = panes(url);
        Map<String, Object> pane = (Map<String, Object>) panes.get("traces");
        assertThat(pane)
            .containsEntry("datasource", "tempo")
            .containsEntry("range", Map.of("from", "${__from}", "to", "${__to}"));
        Map<String, Object> query = ((List<Map<String, Object>>) pane.get("queries")).get(0);
        assertThat(query)
            .containsEntry("queryType", "traceql")
            .containsEntry("datasource", Map.of("type", "tempo", "uid", "tempo"));
        String traceQl = (String) query.get("query");
        assertThat(traceQl).as("%s", panel.get("title")).startsWith("{ ").endsWith(" }");

        // only labels every query of the panel keeps, so every series fills them in
        Set<String> kept = keptLabels(panel);
        Matcher used = FIELD_LABEL.matcher(traceQl + " " + link.get("title"));
        while (used.find()) {
          assertThat(kept).as("label of a link of %s", panel.get("title")).contains(used.group(1));
        }
        // inside the query, label values are percent-encoded (the whole pane is decoded once)
        assertThat(traceQl.replaceAll("\\$\\{__field\\.labels\\.[a-z_]+:percentencode}", ""))
            .doesNotContain("${__field");
        // only span attributes the toolkit records
        Matcher attributes = SPAN_ATTRIBUTE.matcher(traceQl);
        while (attributes.find()) {
          assertThat(RECORDED).as("attribute of %s", traceQl).contains(attributes.group(1));
        }
      }
    }
    assertThat(links).isEqualTo(13);
  }

  @Test
  void aDurationPanelLinksToTheTracesSlowerThanTheValueClicked() {
    Map<String, Object> p95 = panel("Duration p95 by operation");
    String traceQl = traceQl(links(p95).get(0));
    assertThat(traceQl)
        .isEqualTo(
            "{ name = \"${__field.labels.oteltoolkit_operation_name:percentencode}\""
                + " && duration >= ${__value.raw}s }");
    assertThat(traceQl(links(panel("Error ratio by operation")).get(0)))
        .isEqualTo(
            "{ name = \"${__field.labels.oteltoolkit_operation_name:percentencode}\""
                + " && status = error }");
  }

  private static Map<String, Object> panel(String title) {
    return panels.stream().filter(p -> title.equals(p.get("title"))).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static String traceQl(Map<String, Object> link) {
    Map<String, Object> pane = (Map<String, Object>) panes((String) link.get("url")).get("traces");
    return (String) ((List<Map<String, Object>>) pane.get("queries")).get(0).get("query");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> links(Map<String, Object> panel) {
    Map<String, Object> fieldConfig = (Map<String, Object>) panel.get("fieldConfig");
    if (fieldConfig == null) {
      return List.of();
    }
    Object links = ((Map<String, Object>) fieldConfig.get("defaults")).get("links");
    return links == null ? List.of() : (List<Map<String, Object>>) links;
  }

  /** The labels every query of the panel keeps ({@code by (...)} in each of them). */
  @SuppressWarnings("unchecked")
  private static Set<String> keptLabels(Map<String, Object> panel) {
    List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.get("targets");
    Set<String> common = null;
    for (Map<String, Object> target : targets == null ? List.<Map<String, Object>>of() : targets) {
      Set<String> labels = new TreeSet<>();
      Matcher by = GROUPING.matcher((String) target.get("expr"));
      while (by.find()) {
        for (String name : by.group(1).split(",")) {
          labels.add(name.trim());
        }
      }
      if (common == null) {
        common = labels;
      } else {
        common.retainAll(labels);
      }
    }
    return common == null ? new TreeSet<>() : common;
  }

  /** The Explore state of a link: the {@code panes} parameter, decoded once, as JSON. */
  private static Map<String, Object> panes(String url) {
    String encoded = url.substring(EXPLORE.length());
    String json = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(json);
  }
}
