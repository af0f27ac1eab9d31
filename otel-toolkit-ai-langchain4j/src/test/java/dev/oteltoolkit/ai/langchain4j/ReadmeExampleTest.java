package dev.oteltoolkit.ai.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.readme.CodeBlock;
import dev.oteltoolkit.readme.ReadmeSnippets;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
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

  private final TestSdk otel = new TestSdk();
  private final FakeModelServer server;
  private final ChatModel chatModel;

  ReadmeExampleTest() throws IOException {
    server = new FakeModelServer();
    chatModel =
        OpenAiChatModel.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test-key")
            .modelName("gpt-4o-mini")
            .build();
  }

  @AfterEach
  void tearDown() {
    server.close();
    otel.close();
  }

  String quickstart(OpenTelemetry openTelemetry) {
    // README-BEGIN
    LangChain4jTelemetry lc = LangChain4jTelemetry.create(GenAiTelemetry.create(openTelemetry));
    ChatModel model = lc.wrap(chatModel);  // each call: a chat span with tokens and cost
    String answer = model.chat("What is OpenTelemetry?");
    // README-END
    return answer;
  }

  @Test
  void theQuickstartRecordsACostedChatSpan() {
    server.reply(
        FakeModelServer.json(
            200,
            FakeModelServer.completion("chatcmpl-q", "gpt-4o-mini", "Traces.",
                FakeModelServer.openAiUsage(1000, 100, 0))));

    assertThat(quickstart(otel.sdk)).isEqualTo("Traces.");
    // gpt-4o-mini: 1000 x 0.15 + 100 x 0.60 = 210 / 1e6
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(Keys.COST)).isEqualTo(0.00021);
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/dev/oteltoolkit/ai/langchain4j/ReadmeExampleTest.java"));
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

  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("no line " + marker);
  }
}
