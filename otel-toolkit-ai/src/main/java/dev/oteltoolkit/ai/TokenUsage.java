package dev.oteltoolkit.ai;

import io.opentelemetry.api.trace.Span;
import java.math.BigDecimal;

/**
 * What a call reported by the time it ended, read once under the span's lock: response model, token
 * counts ({@link #UNSET} when not reported), time to first chunk, error type.
 *
 * @param responseModel {@code gen_ai.response.model}, or null
 * @param input input tokens (cache reads and writes included, as in the semconv)
 * @param output output tokens
 * @param cacheRead cache-read input tokens
 * @param cacheCreation cache-creation (write) input tokens
 * @param reasoning reasoning output tokens
 * @param firstTokenNanos time from start to the first chunk
 * @param errorType {@code error.type}, or null when the call succeeded
 */
record TokenUsage(
    String responseModel,
    long input,
    long output,
    long cacheRead,
    long cacheCreation,
    long reasoning,
    long firstTokenNanos,
    String errorType) {

  /** A count or time that was not reported. */
  static final long UNSET = -1;

  /** Whether the call reported its usage (input tokens at least). */
  boolean reported() {
    return input != UNSET;
  }

  /** Prices the call, unset counts as zero. */
  BigDecimal priceWith(ModelPrice price) {
    return price.cost(
        input, orZero(output), orZero(cacheRead), orZero(cacheCreation), orZero(reasoning));
  }

  /** Output tokens, zero when not reported. */
  long outputOrZero() {
    return orZero(output);
  }

  /**
   * Writes the usage attributes (and the cost when priced) onto a recording span, under the names
   * of {@code conventions}.
   */
  void writeTo(Span span, BigDecimal cost, GenAiConventions conventions) {
    span.setAttribute(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, input);
    if (output != UNSET) {
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, output);
    }
    if (cacheRead != UNSET) {
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cacheRead);
    }
    if (cacheCreation != UNSET) {
      if (conventions.emitDefault()) {
        span.setAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, cacheCreation);
      }
      if (conventions.emitLatest()) {
        span.setAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, cacheCreation);
      }
    }
    if (reasoning != UNSET) {
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, reasoning);
    }
    if (cost != null) {
      span.setAttribute(GenAiAttributes.GEN_AI_USAGE_COST, cost.doubleValue());
    }
  }

  private static long orZero(long count) {
    return count == UNSET ? 0 : count;
  }
}
