package dev.oteltoolkit.ai.langchain4j;

import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.completion;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.json;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.openAiUsage;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.toolCall;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_AGENT_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_TOOL_CALL_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_TOOL_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_TOOL_TYPE;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** An AI service with a tool: the tool's span nests under the agent, beside the model calls. */
class LangChain4jAiServiceTest extends AbstractFakeServerTest {

  interface Assistant {
    String chat(String question);
  }

  /** A tool whose own work is traced, to show where it nests. */
  final class WeatherTools {
    @Tool("Current temperature in a city, in degrees Celsius")
    String getWeather(String city) {
      return tracing.traced("weather-lookup", () -> "{\"city\":\"" + city + "\",\"celsius\":18}");
    }

    @Tool("Fails on purpose")
    String brokenTool(String input) {
      throw new IllegalStateException("tool failed");
    }
  }

  private Assistant assistant() {
    return assistant(telemetry);
  }

  private Assistant assistant(LangChain4jTelemetry telemetry) {
    OpenAiChatModel model =
        OpenAiChatModel.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test-key")
            .modelName("gpt-4o-mini")
            .maxRetries(0)
            .build();
    return telemetry.aiService(
        "weather-assistant",
        Assistant.class,
        AiServices.builder(Assistant.class)
            .chatModel(telemetry.wrap(model))
            .tools(telemetry.tools(new WeatherTools()))
            .build());
  }

