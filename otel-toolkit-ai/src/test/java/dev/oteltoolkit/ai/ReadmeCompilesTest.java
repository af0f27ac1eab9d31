package dev.oteltoolkit.ai;

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
        // what the README's prose leaves to the reader: the OpenTelemetry, the GenAiTelemetry of
        // the first block, and the application's own model client and stream
        .given(
            "io.opentelemetry.api.OpenTelemetry openTelemetry;",
            "io.opentelemetry.api.OpenTelemetry otel;",
            "dev.oteltoolkit.ai.GenAiTelemetry ai;",
            "record ChatResponse(String id, String model, String text, long inputTokens,"
                + " long outputTokens) {}",
            "interface ChatClient { ChatResponse chat(String question); }",
            "ChatClient client;",
            "record Usage(long input, long output) {}",
            "interface ModelStream { void onFirstChunk(Runnable action); Usage awaitEnd(); }",
            "ModelStream stream;")
        .tests();
  }
}
