package dev.oteltoolkit.ai.openai;

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
            "String baseUrl;",
            "String apiKey;",
            "com.openai.models.chat.completions.ChatCompletionCreateParams params;")
        .tests();
  }
}
