package dev.oteltoolkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart is {@link ReadmeQuickstart}'s code, and running it logs what the README
 * says: no ids before the span, the span's ids inside it.
 */
class ReadmeQuickstartTest {

  private static final Path SOURCE =
      Path.of("src/test/java/dev/oteltoolkit/logging/ReadmeQuickstart.java");

  @Test
  void theReadmeShowsReadmeQuickstartsCode() throws IOException {
    List<String> readme = firstJavaBlock(Files.readAllLines(Path.of("README.md")));
    List<String> source = Files.readAllLines(SOURCE);

    List<String> expected = new ArrayList<>();
    for (String line : source) {
      if (line.startsWith("import ")) {
        expected.add(line);
      }
    }
    expected.add("");
    // the members, one level less indented, in the README's class Checkout
    int body = source.indexOf("final class ReadmeQuickstart {");
    assertThat(body).isNotNegative();
    for (String line : source.subList(body + 1, source.size())) {
      boolean member = line.startsWith("  ") || line.isEmpty();
      if (member && !line.contains("private ReadmeQuickstart()")) {
        expected.add(
            line.isEmpty() ? "" : line.substring(2).replace("ReadmeQuickstart", "Checkout"));
      }
    }
    assertThat(String.join("\n", readme).strip()).isEqualTo(normalize(expected));
  }

  @Test
  void runningItLogsWithoutIdsThenWithTheSpansIds() {
    Map<String, String> noExport =
        Map.of(
            "otel.traces.exporter", "none",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");
    noExport.forEach(System::setProperty);
    GlobalOpenTelemetry.resetForTest();
    InMemoryLogbackAppender.drain();
    try {
      ReadmeQuickstart.main(new String[0]);
    } finally {
      GlobalOpenTelemetry.resetForTest();
      noExport.keySet().forEach(System::clearProperty);
    }

    List<LogLine> lines = InMemoryLogbackAppender.drain();
    assertThat(lines)
        .extracting(LogLine::text)
        .hasSize(2)
        .satisfiesExactly(
            starting -> assertThat(starting).isEqualTo("trace_id= span_id= trace_flags= starting"),
            charging ->
                assertThat(charging)
                    .matches(
                        "trace_id=[0-9a-f]{32} span_id=[0-9a-f]{16} trace_flags=03"
                            + " charging order 42")
                    .doesNotContain("trace_id=00000000000000000000000000000000"));
  }

  /** The lines of the README's first java block. */
  private static List<String> firstJavaBlock(List<String> readme) {
    int start = readme.indexOf("```java");
    assertThat(start).as("a java block in README.md").isNotNegative();
    int end = readme.subList(start + 1, readme.size()).indexOf("```") + start + 1;
    return readme.subList(start + 1, end);
  }

  /** Collapses the blank lines left where the source's private constructor was. */
  private static String normalize(List<String> lines) {
    List<String> kept = new ArrayList<>();
    for (String line : lines) {
      if (line.isEmpty() && !kept.isEmpty() && kept.get(kept.size() - 1).isEmpty()) {
        continue;
      }
      kept.add(line);
    }
    return String.join("\n", kept).strip();
  }
}
