package dev.oteltoolkit.ai.anthropic;

import com.anthropic.core.JsonField;
import com.anthropic.models.messages.MessageDeltaUsage;
import com.anthropic.models.messages.OutputTokensDetails;
import com.anthropic.models.messages.Usage;
import dev.oteltoolkit.ai.GenAiSpan;

/**
 * Token counts as Anthropic reports them, read leniently (a count that is missing or not a number
 * is unknown), put on a span the way the GenAI conventions count them.
 *
 * <p>Anthropic's {@code input_tokens} leaves out the tokens read from and written to the prompt
 * cache; the conventions' {@code gen_ai.usage.input_tokens} includes them. So the span's input is
 * {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}, with the two cache
 * counts also recorded apart (and priced apart). Output tokens include thinking tokens in both.
 */
final class Tokens {

  Long input;
  Long output;
  Long cacheRead;
  Long cacheCreation;
  Long thinking;

  /** Takes every count {@code usage} has (a whole response, or {@code message_start}'s). */
  void take(Usage usage) {
    input = valueOr(usage._inputTokens(), input);
    output = valueOr(usage._outputTokens(), output);
    cacheRead = valueOr(usage._cacheReadInputTokens(), cacheRead);
    cacheCreation = valueOr(usage._cacheCreationInputTokens(), cacheCreation);
    thinking = thinking(usage._outputTokensDetails(), thinking);
  }

  /**
   * Takes the counts of {@code message_delta}: they are cumulative, so each one it has replaces the
   * one {@code message_start} gave.
   */
  void take(MessageDeltaUsage usage) {
    input = valueOr(usage._inputTokens(), input);
    output = valueOr(usage._outputTokens(), output);
    cacheRead = valueOr(usage._cacheReadInputTokens(), cacheRead);
    cacheCreation = valueOr(usage._cacheCreationInputTokens(), cacheCreation);
    thinking = thinking(usage._outputTokensDetails(), thinking);
  }

  /** Records the usage; nothing at all when the response had no {@code input_tokens}. */
  void recordOn(GenAiSpan span) {
    if (input == null) {
      return;
    }
    long allInput = input + zeroIfNull(cacheRead) + zeroIfNull(cacheCreation);
    if (output != null) {
      span.usage(allInput, output);
    } else {
      span.usage(allInput);
    }
    if (cacheRead != null) {
      span.cacheReadInputTokens(cacheRead);
    }
    if (cacheCreation != null) {
      span.cacheCreationInputTokens(cacheCreation);
    }
    if (thinking != null) {
      span.reasoningOutputTokens(thinking);
    }
  }

  private static Long thinking(JsonField<OutputTokensDetails> details, Long previous) {
    return details.asKnown().map(d -> valueOr(d._thinkingTokens(), previous)).orElse(previous);
  }

  private static Long valueOr(JsonField<Long> field, Long previous) {
    Long value = field.asKnown().orElse(null);
    return value != null && value >= 0 ? value : previous;
  }

  private static long zeroIfNull(Long value) {
    return value == null ? 0 : value;
  }
}
