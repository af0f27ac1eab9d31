package dev.oteltoolkit.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
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
import org.junit.jupiter.api.Test;

/** The README's quickstart compiles, runs against the fake server, and is the code below. */
class ReadmeExampleTest extends OpenAiTestBase {

  private static final String BEGIN = "// README-BEGIN";
  private static final String END = "// README-END";

  ChatCompletion quickstart(
      OpenTelemetry openTelemetry, String baseUrl, String apiKey, ChatCompletionCreateParams params) {
    // README-BEGIN
    GenAiTelemetry ai = GenAiTelemetry.create(openTelemetry);
    OpenAIClient client = OpenAiTelemetry.create(ai)
        .wrap(OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey).build());
    ChatCompletion answer = client.chat().completions().create(params);   // a span, tokens, cost
    // README-END
    client.close();
    return answer;
  }

  @Test
  void theQuickstartRecordsACostedChatSpan() {
    server.json(
        200,
        Wire.chatCompletion("chatcmpl-1", "gpt-4o-mini-2024-07-18", "Traces.", "stop", Wire.usage(1200, 48)));

    ChatCompletion answer =
        quickstart(otel.openTelemetry(), server.baseUrl(), "sk-test", ChatCompletionsTest.question().build());

    assertThat(answer.id()).isEqualTo("chatcmpl-1");
    // priced from the shipped table (whatever its price, a known model gets a cost)
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(Keys.COST)).isPositive();
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/dev/oteltoolkit/ai/openai/ReadmeExampleTest.java"));
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
