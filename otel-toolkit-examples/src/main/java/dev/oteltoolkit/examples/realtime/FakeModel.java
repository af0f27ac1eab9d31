package dev.oteltoolkit.examples.realtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a streaming chat model, in process: it answers any question with a short,
 * deterministic text in chunks, and reports token usage the way OpenAI's API does (about four
 * characters a token). It is the outside world, so it records no telemetry.
 */
final class FakeModel {

  /** The provider, {@code gen_ai.provider.name}. */
  static final String PROVIDER = "openai";

  /** The model asked for; the shipped price table knows it. */
  static final String MODEL = "gpt-4o-mini";

  /** The dated version that answers, as OpenAI's does; the price table strips the date. */
  static final String RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

  /** The answer's limit, {@code gen_ai.request.max_tokens}. */
  static final long MAX_TOKENS = 200;

  private static final String INSTRUCTIONS = "You are the shop's support assistant. Be brief.";

  private final AtomicInteger responses = new AtomicInteger();

  /** Answers {@code question}. */
  Answer answer(String question) {
    String text =
        "Thanks for asking. Your question ("
            + question.length()
            + " characters) has reached"
            + " the support team; orders usually ship within two days.";
    return new Answer(
        "chatcmpl-rt" + responses.incrementAndGet(),
        List.of(text.split(" ")), // one chunk a word
        tokens(INSTRUCTIONS) + tokens(question),
        tokens(text));
  }

  private static long tokens(String text) {
    return (text.length() + 3) / 4;
  }

  /**
   * A streamed answer.
   *
   * @param id the response id
   * @param chunks the text, chunk by chunk
   * @param inputTokens the prompt's tokens
   * @param outputTokens the answer's tokens
   */
  record Answer(String id, List<String> chunks, long inputTokens, long outputTokens) {}
}
