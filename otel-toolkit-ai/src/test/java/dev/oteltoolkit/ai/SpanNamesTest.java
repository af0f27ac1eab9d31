package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SpanNamesTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  @Test
  void eachOperationOfOneTelemetryNamesItsOwnSpans() {
    GenAiTelemetry ai = GenAiTelemetry.create(otel.openTelemetry());
    for (int i = 0; i < 2; i++) {
      ai.chat("openai", "m").call(s -> null);
      ai.textCompletion("openai", "m").call(s -> null);
      ai.generateContent("gcp.gemini", "m").call(s -> null);
      ai.embeddings("openai", "m").call(s -> null);
      ai.retrieval("m").call(s -> null);
      ai.executeTool("m").call(s -> null);
      ai.invokeAgent("m").call(s -> null);
      ai.createAgent("m").call(s -> null);
    }
    assertThat(otel.spans())
        .extracting(SpanData::getName)
        .containsExactly(
            "chat m",
            "text_completion m",
            "generate_content m",
            "embeddings m",
            "retrieval m",
            "execute_tool m",
            "invoke_agent m",
            "create_agent m",
            "chat m",
            "text_completion m",
            "generate_content m",
            "embeddings m",
            "retrieval m",
            "execute_tool m",
            "invoke_agent m",
            "create_agent m");
  }
}
