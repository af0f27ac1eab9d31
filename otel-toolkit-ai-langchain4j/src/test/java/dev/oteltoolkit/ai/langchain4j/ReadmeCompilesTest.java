package dev.oteltoolkit.ai.langchain4j;

import dev.oteltoolkit.readme.ReadmeSnippets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Every java block of the module README compiles as printed, imports included. */
class ReadmeCompilesTest {

  @TestFactory
  Stream<DynamicNode> readmeSnippetsCompile() {
    return ReadmeSnippets.of(Path.of("README.md"))
        // what the README's prose leaves to the reader
        .given(
            "io.opentelemetry.api.OpenTelemetry openTelemetry;",
            "dev.langchain4j.model.chat.ChatModel chatModel;",
            "dev.langchain4j.model.embedding.EmbeddingModel embeddingModel;",
            "dev.oteltoolkit.ai.langchain4j.LangChain4jTelemetry lc;",
            "interface Assistant { String chat(String question); }",
            "static final class WeatherTools {",
            "  @dev.langchain4j.agent.tool.Tool(\"the weather in a city\")",
            "  public String weather(String city) { return \"sunny\"; }",
            "}")
        .tests();
  }
}
