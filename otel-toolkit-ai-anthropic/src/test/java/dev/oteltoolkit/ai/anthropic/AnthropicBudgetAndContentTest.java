package dev.oteltoolkit.ai.anthropic;

import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.json;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.message;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.sse;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.textStream;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.usage;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolResultBlockParam;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Budgets stop a call before the SDK sends it; content is recorded only when asked for. */
class AnthropicBudgetAndContentTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final FakeAnthropic server;
  private final AnthropicClient raw;
  private final Tracing tracing = otel.tracing();

  AnthropicBudgetAndContentTest() throws Exception {
    server = new FakeAnthropic();
    raw =
        AnthropicOkHttpClient.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test-key")
            .maxRetries(0)
            .build();
  }

  @AfterEach
  void tearDown() {
    server.close();
    raw.close();
  }

  private static MessageCreateParams.Builder question() {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(1024)
        .addUserMessage("What is OpenTelemetry?");
  }

  @Test
  void aRequestOverItsBudgetIsRefusedBeforeAnyByteIsSent() {
    AnthropicClient client =
        AnthropicTelemetry.create(
                GenAiTelemetry.builder(otel.openTelemetry())
                    .requestBudgetUsd(new BigDecimal("0.005"))
                    .stopOverBudget(true)
                    .build())
            .wrap(raw);
    server.reply(
        json(
            200,
            message(
                "msg_b",
                "claude-sonnet-4-5",
                "Hi.",
                "end_turn",
                usage(1000, 300, 2000, 500)))); // 0.009975 USD: over the 0.005 budget

    tracing.traced(
        "expensive-request",
        () -> {
          client.messages().create(question().build());
          Assertions.assertThatThrownBy(() -> client.messages().create(question().build()))
              .isInstanceOf(BudgetExceededException.class);
          Assertions.assertThatThrownBy(
                  () -> client.messages().createStreaming(question().build()).close())
              .isInstanceOf(BudgetExceededException.class);
          Assertions.assertThatThrownBy(() -> client.async().messages().create(question().build()))
              .isInstanceOf(BudgetExceededException.class);
        });

    Assertions.assertThat(server.requests()).hasSize(1);
    otel.assertTrace("expensive-request")
        .hasRoot(
            root ->
                root.hasAttribute(
                    AttributeKey.booleanKey("oteltoolkit.gen_ai.budget.exceeded"), true))
        .hasChild("chat claude-sonnet-4-5")
        .hasNoOtherSpans();
    Assertions.assertThat(otel.spans()).hasSize(2);
  }

  @Test
  void contentIsNotRecordedByDefault() {
    AnthropicClient client =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry())).wrap(raw);
    server.reply(
        json(200, message("msg_c0", "claude-sonnet-4-5", "Secret answer", "end_turn", null)));

    client.messages().create(question().system("Secret instructions").build());

    Assertions.assertThat(
            otel.assertTrace("chat claude-sonnet-4-5")
                .rootSpan()
                .getAttributes()
                .asMap()
                .toString())
        .doesNotContain("Secret", "OpenTelemetry?");
  }

  @Test
  void capturedContentHasTheConventionsStructureAfterTheRedactor() {
    AnthropicClient client =
        AnthropicTelemetry.create(
                GenAiTelemetry.builder(otel.openTelemetry())
                    .captureMessageContent(true)
                    .contentRedactor(text -> text.replace("Paris", "[city]"))
                    .build())
            .wrap(raw);
    server.reply(
        json(
            200,
            "{\"id\":\"msg_c1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Checking Paris.\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\","
                + "\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}],"
                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}"));

    Message first = client.messages().create(question().system("Be brief.").build());
    server.reply(json(200, message("msg_c2", "claude-sonnet-4-5", "Mild.", "end_turn", null)));
    client
        .messages()
        .create(
            question()
                .addMessage(first)
                .addUserMessageOfContentBlockParams(
                    List.of(
                        ContentBlockParam.ofToolResult(
                            ToolResultBlockParam.builder()
                                .toolUseId("toolu_1")
                                .content("{\"celsius\":18}")
                                .build())))
                .build());

    List<SpanData> chats = otel.spans();
    assertThat(chats.get(0))
        .hasAttribute(Keys.SYSTEM_INSTRUCTIONS, "[{\"type\":\"text\",\"content\":\"Be brief.\"}]")
        .hasAttribute(
            Keys.INPUT_MESSAGES,
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"What is OpenTelemetry?\"}]}]")
        .hasAttribute(
            Keys.OUTPUT_MESSAGES,
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Checking"
                + " [city].\"},{\"type\":\"tool_call\",\"id\":\"toolu_1\",\"name\":\"get_weather\","
                + "\"arguments\":{\"city\":\"[city]\"}}],\"finish_reason\":\"tool_use\"}]");
    assertThat(chats.get(1))
        .hasAttribute(
            Keys.INPUT_MESSAGES,
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What is"
                + " OpenTelemetry?\"}]},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Checking"
                + " [city].\"},{\"type\":\"tool_call\",\"id\":\"toolu_1\","
                + "\"name\":\"get_weather\",\"arguments\":{\"city\":\"[city]\"}}]},"
                + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"toolu_1\","
                + "\"response\":{\"celsius\":18}}]}]");
  }

  @Test
  void aStreamedAnswerIsCapturedWhole() {
    AnthropicClient client =
        AnthropicTelemetry.create(
                GenAiTelemetry.builder(otel.openTelemetry()).captureMessageContent(true).build())
            .wrap(raw);
    server.reply(
        sse(
            textStream(
                "msg_c3",
                "claude-sonnet-4-5",
                List.of("Traces ", "are ", "trees."),
                "end_turn",
                "{\"input_tokens\":10,\"output_tokens\":1}",
                "{\"output_tokens\":3}")));

    try (StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(question().build())) {
      stream.stream().forEach(event -> {});
    }

    otel.assertTrace("chat claude-sonnet-4-5")
        .hasRoot(
            span ->
                span.hasAttribute(
                    Keys.OUTPUT_MESSAGES,
                    "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                        + "\"content\":\"Traces are trees.\"}],\"finish_reason\":\"end_turn\"}]"));
  }
}
