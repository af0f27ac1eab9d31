package dev.oteltoolkit.examples.demo;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.oteltoolkit.ai.GenAiTelemetry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support agent: asks the model, runs the tools it asks for, and asks again with their results
 * until it answers. One {@code invoke_agent support-agent} span per question, a {@code chat} span
 * per model call (recorded by the wrapped OpenAI client) and an {@code execute_tool} span per tool
 * call below it.
 */
final class SupportAgent {

  /** The agent's name, {@code gen_ai.agent.name}. */
  static final String NAME = "support-agent";

  /** The model every call asks for; the shipped price table knows it. */
  static final String MODEL = "gpt-4o-mini";

  private static final Logger log = LoggerFactory.getLogger(SupportAgent.class);
  private static final double TEMPERATURE = 0.2;
  private static final int MAX_STEPS = 4;
  private static final String INSTRUCTIONS =
      "You are the support desk of an online shop. Answer in one sentence. Use the tools to look"
          + " orders up; never guess an order's status.";

  private final GenAiTelemetry ai;
  private final OpenAIClient openAi;
  private final OrderTools tools;

  /** {@code openAi} is wrapped by {@code OpenAiTelemetry}: each call records itself. */
  SupportAgent(GenAiTelemetry ai, OpenAIClient openAi, OrderTools tools) {
    this.ai = ai;
    this.openAi = openAi;
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
              ChatCompletionCreateParams.Builder conversation =
                  ChatCompletionCreateParams.builder()
                      .model(MODEL)
                      .temperature(TEMPERATURE)
                      .addSystemMessage(INSTRUCTIONS)
                      .addUserMessage(question);
              OrderTools.DEFINITIONS.forEach(conversation::addFunctionTool);
              for (int step = 0; step < MAX_STEPS; step++) {
                ChatCompletion reply = openAi.chat().completions().create(conversation.build());
                ChatCompletionMessage message = reply.choices().get(0).message();
                List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElse(List.of());
                if (calls.isEmpty()) {
                  return message.content().orElse("");
                }
                conversation.addMessage(message);
                for (ChatCompletionMessageToolCall call : calls) {
                  conversation.addMessage(run(call.asFunction()));
                }
              }
              throw new IllegalStateException("no answer after " + MAX_STEPS + " model calls");
            });
  }

  /** Runs the tool the model asks for in an {@code execute_tool} span; its result for the model. */
  private ChatCompletionToolMessageParam run(ChatCompletionMessageFunctionToolCall call)
      throws Exception {
    String name = call.function().name();
    String arguments = call.function().arguments();
    log.info("the model asks for {} {}", name, arguments);
    String result =
        ai.executeTool(name)
            .callId(call.id())
            .type("function")
            .call(tool -> tools.run(name, arguments));
    return ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content(result).build();
  }
}