  @Test
  void toolExecutionsNestUnderTheAgentBesideTheModelCalls() {
    server
        .reply(
            json(
                200,
                toolCall(
                    "chatcmpl-t1",
                    "gpt-4o-mini",
                    "call_1",
                    "getWeather",
                    "{\"arg0\":\"Paris\"}",
                    openAiUsage(300, 20, 0))))
        .reply(
            json(
                200,
                completion(
                    "chatcmpl-t2", "gpt-4o-mini", "18 C in Paris.", openAiUsage(350, 10, 0))));
    Assistant assistant = assistant();

    String answer = tracing.traced("handle", () -> assistant.chat("Weather in Paris?"));

    Assertions.assertThat(answer).isEqualTo("18 C in Paris.");
    List<SpanData> spans =
        otel.assertTrace("handle")
            // gpt-4o-mini: (300 + 350) x 0.15 + (20 + 10) x 0.60 = 115.5 / 1e6
            .hasRoot(
                root ->
                    root.hasAttributesSatisfyingExactly(
                        equalTo(Keys.TOTAL_INPUT_TOKENS, 650L),
                        equalTo(Keys.TOTAL_OUTPUT_TOKENS, 30L),
                        equalTo(Keys.TOTAL_COST, 0.0001155)))
            .hasChildTree(
                "invoke_agent weather-assistant",
                agent ->
                    agent
                        .satisfiesSpan(
                            span ->
                                span.hasKind(SpanKind.INTERNAL)
                                    .hasAttributesSatisfyingExactly(
                                        equalTo(GEN_AI_OPERATION_NAME, "invoke_agent"),
                                        equalTo(GEN_AI_AGENT_NAME, "weather-assistant")))
                        .hasChildren("chat gpt-4o-mini", 2)
                        // the tool's own work is its child
                        .hasChildTree(
                            "execute_tool getWeather",
                            tool ->
                                tool.satisfiesSpan(
                                        span ->
                                            span.hasKind(SpanKind.INTERNAL)
                                                .hasAttributesSatisfyingExactly(
                                                    equalTo(GEN_AI_OPERATION_NAME, "execute_tool"),
                                                    equalTo(GEN_AI_TOOL_NAME, "getWeather"),
                                                    equalTo(GEN_AI_TOOL_CALL_ID, "call_1"),
                                                    equalTo(GEN_AI_TOOL_TYPE, "function")))
                                    .hasChild("weather-lookup")
                                    .hasNoOtherChildren())
                        .hasNoOtherChildren())
            .hasNoOtherSpans()
            .spans();
    List<SpanData> chats = named(spans, "chat gpt-4o-mini");
    SpanData tool = named(spans, "execute_tool getWeather").get(0);
    assertThat(chats.get(0)).hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("tool_call"));
    assertThat(chats.get(1)).hasAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop"));
    // the tool ran between the two model calls
    Assertions.assertThat(tool.getStartEpochNanos())
        .isGreaterThanOrEqualTo(chats.get(0).getEndEpochNanos());
    Assertions.assertThat(tool.getEndEpochNanos())
        .isLessThanOrEqualTo(chats.get(1).getStartEpochNanos());
    Assertions.assertThat(server.requests().get(1)).contains("celsius");
  }

  @Test
  void aFailingToolFailsItsSpanAndTheServiceGoesOnAsLangChain4jDecides() {
    server
        .reply(
            json(
                200,
                toolCall(
                    "chatcmpl-f1",
                    "gpt-4o-mini",
                    "call_2",
                    "brokenTool",
                    "{\"arg0\":\"x\"}",
                    openAiUsage(10, 5, 0))))
        .reply(
            json(200, completion("chatcmpl-f2", "gpt-4o-mini", "Sorry.", openAiUsage(20, 5, 0))));

    String answer = assistant().chat("Break it");

    // LangChain4j's default error handler sends the tool's error to the model
    Assertions.assertThat(answer).isEqualTo("Sorry.");
    otel.assertTrace("invoke_agent weather-assistant")
        .hasChild(
            "execute_tool brokenTool",
            tool ->
                tool.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    // LangChain4j's tool executor wraps what the tool threw
                    .hasAttribute(
                        ErrorAttributes.ERROR_TYPE,
                        "dev.langchain4j.exception.ToolExecutionException"));
    Assertions.assertThat(server.requests().get(1)).contains("tool failed");
  }

  @Test
  void aToolThatReturnsAnErrorResultFailsItsSpanWithToolError() {
    ToolExecutionResult refusal =
        ToolExecutionResult.builder().isError(true).resultText("city unknown").build();
    ToolExecutor executor =
        new ToolExecutor() {
          @Override
          public String execute(ToolExecutionRequest request, Object memoryId) {
            throw new AssertionError("executeWithContext is the one called");
          }

          @Override
          public ToolExecutionResult executeWithContext(
              ToolExecutionRequest request, InvocationContext context) {
            return refusal;
          }
        };
    ToolExecutionRequest call =
        ToolExecutionRequest.builder().id("call_5").name("getWeather").arguments("{}").build();

    ToolExecutionResult result =
        tracing.traced("caller", () -> telemetry.wrap(executor).executeWithContext(call, null));

    Assertions.assertThat(result).isSameAs(refusal);
    otel.assertTrace("caller")
        .hasChild(
            "execute_tool getWeather",
            tool ->
                tool.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasAttributesSatisfyingExactly(
                        equalTo(GEN_AI_OPERATION_NAME, "execute_tool"),
                        equalTo(GEN_AI_TOOL_NAME, "getWeather"),
                        equalTo(GEN_AI_TOOL_CALL_ID, "call_5"),
                        equalTo(GEN_AI_TOOL_TYPE, "function"),
                        equalTo(ErrorAttributes.ERROR_TYPE, "tool_error")));
  }

  @Test
  void withContentCaptureAToolSpanHasItsArgumentsAndResult() {
    LangChain4jTelemetry capturing =
        LangChain4jTelemetry.create(
            GenAiTelemetry.builder(otel.openTelemetry()).captureMessageContent(true).build());
    server
        .reply(
            json(
                200,
                toolCall(
                    "chatcmpl-c1",
                    "gpt-4o-mini",
                    "call_3",
                    "getWeather",
                    "{\"arg0\":\"Paris\"}",
                    openAiUsage(30, 5, 0))))
        .reply(json(200, completion("chatcmpl-c2", "gpt-4o-mini", "18 C.", openAiUsage(40, 3, 0))));

    assistant(capturing).chat("Weather in Paris?");

    otel.assertTrace("invoke_agent weather-assistant")
        .hasSpan(
            "execute_tool getWeather",
            tool ->
                tool.hasAttribute(Keys.TOOL_CALL_ARGUMENTS, "{\"arg0\":\"Paris\"}")
                    .hasAttribute(Keys.TOOL_CALL_RESULT, "{\"city\":\"Paris\",\"celsius\":18}"));
  }

  @Test
  void overBudgetTheAgentAndToolsAreRefusedBeforeTheyRun() {
    LangChain4jTelemetry strict =
        LangChain4jTelemetry.create(
            GenAiTelemetry.builder(otel.openTelemetry())
                .requestBudgetTokens(100)
                .stopOverBudget(true)
                .build());
    server.reply(
        json(200, completion("chatcmpl-b1", "gpt-4o-mini", "18 C.", openAiUsage(300, 20, 0))));
    Assistant assistant = assistant(strict);
    ToolExecutor tool = strict.tools(new WeatherTools()).get(0).toolExecutor();
    ToolExecutionRequest call =
        ToolExecutionRequest.builder()
            .id("call_4")
            .name("getWeather")
            .arguments("{\"arg0\":\"Paris\"}")
            .build();

    tracing.traced(
        "request",
        () -> {
          assistant.chat("Weather in Paris?"); // 320 tokens: over the budget of 100
          Assertions.assertThatThrownBy(() -> assistant.chat("And in Rome?"))
              .isInstanceOf(BudgetExceededException.class);
          Assertions.assertThatThrownBy(() -> tool.execute(call, null))
              .isInstanceOf(BudgetExceededException.class);
        });

    Assertions.assertThat(server.requests()).hasSize(1);
    otel.assertTrace("request")
        .hasChildTree("invoke_agent weather-assistant", agent -> agent.hasChild("chat gpt-4o-mini"))
        .hasNoOtherSpans();
    Assertions.assertThat(otel.spans()).hasSize(3);
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }
}
