package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OUTPUT_TYPE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_CHOICE_COUNT;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_SEED;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_P;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;
import static java.util.Arrays.asList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.models.ChatModel;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocking chat completions through the wrapped client: attributes, parentage, usage, cost. */
class ChatCompletionsTest extends OpenAiTestBase {

  static ChatCompletionCreateParams.Builder question() {
    return ChatCompletionCreateParams.builder()
        .model(ChatModel.GPT_4O_MINI)
        .addSystemMessage("You are terse.")
        .addUserMessage("What is OpenTelemetry?");
  }

  @Test
  void aChatCompletionIsAChildSpanWithEveryRequestAndResponseAttributeUsageAndCost() {
    server.json(
        200,
        Wire.chatCompletion(
            "chatcmpl-1",
            "gpt-4o-mini-2024-07-18",
            "Traces.",
            "stop",
            Wire.usage(1200, 300, 200, 0)));
    OpenAIClient client = client();

    ChatCompletion completion =
        tracing.traced(
            "request",
            () ->
                client
                    .chat()
                    .completions()
                    .create(
                        question()
                            .temperature(0.2)
                            .topP(0.9)
                            .maxCompletionTokens(512)
                            .seed(42)
                            .stopOfStrings(asList("END", "STOP"))
                            .n(2)
                            .frequencyPenalty(0.5)
                            .presencePenalty(0.25)
                            .responseFormat(ResponseFormatJsonObject.builder().build())
                            .serviceTier(ChatCompletionCreateParams.ServiceTier.DEFAULT)
                            .build()));

    assertThat(completion.choices().get(0).message().content()).contains("Traces.");
    SpanData root = otel.span("request");
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat)
        .hasKind(SpanKind.CLIENT)
        .hasParent(root)
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
            equalTo(GEN_AI_REQUEST_TEMPERATURE, 0.2),
            equalTo(GEN_AI_REQUEST_TOP_P, 0.9),
            equalTo(GEN_AI_REQUEST_MAX_TOKENS, 512L),
            equalTo(GEN_AI_REQUEST_SEED, 42L),
            equalTo(GEN_AI_REQUEST_STOP_SEQUENCES, asList("END", "STOP")),
            equalTo(GEN_AI_REQUEST_CHOICE_COUNT, 2L),
            equalTo(GEN_AI_REQUEST_FREQUENCY_PENALTY, 0.5),
            equalTo(GEN_AI_REQUEST_PRESENCE_PENALTY, 0.25),
            equalTo(GEN_AI_OUTPUT_TYPE, "json"),
            equalTo(Keys.REQUEST_SERVICE_TIER, "default"),
            equalTo(Keys.API_TYPE, "chat_completions"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
            equalTo(GEN_AI_RESPONSE_ID, "chatcmpl-1"),
            equalTo(GEN_AI_RESPONSE_MODEL, "gpt-4o-mini-2024-07-18"),
            equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
            equalTo(Keys.RESPONSE_SERVICE_TIER, "default"),
            equalTo(Keys.SYSTEM_FINGERPRINT, "fp_44709d6fcb"),
            equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1200L),
            equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 300L),
            equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 200L),
            equalTo(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 0L),
            // 1000 uncached x 0.15 + 200 cached x 0.075 + 300 x 0.60, per million
            equalTo(Keys.COST, 0.000345));
    assertThat(root)
        .hasAttributesSatisfyingExactly(
            equalTo(Keys.TOTAL_INPUT, 1200L),
            equalTo(Keys.TOTAL_OUTPUT, 300L),
            equalTo(Keys.TOTAL_COST, 0.000345));
    // the request went out as the application built it
    assertThat(server.requests).hasSize(1);
    assertThat(server.requests.get(0).path()).isEqualTo("/v1/chat/completions");
    assertThat(server.requests.get(0).body()).contains("\"seed\":42").doesNotContain("stream");
  }

  @Test
  void reasoningTokensArePricedAtTheReasoningPriceAndMetricsAreRecorded() {
    server.json(
        200,
        Wire.chatCompletion("chatcmpl-2", "o4-mini", "42", "stop", Wire.usage(1000, 500, 0, 400)));
    OpenAIClient client = client();

    client.chat().completions().create(question().model("o4-mini").build());

    SpanData chat = otel.span("chat o4-mini");
    assertThat(chat.getParentSpanContext().isValid()).isFalse();
    // 1000 x 1.10 + 100 x 4.40 + 400 reasoning x 5.00, per million
    assertThat(chat.getAttributes().get(Keys.COST)).isEqualTo(0.00354);
    assertThat(chat.getAttributes().get(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(400L);
    // the call without a request of its own is its own local root: its totals are on it
    assertThat(chat.getAttributes().get(Keys.TOTAL_COST)).isEqualTo(0.00354);

    Attributes metricBase =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, "chat")
            .put(GEN_AI_PROVIDER_NAME, "openai")
            .put(GEN_AI_REQUEST_MODEL, "o4-mini")
            .put(GEN_AI_RESPONSE_MODEL, "o4-mini")
            .put(ServerAttributes.SERVER_ADDRESS, "127.0.0.1")
            .put(ServerAttributes.SERVER_PORT, (long) server.port())
            .build();
    List<HistogramPointData> tokens =
        List.copyOf(otel.metric("gen_ai.client.token.usage").getHistogramData().getPoints());
    assertThat(tokens)
        .extracting(HistogramPointData::getAttributes, HistogramPointData::getSum)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                metricBase.toBuilder().put(GEN_AI_TOKEN_TYPE, "input").build(), 1000.0),
            org.assertj.core.groups.Tuple.tuple(
                metricBase.toBuilder().put(GEN_AI_TOKEN_TYPE, "output").build(), 500.0));
    assertThat(otel.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .singleElement()
        .satisfies(point -> assertThat(point.getAttributes()).isEqualTo(metricBase));
    assertThat(otel.metric("oteltoolkit.gen_ai.cost").getDoubleSumData().getPoints())
        .singleElement()
        .satisfies(point -> assertThat(point.getValue()).isEqualTo(0.00354));
  }

  @Test
  void anOpenAiCompatibleServiceIsNamedAsItsProvider() {
    server.json(
        200, Wire.chatCompletion("chatcmpl-p", "gpt-4o-mini", "ok", "stop", Wire.usage(100, 10)));
    OpenAIClient client =
        OpenAiTelemetry.builder(genAi().build())
            .providerName("azure.ai.openai")
            .build()
            .wrap(rawClient());

    client.chat().completions().create(question().build());

    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat.getAttributes().get(GEN_AI_PROVIDER_NAME)).isEqualTo("azure.ai.openai");
    // priced by model whatever the provider: 100 x 0.15 + 10 x 0.60, per million
    assertThat(chat.getAttributes().get(Keys.COST)).isEqualTo(0.000021);
    assertThatThrownBy(() -> OpenAiTelemetry.builder(genAi().build()).providerName(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aToolCallAnswerRecordsItsFinishReasonAndNoContentByDefault() {
    server.json(200, Wire.toolCallCompletion("chatcmpl-3", "gpt-4o-mini", Wire.usage(80, 20)));
    OpenAIClient client = client();

    ChatCompletion completion = client.chat().completions().create(question().build());

    assertThat(completion.choices().get(0).message().toolCalls()).isPresent();
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_FINISH_REASONS))
        .containsExactly("tool_calls");
    assertThat(chat.getAttributes().get(Keys.INPUT_MESSAGES)).isNull();
    assertThat(chat.getAttributes().get(Keys.OUTPUT_MESSAGES)).isNull();
    assertThat(chat.getAttributes().get(Keys.COST)).isEqualTo(0.000024); // 80 x 0.15 + 20 x 0.60
  }

  @Test
  void withContentCaptureTheMessagesAreRecordedAfterTheRedactor() {
    server.json(200, Wire.toolCallCompletion("chatcmpl-4", "gpt-4o-mini", Wire.usage(80, 20)));
    OpenAIClient client =
        OpenAiTelemetry.create(
                genAi()
                    .captureMessageContent(true)
                    .contentRedactor(text -> text.replace("OpenTelemetry", "[product]"))
                    .build())
            .wrap(rawClient());

    client.chat().completions().create(question().build());

    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat.getAttributes().get(Keys.INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"You are terse.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What is"
                + " [product]?\"}]}]");
    assertThat(chat.getAttributes().get(Keys.OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_abc\","
                + "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}],"
                + "\"finish_reason\":\"tool_calls\"}]");
  }

  @Test
  void aResponseWithoutUsageGivesASpanWithoutUsageOrCost() {
    server.json(200, Wire.chatCompletion("chatcmpl-5", "gpt-4o-mini", "Hi.", "stop", null));
    OpenAIClient client = client();

    ChatCompletion completion = client.chat().completions().create(question().build());

    assertThat(completion.usage()).isEmpty();
    Attributes attributes = otel.span("chat gpt-4o-mini").getAttributes();
    assertThat(attributes.get(GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(attributes.get(Keys.COST)).isNull();
    assertThat(attributes.get(GEN_AI_RESPONSE_ID)).isEqualTo("chatcmpl-5");
  }

  @Test
  void anUnknownModelGetsTokensButNoCost() {
    server.json(
        200, Wire.chatCompletion("chatcmpl-6", "our-finetune", "Hi.", "stop", Wire.usage(10, 5)));
    OpenAIClient client = client();

    client.chat().completions().create(question().model("our-finetune").build());

    Attributes attributes = otel.span("chat our-finetune").getAttributes();
    assertThat(attributes.get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(10L);
    assertThat(attributes.get(Keys.COST)).isNull();
  }

  @Test
  void everyWayOfReachingCreateIsRecordedOnce() {
    for (int i = 0; i < 4; i++) {
      server.json(
          200,
          Wire.chatCompletion("chatcmpl-" + i, "gpt-4o-mini", "{}", "stop", Wire.usage(10, 5)));
    }
    OpenAIClient client = client();

    client.chat().completions().create(question().build());
    client.chat().completions().create(question().build(), com.openai.core.RequestOptions.none());
    // a withOptions copy and the structured-output overload (an interface default method)
    client
        .withOptions(options -> options.timeout(java.time.Duration.ofSeconds(30)))
        .chat()
        .completions()
        .create(question().responseFormat(Answer.class).build());
    client
        .async()
        .sync()
        .chat()
        .withOptions(options -> {})
        .completions()
        .create(question().build());

    assertThat(otel.spans())
        .hasSize(4)
        .allSatisfy(span -> assertThat(span).hasName("chat gpt-4o-mini"));
    assertThat(server.requests).hasSize(4);
    // the structured request asked for json
    assertThat(otel.spans().get(2))
        .hasAttributesSatisfying(
            satisfies(GEN_AI_OUTPUT_TYPE, type -> type.isEqualTo("json")),
            satisfies(ServerAttributes.SERVER_PORT, port -> port.isEqualTo((long) server.port())));
  }

  @Test
  void wrappingTwiceReturnsTheSameClientAndOtherServicesPassThrough() {
    OpenAIClient client = client();
    OpenAiTelemetry telemetry = OpenAiTelemetry.create(genAi().build());
    assertThat(telemetry.wrap(client)).isSameAs(client);
    assertThat(client.chat()).isSameAs(client.chat());
    assertThat(client).isEqualTo(client).hasSameHashCodeAs(client);

    server.json(200, "{\"object\":\"list\",\"data\":[]}");
    assertThat(client.models().list().data()).isEmpty();
    otel.assertNoSpans();
  }

  /** A structured output type. */
  static final class Answer {
    public String text;
  }
}
