package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.examples.rag.RagService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RAG scenario as a user runs it: its {@code main} in a JVM of its own (with {@code --serve},
 * which keeps {@code /metrics} up after the queries), its Prometheus endpoint scraped over HTTP as
 * Prometheus would, and the console trees it printed read line by line.
 */
@Timeout(120)
class RagMainScrapeTest {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern HEADER =
      Pattern.compile("^trace ([0-9a-f]{32})  service=rag-service$");
  private static final Pattern TOTAL_INPUT =
      Pattern.compile("oteltoolkit\\.gen_ai\\.total\\.input_tokens=(\\d+)");

  private Process child;

  @AfterEach
  void stop() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
  }

  @Test
  void mainServesItsMetricsToPrometheusAndPrintsOneTreePerQuery(@TempDir Path dir)
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-cp",
                classPath,
                RagService.class.getName(),
                "--serve")
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    child = builder.start();

    // everything main printed until it waits with /metrics up
    List<String> printed = new ArrayList<>();
    String url = null;
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(RagService.SERVING)) {
        url = line.substring(RagService.SERVING.length()).split(" ")[0];
        break;
      }
      printed.add(line);
    }
    assertThat(url)
        .as(
            "main printed no endpoint; stdout:%n%s%nstderr:%n%s",
            String.join("\n", printed), Files.readString(dir.resolve("stderr.txt")))
        .isNotNull();

    HttpResponse<String> scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    List<Sample> samples = parse(scrape.body());
    String body = scrape.body();

    // the application's own counters: 2 embedding cache hits, 4 misses, 1 error in "search"
    assertThat(value(samples, body, "rag_embedding_cache_hits_total", Map.of())).isEqualTo(2);
    assertThat(value(samples, body, "rag_embedding_cache_misses_total", Map.of())).isEqualTo(4);
    assertThat(value(samples, body, "rag_stage_errors_total", Map.of("rag_stage", "search")))
        .isEqualTo(1);
    assertThat(select(samples, "rag_stage_errors_total", Map.of())).hasSize(1);
    // the query duration histogram: 5 answered, 1 failed with its error type
    assertThat(
            value(
                samples,
                body,
                "oteltoolkit_operation_duration_seconds_count",
                Map.of("oteltoolkit_operation_name", "rag_query", "error_type", "")))
        .isEqualTo(5);
    assertThat(
            value(
                samples,
                body,
                "oteltoolkit_operation_duration_seconds_count",
                Map.of(
                    "oteltoolkit_operation_name",
                    "rag_query",
                    "error_type",
                    "java.lang.IllegalArgumentException")))
        .isEqualTo(1);
    // tokens by type and operation, the GenAI histogram's sums: the fakes count deterministic
    // tokens (4 embedding calls, 5 answers; the cache hits skip the embedding)
    assertThat(
            value(
                samples,
                body,
                "gen_ai_client_token_usage_sum",
                Map.of("gen_ai_token_type", "input", "gen_ai_operation_name", "embeddings")))
        .isEqualTo(23);
    assertThat(
            value(
                samples,
                body,
                "gen_ai_client_token_usage_count",
                Map.of("gen_ai_token_type", "input", "gen_ai_operation_name", "embeddings")))
        .isEqualTo(4);
    assertThat(
            value(
                samples,
                body,
                "gen_ai_client_token_usage_sum",
                Map.of("gen_ai_token_type", "input", "gen_ai_operation_name", "chat")))
        .isEqualTo(325);
    assertThat(
            value(
                samples,
                body,
                "gen_ai_client_token_usage_sum",
                Map.of("gen_ai_token_type", "output", "gen_ai_operation_name", "chat")))
        .isEqualTo(216);
    assertThat(
            value(
                samples,
                body,
                "gen_ai_client_token_usage_count",
                Map.of("gen_ai_token_type", "output", "gen_ai_operation_name", "chat")))
        .isEqualTo(5);
    double inputTokens =
        sum(samples, "gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", "input"));

    // the console: one tree per query, the rag_query root on top of its stages
    Map<String, List<String>> trees = trees(printed);
    assertThat(trees).as(String.join("\n", printed)).hasSize(RagService.QUERIES.size());
    long totalInputPrinted = 0;
    int failed = 0;
    for (List<String> tree : trees.values()) {
      String root = tree.get(0);
      assertThat(root).startsWith("rag_query  ");
      List<String> stages =
          tree.subList(1, tree.size()).stream()
              .filter(l -> l.startsWith("├─ ") || l.startsWith("└─ "))
              .map(l -> l.substring(3).split("  ")[0])
              .toList();
      if (root.contains("  ERROR")) {
        failed++;
        assertThat(stages)
            .containsExactly(
                "cache_check", "embeddings text-embedding-3-small", "retrieval help-center");
        assertThat(String.join("\n", tree))
            .contains("error.type=java.lang.IllegalArgumentException");
      } else {
        assertThat(stages).last().isEqualTo("chat gpt-4o-mini");
        assertThat(stages).first().isEqualTo("cache_check");
      }
      Matcher total = TOTAL_INPUT.matcher(root);
      if (total.find()) {
        totalInputPrinted += Long.parseLong(total.group(1));
      }
    }
    assertThat(failed).isEqualTo(1);
    // the totals printed on the roots add up to what Prometheus was served
    assertThat((double) totalInputPrinted).isEqualTo(inputTokens);

    OutputStream in = child.getOutputStream();
    in.write('\n');
    in.flush();
    // the rest of its output, up to its exit
    String rest = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("main returned after Enter").isTrue();
    assertThat(child.exitValue()).isZero();
    assertThat(rest).contains("same answers with telemetry off");
  }

  /** The trees main printed, by trace id: each a root line, then its indented children. */
  private static Map<String, List<String>> trees(List<String> printed) {
    Map<String, List<String>> trees = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : printed) {
      Matcher header = HEADER.matcher(line);
      if (header.matches()) {
        current = new ArrayList<>();
        trees.put(header.group(1), current);
      } else if (current != null
          && (current.isEmpty()
              || line.startsWith("├─")
              || line.startsWith("└─")
              || line.startsWith(" ")
              || line.startsWith("│"))) {
        if (!line.isBlank()) {
          current.add(line);
        }
      } else {
        current = null;
      }
    }
    return trees;
  }

  /** One sample of the Prometheus text format. */
  private record Sample(String name, Map<String, String> labels, double value) {}

  private static List<Sample> parse(String body) {
    List<Sample> samples = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
    }
    return samples;
  }

  /** The samples named {@code name} whose labels include {@code labels} ("" = label absent). */
  private static List<Sample> select(
      List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(
            s ->
                labels.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(s.labels().getOrDefault(e.getKey(), ""))))
        .toList();
  }

  private static double value(
      List<Sample> samples, String body, String name, Map<String, String> labels) {
    List<Sample> selected = select(samples, name, labels);
    assertThat(selected).as("%s%s in%n%s", name, labels, body).hasSize(1);
    return selected.get(0).value();
  }

  private static double sum(List<Sample> samples, String name, Map<String, String> labels) {
    return select(samples, name, labels).stream().mapToDouble(Sample::value).sum();
  }
}
