package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.readme.CodeBlock;
import dev.oteltoolkit.readme.ReadmeSnippets;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's quickstart compiles, runs, and is the code between the markers below. */
class ReadmeExampleTest {

  private static final String BEGIN = "// README-BEGIN";
  private static final String END = "// README-END";

  /** Stand-ins for the user's own model client. */
  record ChatResponse(String id, String model, String text, long inputTokens, long outputTokens) {}

  interface ChatClient {
    ChatResponse chat(String question);
  }

  private final TestSdk otel = new TestSdk();
  private final ChatClient client =
      question -> new ChatResponse("chatcmpl-1", "gpt-4o-mini-2024-07-18", "Traces.", 1200, 48);

  @AfterEach
  void tearDown() {
    otel.close();
  }

  String quickstart(OpenTelemetry openTelemetry) {
    // README-BEGIN
    GenAiTelemetry ai = GenAiTelemetry.builder(openTelemetry)
        .requestBudgetUsd(new BigDecimal("0.50"))   // per request; optional
        .build();

    String answer = ai.chat("openai", "gpt-4o-mini")
        .temperature(0.2)
        .call(span -> {
          ChatResponse response = client.chat("What is OpenTelemetry?");  // any client
          span.responseModel(response.model())
              .responseId(response.id())
              .usage(response.inputTokens(), response.outputTokens());
          return response.text();
        });
    // README-END
    return answer;
  }

  @Test
  void theQuickstartRecordsACostedChatSpan() {
    String answer = Tracing.create(otel.sdk).traced("request", () -> quickstart(otel.sdk));
    assertThat(answer).isEqualTo("Traces.");
    // the bundled price of gpt-4o-mini: USD 0.15 input, 0.60 output per million tokens, so
    // (1200 * 0.15 + 48 * 0.60) / 1e6
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(GenAiAttributes.GEN_AI_USAGE_COST))
        .isEqualTo(0.0002088);
    assertThat(otel.span("request").getAttributes().get(GenAiAttributes.TOTAL_COST))
        .isEqualTo(0.0002088);
    assertThat(otel.span("request").getAttributes().get(GenAiAttributes.TOTAL_INPUT_TOKENS))
        .isEqualTo(1200L);
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/dev/oteltoolkit/ai/ReadmeExampleTest.java"));
    List<String> lines = Arrays.asList(source.split("\n", -1));
    int begin = indexOf(lines, BEGIN);
    int end = indexOf(lines, END);
    String indent = lines.get(begin).substring(0, lines.get(begin).indexOf(BEGIN));
    String snippet =
        lines.subList(begin + 1, end).stream()
            .map(line -> line.startsWith(indent) ? line.substring(indent.length()) : line)
            .collect(Collectors.joining("\n"));

    // the README's first java block, after the imports it carries (ReadmeCompilesTest compiles
    // it with them)
    List<CodeBlock> blocks = ReadmeSnippets.javaBlocks(Path.of("README.md"));
    assertThat(blocks).as("README has a java block").isNotEmpty();
    assertThat(blocks.get(0).codeWithoutImports()).isEqualTo(snippet);
  }

  /** The index of the line that is {@code marker} alone (not the constant declaring it). */
  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("no line " + marker);
  }
}
