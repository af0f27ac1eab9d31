package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContentCaptureTest {

  private static final String SECRET = "s3cr3t-card-4111111111111111";
  private static final Function<String, String> NOTHING = name -> null;

  private TestSdk otel = new TestSdk();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  /** Every kind of content the API accepts, each holding the secret. */
  private static void recordEveryKindOfContent(GenAiTelemetry ai) {
    ai.chat("openai", "gpt-4o")
        .call(
            span ->
                span.systemInstructions("Never reveal " + SECRET)
                    .inputMessages(
                        GenAiMessage.system("You are terse."),
                        GenAiMessage.user("My card is " + SECRET))
                    .outputMessages(GenAiMessage.assistant("Noted " + SECRET).finishReason("stop"))
                    .usage(10, 2));
    ai.executeTool("charge")
        .arguments("{\"card\":\"" + SECRET + "\"}")
        .call(span -> span.toolResult("charged " + SECRET));
    ai.retrieval("kb").query("find " + SECRET).call(span -> null);
  }

  @Test
  void nothingIsRecordedOrEvenReadByDefault() {
    AtomicInteger redactorCalls = new AtomicInteger();
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .contentRedactor(
                text -> {
                  redactorCalls.incrementAndGet();
                  return text;
                })
            .configSource(NOTHING, NOTHING)
            .build();

    recordEveryKindOfContent(ai);

    assertThat(otel.finished()).hasSize(3);
    for (SpanData span : otel.finished()) {
      assertNoSecret(span.getAttributes());
      for (EventData event : span.getEvents()) {
        assertNoSecret(event.getAttributes());
      }
      assertThat(span.getAttributes().asMap().keySet())
          .extracting(AttributeKey::getKey)
          .doesNotContain(
              "gen_ai.input.messages",
              "gen_ai.output.messages",
              "gen_ai.system_instructions",
              "gen_ai.tool.call.arguments",
              "gen_ai.tool.call.result",
              "gen_ai.retrieval.query.text");
    }
    assertThat(redactorCalls).hasValue(0);
  }

  @Test
  void whenOnContentIsRecordedInTheSemconvJsonStructure() throws Exception {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .captureMessageContent(true)
            .configSource(NOTHING, NOTHING)
            .build();

    ai.chat("openai", "gpt-4o")
        .call(
            span ->
                span.systemInstructions("Be \"brief\".\n")
                    .inputMessages(
                        GenAiMessage.user("Weather in Paris?"),
                        GenAiMessage.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                        GenAiMessage.toolResponse("call_1", "{\"temp\":21}"))
                    .outputMessages(GenAiMessage.assistant("Sunny, 21°C.").finishReason("stop")));
    ai.executeTool("get_weather")
        .arguments("{\"city\": \"Paris\"}")
        .call(span -> span.toolResult("sunny, not JSON"));
    ai.retrieval("kb").query("weather Paris").call(span -> null);

    Attributes chat = otel.span("chat gpt-4o").getAttributes();
    assertThat(chat.get(GenAiAttributes.GEN_AI_SYSTEM_INSTRUCTIONS))
        .isEqualTo("[{\"type\":\"text\",\"content\":\"Be \\\"brief\\\".\\n\"}]");
    assertThat(chat.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Weather in"
                + " Paris?\"}]},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_1\","
                + "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}]},"
                + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call_1\","
                + "\"response\":{\"temp\":21}}]}]");
    assertThat(chat.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Sunny, 21°C.\"}],"
                + "\"finish_reason\":\"stop\"}]");
    for (String json :
        new String[] {
          chat.get(GenAiAttributes.GEN_AI_SYSTEM_INSTRUCTIONS),
          chat.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES),
          chat.get(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES)
        }) {
      assertThat(Json.parse(json)).isInstanceOf(java.util.List.class);
    }
    Attributes tool = otel.span("execute_tool get_weather").getAttributes();
    assertThat(tool.get(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS))
        .isEqualTo("{\"city\": \"Paris\"}");
    assertThat(tool.get(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT)).isEqualTo("\"sunny, not JSON\"");
    assertThat(
            otel.span("retrieval kb")
                .getAttributes()
                .get(GenAiAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT))
        .isEqualTo("weather Paris");
  }

  @Test
  void everyPieceOfContentPassesTheRedactorFirst() {
    UnaryOperator<String> masker = text -> text.replaceAll("\\d{12,19}", "<card>");
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .captureMessageContent(true)
            .contentRedactor(masker)
            .configSource(NOTHING, NOTHING)
            .build();

    recordEveryKindOfContent(ai);

    for (SpanData span : otel.finished()) {
      assertNoSecret(span.getAttributes());
    }
    Attributes chat = otel.span("chat gpt-4o").getAttributes();
    assertThat(chat.get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))
        .contains("My card is s3cr3t-card-<card>");
    assertThat(chat.get(GenAiAttributes.GEN_AI_SYSTEM_INSTRUCTIONS)).contains("<card>");
    assertThat(
            otel.span("execute_tool charge")
                .getAttributes()
                .get(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS))
        .isEqualTo("{\"card\":\"s3cr3t-card-<card>\"}");
    assertThat(
            otel.span("retrieval kb")
                .getAttributes()
                .get(GenAiAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT))
        .isEqualTo("find s3cr3t-card-<card>");
  }

  @Test
  void aFailingRedactorRecordsNothingAndNeverFailsTheCall() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .captureMessageContent(true)
            .contentRedactor(
                text -> {
                  throw new IllegalStateException("redactor bug");
                })
            .configSource(NOTHING, NOTHING)
            .build();

    recordEveryKindOfContent(ai);

    assertThat(otel.finished()).hasSize(3);
    for (SpanData span : otel.finished()) {
      assertNoSecret(span.getAttributes());
      assertThat(span.getStatus().getStatusCode())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);
    }
  }

  @Test
  void longContentIsTruncatedAfterRedaction() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .captureMessageContent(true)
            .maxContentLength(5)
            .contentRedactor(text -> text.toUpperCase(java.util.Locale.ROOT))
            .configSource(NOTHING, NOTHING)
            .build();
    ai.chat("openai", "gpt-4o").call(span -> span.inputMessages(GenAiMessage.user("hello world")));
    assertThat(otel.span("chat gpt-4o").getAttributes().get(GenAiAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"HELLO...[truncated]\"}]}]");
    assertThatThrownBy(() -> GenAiTelemetry.builder(otel.sdk).maxContentLength(0))
        .hasMessage("maxContentLength=0: must be at least 1");
  }

  @Test
  void unsampledSpansNeverReadContent() {
    otel.close();
    otel = new TestSdk(Sampler.alwaysOff());
    AtomicInteger redactorCalls = new AtomicInteger();
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .captureMessageContent(true)
            .contentRedactor(
                text -> {
                  redactorCalls.incrementAndGet();
                  return text;
                })
            .configSource(NOTHING, NOTHING)
            .build();
    recordEveryKindOfContent(ai);
    assertThat(redactorCalls).hasValue(0);
  }

  @Test
  void operatorsSwitchCaptureWithTheEnvironmentOrASystemProperty() {
    Map<String, String> envOn =
        Map.of("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true");
    GenAiTelemetry on = GenAiTelemetry.builder(otel.sdk).configSource(NOTHING, envOn::get).build();
    assertThat(on.capturesContent()).isTrue();

    Map<String, String> propertyOff =
        Map.of("otel.instrumentation.genai.capture-message-content", "FALSE");
    GenAiTelemetry off =
        GenAiTelemetry.builder(otel.sdk)
            .captureMessageContent(true)
            .configSource(propertyOff::get, envOn::get)
            .build();
    assertThat(off.capturesContent()).isFalse();

    Map<String, String> envOff =
        Map.of("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "false");
    assertThat(
            GenAiTelemetry.builder(otel.sdk)
                .captureMessageContent(true)
                .configSource(NOTHING, envOff::get)
                .build()
                .capturesContent())
        .isFalse();

    Map<String, String> invalid =
        Map.of("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "yes");
    assertThatThrownBy(
            () -> GenAiTelemetry.builder(otel.sdk).configSource(NOTHING, invalid::get).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=yes: must be true or false");
  }

  @Test
  void messagesNeverShowTheirContentInToString() {
    assertThat(GenAiMessage.user(SECRET).toString()).doesNotContain(SECRET);
  }

  private static void assertNoSecret(Attributes attributes) {
    attributes.forEach(
        (key, value) ->
            assertThat(String.valueOf(value)).as(key.getKey()).doesNotContain("4111111111111111"));
  }
}
