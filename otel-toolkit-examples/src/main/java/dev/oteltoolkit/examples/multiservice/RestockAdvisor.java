package dev.oteltoolkit.examples.multiservice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oteltoolkit.examples.scaffold.FakeChatServer;
import dev.oteltoolkit.examples.scaffold.FakeChatServer.Answer;
import java.io.IOException;
import java.time.Duration;

/**
 * The model behind the inventory's "restock-advisor" agent: a {@link FakeChatServer} that takes
 * {@link #LATENCY} to answer, as a model takes its time to generate, and always advises the same.
 */
final class RestockAdvisor implements FakeChatServer.Model {

  /** What the agent asks for. */
  static final String MODEL = "gpt-4o-mini";

  /** The dated version that answers, as OpenAI's does. */
  static final String RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

  /** How long each answer takes: the model's share of a request, at least this much. */
  static final Duration LATENCY = Duration.ofMillis(40);

  /** The advice, the same for every scan. */
  static final String ADVICE = "Stock is fine, no reorder needed.";

  private RestockAdvisor() {}

  /** Starts the fake model on an ephemeral loopback port. */
  static FakeChatServer start() throws IOException {
    return FakeChatServer.start("restock-advisor-model", "chatcmpl-restock", new RestockAdvisor());
  }

  @Override
  public Answer answer(JsonNode request) {
    try {
      Thread.sleep(LATENCY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Answer.text(RESPONSE_MODEL, ADVICE);
  }
}
