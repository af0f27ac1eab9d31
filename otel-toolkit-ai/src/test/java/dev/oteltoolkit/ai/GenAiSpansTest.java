package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GenAiSpansTest {

  static final PriceTable PRICES =
      PriceTable.of(
          ModelPrice.perMillionTokens("gpt-4o", "2.50", "10.00")
              .cachedInput(new BigDecimal("1.25")),
          ModelPrice.perMillionTokens("text-embedding-3-small", "0.02", "0"));

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final GenAiTelemetry ai =
      GenAiTelemetry.builder(otel.openTelemetry()).priceTable(PRICES).build();
  private final Tracing tracing = otel.tracing();

  @Test
  void chatRecordsRequestAttributesAtStartAndResponseAttributesAtTheEnd() {
    String answer =
        tracing.traced(
            "request",
            () ->
                ai
                    .chat("openai", "gpt-4o")
                    .temperature(0.2)
                    .topP(0.9)
                    .topK(40)
                    .maxTokens(512)
                    .seed(7)
                    .stopSequences("END", "STOP")
                    .choiceCount(1)
                    .stream(false)
                    .frequencyPenalty(0.1)
                    .presencePenalty(0.3)
                    .outputType("text")
                    .conversationId("conv-1")
                    .serverAddress("api.openai.com")
                    .serverPort(443)
                    .call(
                        span -> {
                          span.responseModel("gpt-4o-2024-08-06")
                              .responseId("chatcmpl-1")
                              .finishReasons("stop")
                              .usage(1200, 48)
                              .cacheReadInputTokens(200);
                          return "Paris";
                        }));

    assertThat(answer).isEqualTo("Paris");
    otel.assertTrace("request")
        .hasChild(
            "chat gpt-4o",
            chat ->
                chat.hasKind(SpanKind.CLIENT)
                    .satisfies(
                        span ->
                            assertThat(span.getInstrumentationScopeInfo().getName())
                                .isEqualTo("dev.oteltoolkit.ai"))
                    .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
                        equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE, 0.2),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_TOP_P, 0.9),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_TOP_K, 40.0),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS, 512L),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_SEED, 7L),
                        equalTo(
                            GenAiAttributes.GEN_AI_REQUEST_STOP_SEQUENCES,
                            Arrays.asList("END", "STOP")),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_CHOICE_COUNT, 1L),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_STREAM, false),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY, 0.1),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY, 0.3),
                        equalTo(GenAiAttributes.GEN_AI_OUTPUT_TYPE, "text"),
                        equalTo(GenAiAttributes.GEN_AI_CONVERSATION_ID, "conv-1"),
                        equalTo(ServerAttributes.SERVER_ADDRESS, "api.openai.com"),
                        equalTo(ServerAttributes.SERVER_PORT, 443L),
                        equalTo(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06"),
                        equalTo(GenAiAttributes.GEN_AI_RESPONSE_ID, "chatcmpl-1"),
                        equalTo(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
                        equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 1200L),
                        equalTo(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 48L),
                        equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 200L),
                        // (1000 x 2.50 + 200 x 1.25 cached + 48 x 10.00) / 1e6: cached tokens
                        // counted once
                        equalTo(GenAiAttributes.GEN_AI_USAGE_COST, 0.00323)))
        .hasNoOtherSpans();
  }

  @Test
  void requestAttributesAreVisibleToTheSamplerAtStart() {
    // a span processor's onStart sees what a sampler sees: the attributes given at start
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.opentelemetry.sdk.trace.SpanProcessor spy =
        new io.opentelemetry.sdk.trace.SpanProcessor() {
          @Override
          public void onStart(
              io.opentelemetry.context.Context parentContext,
              io.opentelemetry.sdk.trace.ReadWriteSpan span) {
            seen.add(
                span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME)
                    + "|"
                    + span.getAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME)
                    + "|"
                    + span.getAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL)
                    + "|"
                    + span.getAttribute(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE));
          }

          @Override
          public boolean isStartRequired() {
            return true;
          }

          @Override
          public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {}

          @Override
          public boolean isEndRequired() {
            return false;
          }
        };
    try (io.opentelemetry.sdk.OpenTelemetrySdk sdk =
        io.opentelemetry.sdk.OpenTelemetrySdk.builder()
            .setTracerProvider(
                io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                    .addSpanProcessor(spy)
                    .build())
            .build()) {
      GenAiTelemetry.create(sdk).chat("anthropic", "claude-sonnet-4").temperature(0.5).call(s -> 1);
    }
    assertThat(seen).containsExactly("chat|anthropic|claude-sonnet-4|0.5");
  }

  @Test
  void modelOperationsAreClientSpansNamedByOperationAndModel() {
    tracing.traced(
        "request",
        () -> {
          ai.textCompletion("openai", "gpt-3.5-turbo-instruct").call(s -> null);
          ai.generateContent("gcp.gemini", "gemini-2.5-flash").call(s -> null);
          ai.embeddings("openai", "text-embedding-3-small")
              .dimensionCount(256)
              .encodingFormats("float")
              .call(s -> s.usage(1000));
        });

    otel.assertTrace("request")
        .hasChild(
            "text_completion gpt-3.5-turbo-instruct",
            span ->
                span.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "text_completion"),
                        equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-3.5-turbo-instruct")));
    otel.assertTrace("request")
        .hasChild(
            "generate_content gemini-2.5-flash",
            span ->
                span.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "generate_content"),
                        equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "gcp.gemini"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gemini-2.5-flash")));
    otel.assertTrace("request")
        .hasChild(
            "embeddings text-embedding-3-small",
            span ->
                span.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "embeddings"),
                        equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "text-embedding-3-small"),
                        equalTo(GenAiAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 256L),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_ENCODING_FORMATS, List.of("float")),
                        equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 1000L),
                        equalTo(GenAiAttributes.GEN_AI_USAGE_COST, 0.00002)));
  }

  @Test
  void toolsAgentsAndRetrievalHaveTheirOwnNamesAndKinds() {
    tracing.traced(
        "request",
        () -> {
          ai.executeTool("get_weather")
              .callId("call_1")
              .type("function")
              .description("Current weather of a city")
              .arguments("{\"city\":\"Paris\"}")
              .call(s -> s.toolResult("{\"temp\":21}"));
          ai.invokeAgent("planner")
              .agentId("agent-7")
              .description("Plans trips")
              .version("3")
              .model("gpt-4o")
              .dataSourceId("kb-trips")
              .call(s -> null);
          ai.invokeAgent("support-bot").remote("aws.bedrock").agentId("AGENT42").call(s -> null);
          ai.createAgent("math-tutor").provider("openai").model("gpt-4o").call(s -> null);
          ai.retrieval("kb-products")
              .provider("pinecone")
              .model("text-embedding-3-small")
              .topK(5)
              .query("red shoes")
              .call(s -> null);
        });

    otel.assertTrace("request")
        .hasChild(
            "execute_tool get_weather",
            span ->
                span.hasKind(SpanKind.INTERNAL)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "execute_tool"),
                        equalTo(GenAiAttributes.GEN_AI_TOOL_NAME, "get_weather"),
                        equalTo(GenAiAttributes.GEN_AI_TOOL_CALL_ID, "call_1"),
                        equalTo(GenAiAttributes.GEN_AI_TOOL_TYPE, "function"),
                        equalTo(
                            GenAiAttributes.GEN_AI_TOOL_DESCRIPTION, "Current weather of a city")));
    otel.assertTrace("request")
        .hasChild(
            "invoke_agent planner",
            span ->
                span.hasKind(SpanKind.INTERNAL)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "planner"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_ID, "agent-7"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_DESCRIPTION, "Plans trips"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_VERSION, "3"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"),
                        equalTo(GenAiAttributes.GEN_AI_DATA_SOURCE_ID, "kb-trips")));
    otel.assertTrace("request")
        .hasChild(
            "invoke_agent support-bot",
            span ->
                span.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "support-bot"),
                        equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "aws.bedrock"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_ID, "AGENT42")));
    otel.assertTrace("request")
        .hasChild(
            "create_agent math-tutor",
            span ->
                span.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "create_agent"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "math-tutor"),
                        equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")));
    otel.assertTrace("request")
        .hasChild(
            "retrieval kb-products",
            span ->
                span.hasKind(SpanKind.CLIENT)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "retrieval"),
                        equalTo(GenAiAttributes.GEN_AI_DATA_SOURCE_ID, "kb-products"),
                        equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "pinecone"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "text-embedding-3-small"),
                        equalTo(GenAiAttributes.GEN_AI_REQUEST_TOP_K, 5.0)));
  }

  @Test
  void agentToolAndChatCallsFormOneTreeWithTotalsOnTheAgent() {
    // the agent is the local root here (no request span): it gets the request's totals
    String result =
        ai.invokeAgent("trip-planner")
            .call(
                agent -> {
                  ai.chat("openai", "gpt-4o").call(s -> s.usage(100, 20));
                  String weather =
                      ai.executeTool("get_weather")
                          .call(
                              tool -> {
                                // a model call made by the tool is a grandchild of the agent
                                ai.chat("openai", "gpt-4o").call(s -> s.usage(50, 5));
                                return "sunny";
                              });
                  ai.chat("openai", "gpt-4o").call(s -> s.usage(130, 40));
                  return weather;
                });

    assertThat(result).isEqualTo("sunny");
    otel.assertTrace("invoke_agent trip-planner")
        .hasChildren("chat gpt-4o", 2)
        .hasChildTree("execute_tool get_weather", tool -> tool.hasChild("chat gpt-4o"))
        .hasNoOtherSpans()
        // 280 input x 2.50 + 65 output x 10.00 per million = 0.0007 + 0.00065
        .hasRoot(
            agent ->
                agent
                    .hasNoParent()
                    .hasAttributesSatisfyingExactly(
                        equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "invoke_agent"),
                        equalTo(GenAiAttributes.GEN_AI_AGENT_NAME, "trip-planner"),
                        equalTo(GenAiAttributes.TOTAL_INPUT_TOKENS, 280L),
                        equalTo(GenAiAttributes.TOTAL_OUTPUT_TOKENS, 65L),
                        equalTo(GenAiAttributes.TOTAL_COST, 0.00135)));
  }

  @Test
  @SuppressWarnings("try")
  void theSpanIsCurrentInsideCallAndOnlyAfterMakeCurrentForStart() {
    ai.chat("openai", "gpt-4o")
        .call(
            span -> {
              assertThat(Span.current()).isSameAs(span.span());
              return null;
            });
    GenAiSpan started = ai.chat("openai", "gpt-4o").start();
    assertThat(Span.current()).isNotSameAs(started.span());
    try (Scope ignored = started.makeCurrent()) {
      assertThat(Span.current()).isSameAs(started.span());
    } finally {
      started.close();
    }
    started.close(); // idempotent
    assertThat(otel.spans()).hasSize(2);
  }

  @Test
  void aFailingBodyIsRecordedAndTheSameCheckedExceptionRethrown() {
    IOException failure = new IOException("connection reset");
    assertThatThrownBy(
            () ->
                ai.chat("openai", "gpt-4o")
                    .call(
                        span -> {
                          throw failure;
                        }))
        .isSameAs(failure);

    SpanData chat = otel.assertTrace("chat gpt-4o").rootSpan();
    assertThat(chat)
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(StatusCode.ERROR, "connection reset"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"),
            equalTo(ErrorAttributes.ERROR_TYPE, "java.io.IOException"));
    assertThat(chat.getEvents()).hasSize(1);
    EventData event = chat.getEvents().get(0);
    assertThat(event.getName()).isEqualTo("exception");
    assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.message")))
        .isEqualTo("connection reset");
  }

  @Test
  void anErrorRecordedByTheBodyAndRethrownIsRecordedOnce() {
    IllegalStateException failure = new IllegalStateException("bad response");
    assertThatThrownBy(
            () ->
                ai.chat("openai", "gpt-4o")
                    .call(
                        span -> {
                          span.error(failure);
                          throw failure;
                        }))
        .isSameAs(failure);
    SpanData chat = otel.assertTrace("chat gpt-4o").rootSpan();
    assertThat(chat.getEvents()).hasSize(1);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getAttributes().get(ErrorAttributes.ERROR_TYPE))
        .isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void aProviderErrorCodeWithoutAnExceptionSetsErrorType() {
    Integer result =
        ai.chat("openai", "gpt-4o")
            .call(
                span -> {
                  span.error("rate_limit_exceeded");
                  return 0;
                });
    assertThat(result).isZero();
    SpanData chat = otel.assertTrace("chat gpt-4o").rootSpan();
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat.getEvents()).isEmpty();
    assertThat(chat.getAttributes().get(ErrorAttributes.ERROR_TYPE))
        .isEqualTo("rate_limit_exceeded");
  }

  @Test
  void callsAfterTheEndAreIgnored() {
    GenAiSpan span = ai.chat("openai", "gpt-4o").start();
    span.close();
    span.usage(10, 10).responseModel("late").responseId("late").finishReasons("stop");
    otel.assertTrace("chat gpt-4o")
        .hasRoot(
            chat ->
                chat.hasAttributesSatisfyingExactly(
                    equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
                    equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                    equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")));
    assertThat(span.cost()).isNull();
  }

  @Test
  void withANoopOpenTelemetryBodiesRunAndNothingFails() {
    GenAiTelemetry noop = GenAiTelemetry.create(io.opentelemetry.api.OpenTelemetry.noop());
    String result =
        noop.chat("openai", "gpt-4o")
            .call(
                span -> {
                  span.responseModel("gpt-4o").usage(10, 10).firstToken();
                  return "ran";
                });
    assertThat(result).isEqualTo("ran");
    try (GenAiSpan span = noop.invokeAgent("a").start()) {
      assertThat(span.span().getSpanContext().isValid()).isFalse();
    }
  }

  @Test
  void instrumentationFailuresNeverReachTheCaller() {
    // the second call overflows the request's long token total inside the accumulator
    String result =
        tracing.traced(
            "request",
            () -> {
              ai.chat("openai", "gpt-4o").call(s -> s.usage(Long.MAX_VALUE, 0));
              return ai.chat("openai", "gpt-4o")
                  .call(
                      s -> {
                        s.usage(Long.MAX_VALUE, 0);
                        return "answer";
                      });
            });
    assertThat(result).isEqualTo("answer");
    assertThat(otel.spans().stream().filter(s -> s.getName().equals("chat gpt-4o")))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.hasEnded()).isTrue());
  }

  @Test
  void invalidArgumentsFailFastWithTheirName() {
    assertThatThrownBy(() -> ai.chat("openai", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model");
    assertThatThrownBy(() -> ai.executeTool(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("toolName");
    GenAiSpan span = ai.chat("openai", "gpt-4o").start();
    assertThatThrownBy(() -> span.usage(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input=-1");
    span.close();
  }
}
