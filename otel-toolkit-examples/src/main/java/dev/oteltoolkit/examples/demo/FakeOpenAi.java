package dev.oteltoolkit.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oteltoolkit.examples.scaffold.FakeChatServer;
import dev.oteltoolkit.examples.scaffold.FakeChatServer.Answer;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's stand-in for OpenAI: a {@link FakeChatServer} whose "model" asks for a tool when a
 * question names an order (a refund or its status), answers from the tool's result on the next
 * call, and answers anything else with the opening hours.
 */
public final class FakeOpenAi implements FakeChatServer.Model {

  /** The dated model version that answers requests for {@code gpt-4o-mini}, as OpenAI's does. */
  static final String RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

  private static final Pattern REFUND = Pattern.compile("(?i)refund.*?(\\d{4})");
  private static final Pattern ORDER = Pattern.compile("(?i)order (\\d{4})");

  private FakeOpenAi() {}

  /**
   * Starts the fake on an ephemeral loopback port.
   *
   * @return the running server; close it to stop it
   * @throws IOException if the server cannot listen
   */
  public static FakeChatServer start() throws IOException {
    return FakeChatServer.start("fake-openai", "chatcmpl-demo", new FakeOpenAi());
  }

  /**
   * Answers a chat completion request.
   *
   * @param request the request body
   * @return a tool call for a question about an order, else a text
   */
  @Override
  public Answer answer(JsonNode request) {
    String toolResult = FakeChatServer.lastContent(request, "tool");
    if (toolResult != null) {
      return Answer.text(RESPONSE_MODEL, "Here is what I found: " + toolResult);
    }
    String question = FakeChatServer.lastContent(request, "user");
    question = question == null ? "" : question;
    Matcher refund = REFUND.matcher(question);
    if (refund.find()) {
      return Answer.toolCall(RESPONSE_MODEL, "request_refund", Map.of("order_id", refund.group(1)));
    }
    Matcher order = ORDER.matcher(question);
    if (order.find()) {
      return Answer.toolCall(RESPONSE_MODEL, "order_status", Map.of("order_id", order.group(1)));
    }
    return Answer.text(RESPONSE_MODEL, "We are open Monday to Friday, 9:00 to 18:00 CET.");
  }
}
