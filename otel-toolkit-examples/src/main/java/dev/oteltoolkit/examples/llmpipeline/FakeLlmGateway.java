package dev.oteltoolkit.examples.llmpipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oteltoolkit.examples.scaffold.FakeChatServer;
import dev.oteltoolkit.examples.scaffold.FakeChatServer.Answer;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * A stand-in for an OpenAI-compatible LLM gateway in front of several providers (as LiteLLM or
 * OpenRouter are): a {@link FakeChatServer} that answers for any model, with the dated model
 * version the provider reports. Each model plays one part of the pipeline: it summarises,
 * classifies, drafts or reviews, whatever the prompt.
 */
final class FakeLlmGateway implements FakeChatServer.Model {

  /** The dated versions the providers answer with; the price table strips the date stamp. */
  private static final Map<String, String> RESPONSE_MODELS =
      Map.of(
          "gpt-4o-mini", "gpt-4o-mini-2024-07-18",
          "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");

  private FakeLlmGateway() {}

  /** Starts the gateway on an ephemeral loopback port. */
  static FakeChatServer start() throws IOException {
    return FakeChatServer.start("fake-llm-gateway", "chatcmpl-fake", new FakeLlmGateway());
  }

  @Override
  public Answer answer(JsonNode request) {
    String model = request.path("model").asText();
    String user = FakeChatServer.lastContent(request, "user");
    String text = answer(model, user == null ? "" : user);
    return Answer.text(RESPONSE_MODELS.getOrDefault(model, model), text);
  }

  private static String answer(String model, String user) {
    String lower = user.toLowerCase(Locale.ROOT);
    if (model.startsWith("gpt")) {
      return "The customer writes: " + (user.length() > 60 ? user.substring(0, 60) + "..." : user);
    }
    if (model.startsWith("mistral")) {
      return lower.contains("refund") || lower.contains("charged")
          ? "billing"
          : lower.contains("broken") || lower.contains("damaged") ? "damaged_item" : "general";
    }
    if (model.startsWith("claude")) {
      return "Dear customer, thank you for writing to us. We are sorry for the trouble and have"
          + " passed your case ("
          + user
          + ") to the right team; you will hear from us within a"
          + " day.";
    }
    return "approved: polite, accurate, no promises we cannot keep";
  }
}
