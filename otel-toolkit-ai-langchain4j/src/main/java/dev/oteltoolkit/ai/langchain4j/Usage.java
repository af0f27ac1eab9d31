package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.model.output.TokenUsage;
import dev.oteltoolkit.ai.GenAiSpan;
import java.lang.reflect.Method;

/**
 * A {@link TokenUsage} on a span, with the cache and reasoning counts of the provider-specific
 * subclasses, read by name so that the provider modules stay optional:
 *
 * <ul>
 *   <li>{@code AnthropicTokenUsage} ({@code langchain4j-anthropic}): its input count is Anthropic's
 *       {@code input_tokens}, without the cache reads and writes; the span's input is the sum of
 *       the three, as the GenAI conventions count it;
 *   <li>{@code OpenAiTokenUsage} ({@code langchain4j-open-ai}): the input count already includes
 *       {@code inputTokensDetails().cachedTokens()}; {@code outputTokensDetails()
 *       .reasoningTokens()} is part of the output.
 * </ul>
 */
final class Usage {

  private static final String ANTHROPIC = "dev.langchain4j.model.anthropic.AnthropicTokenUsage";
  private static final String OPEN_AI = "dev.langchain4j.model.openai.OpenAiTokenUsage";

  private Usage() {}

  static void record(GenAiSpan span, TokenUsage usage) {
    if (usage == null || usage.inputTokenCount() == null) {
      return; // no usage, no cost
    }
    long input = usage.inputTokenCount();
    Integer output = usage.outputTokenCount();
    Integer cacheRead = null;
    Integer cacheCreation = null;
    Integer reasoning = null;
    String type = usage.getClass().getName();
    if (type.equals(ANTHROPIC)) {
      cacheRead = (Integer) call(usage, "cacheReadInputTokens");
      cacheCreation = (Integer) call(usage, "cacheCreationInputTokens");
      input += zeroIfNull(cacheRead) + zeroIfNull(cacheCreation);
    } else if (type.equals(OPEN_AI)) {
      cacheRead = (Integer) call(call(usage, "inputTokensDetails"), "cachedTokens");
      reasoning = (Integer) call(call(usage, "outputTokensDetails"), "reasoningTokens");
    }
    if (output != null) {
      span.usage(input, output);
    } else {
      span.usage(input);
    }
    if (cacheRead != null) {
      span.cacheReadInputTokens(cacheRead);
    }
    if (cacheCreation != null) {
      span.cacheCreationInputTokens(cacheCreation);
    }
    if (reasoning != null) {
      span.reasoningOutputTokens(reasoning);
    }
  }

  /** {@code target.name()}, or null when target is null. */
  private static Object call(Object target, String name) {
    if (target == null) {
      return null;
    }
    try {
      Method method = target.getClass().getMethod(name);
      return method.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + name + " of " + target.getClass(), e);
    }
  }

  private static long zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }
}
