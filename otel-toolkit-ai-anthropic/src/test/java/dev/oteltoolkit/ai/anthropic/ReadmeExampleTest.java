package dev.oteltoolkit.ai.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
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
  private final FakeAnthropic server;
  private final AnthropicClient anthropicClient;

  ReadmeExampleTest() throws IOException {
    server = new FakeAnthropic();
    anthropicClient =
        AnthropicOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey("test-key").build();
  }

  @AfterEach
  void tearDown() {
    server.close();
    anthropicClient.close();
    otel.close();
  }

  Message quickstart(OpenTelemetry openTelemetry, MessageCreateParams params) {
    // README-BEGIN
    GenAiTelemetry ai = GenAiTelemetry.create(openTelemetry);
    AnthropicClient claude = AnthropicTelemetry.create(ai).wrap(anthropicClient);
    Message answer = claude.messages().create(params);  // a chat span with tokens and cost
    // README-END
    return answer;
  }

  @Test
  void theQuickstartRecordsACostedChatSpan() {
    server.reply(
        FakeAnthropic.json(
            200,
            FakeAnthropic.message("msg_q", "claude-haiku-4-5", "Traces.", "end_turn",
                FakeAnthropic.usage(100, 20, 0, 0))));

    Message answer =
        quickstart(
            otel.sdk,
            MessageCreateParams.builder().model("claude-haiku-4-5").maxTokens(256)
                .addUserMessage("What is OpenTelemetry?").build());

    assertThat(answer.id()).isEqualTo("msg_q");
    assertThat(otel.span("chat claude-haiku-4-5").getAttributes().get(Keys.COST))
        .isEqualTo(0.0002); // 100 x 1.00 + 20 x 5.00 per million
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/dev/oteltoolkit/ai/anthropic/ReadmeExampleTest.java"));
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
