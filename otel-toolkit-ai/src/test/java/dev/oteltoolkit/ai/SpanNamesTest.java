package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanNamesTest {

  @Test
  void aNameIsBuiltOncePerTarget() {
    SpanNames chat = new SpanNames("chat");
    String name = chat.of("gpt-4o");
    assertThat(name).isEqualTo("chat gpt-4o");
    assertThat(chat.of(new String("gpt-4o"))).isSameAs(name);
    assertThat(chat.of("gpt-4o-mini")).isEqualTo("chat gpt-4o-mini");
    assertThat(chat.operation()).isEqualTo("chat");
    assertThat(chat.cachedCount()).isEqualTo(2);
  }

  @Test
  void theCacheIsBoundedAndNamesBeyondItAreStillRight() {
    SpanNames tools = new SpanNames("execute_tool");
    for (int i = 0; i < SpanNames.MAX_CACHED + 10; i++) {
      assertThat(tools.of("tool-" + i)).isEqualTo("execute_tool tool-" + i);
    }
    assertThat(tools.cachedCount()).isEqualTo(SpanNames.MAX_CACHED);
    assertThat(tools.of("tool-" + (SpanNames.MAX_CACHED + 5)))
        .isEqualTo("execute_tool tool-" + (SpanNames.MAX_CACHED + 5));
  }

  @Test
  void eachOperationOfOneTelemetryNamesItsOwnSpans() {
    try (TestSdk otel = new TestSdk()) {
      GenAiTelemetry ai = GenAiTelemetry.create(otel.sdk);
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
      assertThat(otel.names())
          .containsExactly(
              "chat m", "text_completion m", "generate_content m", "embeddings m", "retrieval m",
              "execute_tool m", "invoke_agent m", "create_agent m",
              "chat m", "text_completion m", "generate_content m", "embeddings m", "retrieval m",
              "execute_tool m", "invoke_agent m", "create_agent m");
    }
  }
}
