package dev.oteltoolkit.examples.demo;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.examples.demo.ChatCompletion.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support agent: asks the model, runs the tools it asks for, and asks again with their
 * results until it answers. One {@code invoke_agent support-agent} span per question, a {@code chat}
 * span per model call and an {@code execute_tool} span per tool call below it.
 */
final class SupportAgent {

  /** The agent's name, {@code gen_ai.agent.name}. */
  static final String NAME = "support-agent";

  private static final Logger log = LoggerFactory.getLogger(SupportAgent.class);
  private static final int MAX_STEPS = 4;
  private static final String INSTRUCTIONS =
      "You are the support desk of an online shop. Answer in one sentence. Use the tools to look"
          + " orders up; never guess an order's status.";

  private final GenAiTelemetry ai;
  private final LlmClient llm;
  private final OrderTools tools;

  SupportAgent(GenAiTelemetry ai, LlmClient llm, OrderTools tools) {
    this.ai = ai;
    this.llm = llm;
    this.tools = tools;
  }

  /**
   * Answers a customer's question.
   *
   * @throws Exception when the model or a tool fails; the spans record where
   */
  String answer(String question) throws Exception {
    return ai.invokeAgent(NAME)
        .call(
            agent -> {
              List<String> messages = new ArrayList<>();
              messages.add(message("system", INSTRUCTIONS));
              messages.add(message("user", question));
              for (int step = 0; step < MAX_STEPS; step++) {
                ChatCompletion reply = llm.chat(messages);
                ToolCall call = reply.toolCall();
                if (call == null) {
                  return reply.content();
                }
                log.info("the model asks for {} {}", call.name(), call.arguments());
                String result =
                    ai.executeTool(call.name())
                        .callId(call.id())
                        .type("function")
                        .call(tool -> tools.run(call.name(), call.arguments()));
                messages.add(toolCallMessage(call));
                messages.add(toolResultMessage(call, result));
              }
              throw new IllegalStateException("no answer after " + MAX_STEPS + " model calls");
            });
  }

  private static String message(String role, String content) {
    return "{\"role\":\"" + role + "\",\"content\":" + JsonText.quote(content) + "}";
  }

  private static String toolCallMessage(ToolCall call) {
    return "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\""
        + call.id()
        + "\",\"type\":\"function\",\"function\":{\"name\":\""
        + call.name()
        + "\",\"arguments\":"
        + JsonText.quote(call.arguments())
        + "}}]}";
  }

  private static String toolResultMessage(ToolCall call, String result) {
    return "{\"role\":\"tool\",\"tool_call_id\":\""
        + call.id()
        + "\",\"content\":"
        + JsonText.quote(result)
        + "}";
  }
}
