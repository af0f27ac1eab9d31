package dev.oteltoolkit.ai.anthropic;

import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.json;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.message;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.usage;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_CONVERSATION_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_K;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_P;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonField;
import com.anthropic.core.JsonValue;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.opentelemetry.OpenTelemetryOptions;
import com.anthropic.core.opentelemetry.OpenTelemetryRequestOptions;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Model;
import com.anthropic.models.messages.ToolResultBlockParam;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whole (non-streamed) Messages API calls through the real SDK against the fake server. */
class AnthropicMessagesTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final FakeAnthropic server;
  private final AnthropicClient raw;
  private final AnthropicClient client;
  private final Tracing tracing = otel.tracing();

  AnthropicMessagesTest() throws Exception {
    server = new FakeAnthropic();
    raw =
        AnthropicOkHttpClient.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test-key")
            .maxRetries(0)
            .build();
    client = AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry())).wrap(raw);
  }

  @AfterEach
  void tearDown() {
    server.close();
    raw.close();
  }

  static MessageCreateParams.Builder question() {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(1024)
        .addUserMessage("What is OpenTelemetry?");
  }

  @Test
  void aChatCallIsAChildSpanWithTheRequestTheResponseTheTokensAndTheCost() {
    server.reply(
        json(
            200,
            message(
                "msg_01",
                "claude-sonnet-4-5-20250929",
                "Traces.",
                "end_turn",
                usage(1000, 300, 2000, 500))));

    Message answer =
        tracing.traced(
            "handle-question",
            () ->
                client
                    .messages()
                    .create(
                        question()
                            .system("You are terse.")
                            .stopSequences(List.of("END"))
                            .putAdditionalBodyProperty("temperature", JsonValue.from(0.2))
                            .putAdditionalBodyProperty("top_p", JsonValue.from(0.9))
                            .putAdditionalBodyProperty("top_k", JsonValue.from(40))
                            .build()));

    Assertions.assertThat(answer.id()).isEqualTo("msg_01");
    // Anthropic's input_tokens (1000) excludes the cache reads (2000) and writes (500): the
    // conventions' input count includes them. Cost, from the default table's claude-sonnet-4-5
    // (3.00 input, 0.30 cache read, 3.75 cache write, 15.00 output per million):
    // 1000 x 3.00 + 2000 x 0.30 + 500 x 3.75 + 300 x 15.00 = 9975 / 1e6 = 0.009975
    otel.assertTrace("handle-question")
        .hasRoot(
            root ->
                root.hasAttributesSatisfyingExactly(
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 3500L),
                    equalTo(Keys.TOTAL_OUTPUT_TOKENS, 300L),
                    equalTo(Keys.TOTAL_COST, 0.009975)))
        .hasChild(
            "chat claude-sonnet-4-5",
            chat ->
                chat.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GEN_AI_OPERATION_NAME, "chat"),
                        equalTo(GEN_AI_PROVIDER_NAME, "anthropic"),
                        equalTo(GEN_AI_REQUEST_MODEL, "claude-sonnet-4-5"),
                        equalTo(GEN_AI_REQUEST_MAX_TOKENS, 1024L),
                        equalTo(GEN_AI_REQUEST_TEMPERATURE, 0.2),
                        equalTo(GEN_AI_REQUEST_TOP_P, 0.9),
                        equalTo(GEN_AI_REQUEST_TOP_K, 40.0),
                        equalTo(GEN_AI_REQUEST_STOP_SEQUENCES, List.of("END")),
                        equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
                        equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
                        equalTo(GEN_AI_RESPONSE_ID, "msg_01"),
                        equalTo(GEN_AI_RESPONSE_MODEL, "claude-sonnet-4-5-20250929"),
                        equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("end_turn")),
                        equalTo(GEN_AI_USAGE_INPUT_TOKENS, 3500L),
                        equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 300L),
                        equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 2000L),
                        equalTo(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 500L),
                        equalTo(Keys.COST, 0.009975)))
        .hasNoOtherSpans();
    Assertions.assertThat(server.requests()).hasSize(1);
  }

  @Test
  void metricsCarryTheTokensTheDurationAndTheCost() {
    server.reply(
        json(200, message("msg_02", "claude-haiku-4-5", "Hi.", "end_turn", usage(100, 20, 0, 0))));

    client
        .messages()
        .create(
            MessageCreateParams.builder()
                .model("claude-haiku-4-5")
                .maxTokens(64)
                .addUserMessage("Hi")
                .build());

    // claude-haiku-4-5: 100 x 1.00 + 20 x 5.00 = 200 / 1e6
    assertThat(otel.metric("oteltoolkit.gen_ai.cost"))
        .hasDoubleSumSatisfying(sum -> sum.hasPointsSatisfying(point -> point.hasValue(0.0002)));
    assertThat(otel.metric("gen_ai.client.token.usage"))
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasSum(100)
                            .hasAttributesSatisfying(equalTo(GEN_AI_TOKEN_TYPE, "input")),
                    point ->
                        point
                            .hasSum(20)
                            .hasAttributesSatisfying(equalTo(GEN_AI_TOKEN_TYPE, "output"))));
    assertThat(otel.metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasCount(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(GEN_AI_OPERATION_NAME, "chat"),
                                equalTo(GEN_AI_PROVIDER_NAME, "anthropic"),
                                equalTo(GEN_AI_REQUEST_MODEL, "claude-haiku-4-5"),
                                equalTo(GEN_AI_RESPONSE_MODEL, "claude-haiku-4-5"),
                                equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
                                equalTo(ServerAttributes.SERVER_PORT, (long) server.port()))));
  }

  @Test
  void aToolUseRoundTripIsTwoChatSpansWithTheirFinishReasons() {
    server
        .reply(
            json(
                200,
                "{\"id\":\"msg_t1\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\","
                    + "\"text\":\"Let me check.\"},{\"type\":\"tool_use\",\"id\":\"toolu_01\","
                    + "\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}],"
                    + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":400,\"output_tokens\":50}}"))
        .reply(
            json(
                200,
                message(
                    "msg_t2",
                    "claude-sonnet-4-5",
                    "18 C in Paris.",
                    "end_turn",
                    "{\"input_tokens\":480,\"output_tokens\":12}")));

    tracing.traced(
        "weather",
        () -> {
          Message first = client.messages().create(question().build());
          String toolUseId = first.content().get(1).asToolUse().id();
          client
              .messages()
              .create(
                  question()
                      .addMessage(first)
                      .addUserMessageOfContentBlockParams(
                          List.of(
                              ContentBlockParam.ofToolResult(
                                  ToolResultBlockParam.builder()
                                      .toolUseId(toolUseId)
                                      .content("{\"celsius\":18}")
                                      .build())))
                      .build());
        });

    // (400 + 480) x 3.00 + (50 + 12) x 15.00 = 3570 / 1e6
    List<SpanData> chats =
        otel
            .assertTrace("weather")
            .hasRoot(
                root ->
                    root.hasAttributesSatisfyingExactly(
                        equalTo(Keys.TOTAL_INPUT_TOKENS, 880L),
                        equalTo(Keys.TOTAL_OUTPUT_TOKENS, 62L),
                        equalTo(Keys.TOTAL_COST, 0.00357)))
            .hasChildren("chat claude-sonnet-4-5", 2)
            .hasNoOtherSpans()
            .spans()
            .stream()
            .filter(s -> s.getName().startsWith("chat "))
            .toList();
    assertThat(chats.get(0))
        .hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("tool_use"))
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 400L);
    assertThat(chats.get(1))
        .hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("end_turn"))
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 480L);
    Assertions.assertThat(server.requests().get(1)).contains("\"tool_result\"", "toolu_01");
  }

  @Test
  void aResponseWithoutUsageHasNoTokensAndNoCost() {
    server.reply(json(200, message("msg_03", "claude-sonnet-4-5", "Hi.", "end_turn", null)));

    Message answer = client.messages().create(question().build());

    Assertions.assertThat(answer.id()).isEqualTo("msg_03");
    otel.assertTrace("chat claude-sonnet-4-5")
        .hasNoOtherSpans()
        .hasRoot(
            chat ->
                chat.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, "chat"),
                    equalTo(GEN_AI_PROVIDER_NAME, "anthropic"),
                    equalTo(GEN_AI_REQUEST_MODEL, "claude-sonnet-4-5"),
                    equalTo(GEN_AI_REQUEST_MAX_TOKENS, 1024L),
                    equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
                    equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
                    equalTo(GEN_AI_RESPONSE_ID, "msg_03"),
                    equalTo(GEN_AI_RESPONSE_MODEL, "claude-sonnet-4-5"),
                    equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("end_turn"))));
  }

  @Test
  void anUnknownModelHasTokensButNoCost() {
    server.reply(
        json(200, message("msg_04", "claude-future-9", "Hi.", "end_turn", usage(10, 5, 0, 0))));

    client
        .messages()
        .create(
            MessageCreateParams.builder()
                .model("claude-future-9")
                .maxTokens(16)
                .addUserMessage("Hi")
                .build());

    SpanData chat = otel.assertTrace("chat claude-future-9").hasNoOtherSpans().rootSpan();
    assertThat(chat).hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 10L);
    Assertions.assertThat(chat.getAttributes().get(Keys.COST)).isNull();
  }

  @Test
  void theConversationIdOfTheSdksRequestOptionsIsRecorded() {
    server.reply(json(200, message("msg_05", "claude-sonnet-4-5", "Hi.", "end_turn", null)));

    client
        .messages()
        .create(
            question().build(),
            RequestOptions.builder()
                .openTelemetry(
                    OpenTelemetryRequestOptions.builder().conversationId("conv-7").build())
                .build());

    otel.assertTrace("chat claude-sonnet-4-5")
        .hasRoot(chat -> chat.hasAttribute(GEN_AI_CONVERSATION_ID, "conv-7"));
  }

  @Test
  void aRequestTheInstrumentationCannotReadRunsUnrecordedAndTheFailureIsLoggedOnce() {
    List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(AnthropicTelemetry.class.getName());
    logger.addHandler(handler);
    try {
      server
          .reply(json(200, message("msg_06", "claude-sonnet-4-5", "Hi.", "end_turn", null)))
          .reply(json(200, message("msg_07", "claude-sonnet-4-5", "Hi.", "end_turn", null)));
      // a model that is not a string: reading it throws inside the instrumentation
      MessageCreateParams odd =
          MessageCreateParams.builder()
              .model(Model.of(notAString()))
              .maxTokens(16)
              .addUserMessage("Hi")
              .build();

      Message first = client.messages().create(odd);
      Message second = client.messages().create(odd);

      Assertions.assertThat(first.id()).isEqualTo("msg_06");
      Assertions.assertThat(second.id()).isEqualTo("msg_07");
      otel.assertNoSpans();
      Assertions.assertThat(server.requests()).hasSize(2);
      Assertions.assertThat(logged).hasSize(1);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void theSdksOwnSpansAreReplacedByOursUnlessKept() {
    server
        .reply(json(200, message("msg_08", "claude-sonnet-4-5", "Hi.", "end_turn", null)))
        .reply(json(200, message("msg_09", "claude-sonnet-4-5", "Hi.", "end_turn", null)));
    // the SDK records its own spans with the tracer provider of its openTelemetry option
    AnthropicClient tracedBySdk =
        raw.withOptions(
            options ->
                options.openTelemetry(
                    OpenTelemetryOptions.builder()
                        .tracerProvider(otel.openTelemetry().getTracerProvider())
                        .build()));
    GenAiTelemetry genAi = GenAiTelemetry.create(otel.openTelemetry());

    AnthropicTelemetry.create(genAi).wrap(tracedBySdk).messages().create(question().build());
    otel.assertTrace("chat claude-sonnet-4-5").hasNoOtherSpans();

    otel.reset();
    AnthropicTelemetry.builder(genAi)
        .sdkSpans(true)
        .build()
        .wrap(tracedBySdk)
        .messages()
        .create(question().build());
    otel.assertTrace("chat claude-sonnet-4-5")
        .hasChild("anthropic.messages.create")
        .hasNoOtherSpans();
  }

  @Test
  void derivedClientsRecordTooAndWrappingTwiceChangesNothing() {
    server
        .reply(json(200, message("msg_10", "claude-sonnet-4-5", "Hi.", "end_turn", null)))
        .reply(json(200, message("msg_11", "claude-sonnet-4-5", "Hi.", "end_turn", null)));
    AnthropicTelemetry telemetry =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry()));

    Assertions.assertThat(telemetry.wrap(client)).isSameAs(client);
    client.withOptions(options -> options.maxRetries(1)).messages().create(question().build());
    AnthropicClientAsync async = client.async();
    async.messages().create(question().build()).join();

    otel.assertTraces("chat claude-sonnet-4-5", 2).forEach(chat -> chat.hasNoOtherSpans());
    Assertions.assertThat(otel.spans()).hasSize(2);
  }

  /** A model name that is a number on the wire: reading it as a string throws. */
  @SuppressWarnings("unchecked")
  private static JsonField<String> notAString() {
    return (JsonField<String>) (JsonField<?>) JsonValue.from(42);
  }
}
