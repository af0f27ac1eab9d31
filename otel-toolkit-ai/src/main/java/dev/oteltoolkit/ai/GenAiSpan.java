package dev.oteltoolkit.ai;

import dev.oteltoolkit.api.RequestAccumulator;
import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.ErrorAttributes;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One GenAI call in progress: record what the response says on it (model, id, finish reasons, token
 * usage), and it puts the cost, metrics and request totals on record when it ends.
 *
 * <p>Given to the body of {@code call(span -> ...)}, which ends it, or returned by {@code start()}
 * for streaming and manual use: then end it with {@link #close()} (try-with-resources). Methods
 * return this span for chaining, may be called from any thread, and are ignored once the span has
 * ended. Content ({@link #inputMessages}, {@link #outputMessages}, {@link #systemInstructions},
 * {@link #toolResult}) is recorded only when content capture is on.
 */
public final class GenAiSpan implements AutoCloseable {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;
  private static final long UNSET = TokenUsage.UNSET;

  private final GenAiTelemetry telemetry;
  private final Span span;
  private final Context context;
  private final GenAiMetrics.CallIdentity call;
  private final RequestAccumulator totals;
  private final long startNanos;
  private final Object lock = new Object();

  // written under lock; volatile so that the checks of setters that need no other field
  // (responseId, finishReasons, attribute) take no lock
  private volatile boolean ended;
  // set once, by the thread that ended the span; volatile so that cost() takes no lock
  private volatile BigDecimal cost;

  // guarded by lock
  private String responseModel;
  private long inputTokens = UNSET;
  private long outputTokens = UNSET;
  private long cacheReadInputTokens = UNSET;
  private long cacheCreationInputTokens = UNSET;
  private long reasoningOutputTokens = UNSET;
  private long firstTokenNanos = UNSET;
  private String errorType;
  private Throwable recordedError;

  GenAiSpan(
      GenAiTelemetry telemetry,
      Span span,
      Context context,
      String operation,
      String provider,
      String requestModel,
      String serverAddress,
      long serverPort,
      RequestAccumulator totals,
      long startNanos) {
    this.telemetry = telemetry;
    this.span = span;
    this.context = context;
    this.call =
        new GenAiMetrics.CallIdentity(operation, provider, requestModel, serverAddress, serverPort);
    this.totals = totals;
    this.startNanos = startNanos;
  }

  /**
   * Sets {@code gen_ai.response.model}, the model that actually answered (often a dated snapshot of
   * the requested one). The cost is priced by this model when it is set, else by the requested one.
   *
   * @param responseModel the response model
   * @return this span
   */
  public GenAiSpan responseModel(String responseModel) {
    synchronized (lock) {
      if (ended) {
        return this;
      }
      this.responseModel = responseModel;
    }
    span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL, responseModel);
    return this;
  }

  /**
   * Sets {@code gen_ai.response.id}.
   *
   * @param responseId the id the provider gave the response
   * @return this span
   */
  public GenAiSpan responseId(String responseId) {
    if (!isEnded()) {
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_ID, responseId);
    }
    return this;
  }

  /**
   * Sets {@code gen_ai.response.finish_reasons}, one per choice.
   *
   * @param finishReasons the reasons, e.g. {@code stop}, {@code length}, {@code tool_calls}
   * @return this span
   */
  public GenAiSpan finishReasons(String... finishReasons) {
    return finishReasons(Arrays.asList(finishReasons));
  }

  /**
   * Sets {@code gen_ai.response.finish_reasons}, one per choice.
   *
   * @param finishReasons the reasons, e.g. {@code stop}, {@code length}, {@code tool_calls}
   * @return this span
   */
  public GenAiSpan finishReasons(List<String> finishReasons) {
    Objects.requireNonNull(finishReasons, "finishReasons");
    if (!isEnded()) {
      span.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, finishReasons);
    }
    return this;
  }

  /**
   * Sets the token usage: {@code gen_ai.usage.input_tokens} and {@code gen_ai.usage.output_tokens}.
   * Recorded in {@code gen_ai.client.token.usage}, priced into {@code gen_ai.usage.cost}, and added
   * to the request's totals when the span ends. A later call replaces the earlier values (e.g. the
   * final usage of a stream).
   *
   * <p>As in the conventions, {@code input} includes cached and cache-creation tokens and {@code
   * output} includes reasoning tokens; set those with {@link #cacheReadInputTokens}, {@link
   * #cacheCreationInputTokens} and {@link #reasoningOutputTokens}. Providers that report them apart
   * (Anthropic's {@code input_tokens} excludes cache reads and writes) must be added up.
   *
   * @param input all input (prompt) tokens
   * @param output all output (completion) tokens
   * @return this span
   * @throws IllegalArgumentException if a count is negative
   */
  public GenAiSpan usage(long input, long output) {
    checkCount(input, "input");
    checkCount(output, "output");
    synchronized (lock) {
      if (!ended) {
        inputTokens = input;
        outputTokens = output;
      }
    }
    return this;
  }

  /**
   * Sets the input token usage of an operation without output tokens, such as embeddings.
   *
   * @param input all input tokens
   * @return this span
   * @throws IllegalArgumentException if the count is negative
   */
  public GenAiSpan usage(long input) {
    checkCount(input, "input");
    synchronized (lock) {
      if (!ended) {
        inputTokens = input;
        outputTokens = UNSET;
      }
    }
    return this;
  }

  /**
   * Sets {@code gen_ai.usage.cache_read.input_tokens}: input tokens served from the provider's
   * prompt cache (included in the input count), priced at the cached rate.
   *
   * @param tokens the cached input tokens
   * @return this span
   * @throws IllegalArgumentException if the count is negative
   */
  public GenAiSpan cacheReadInputTokens(long tokens) {
    checkCount(tokens, "tokens");
    synchronized (lock) {
      if (!ended) {
        cacheReadInputTokens = tokens;
      }
    }
    return this;
  }

  /**
   * Sets {@code gen_ai.usage.cache_creation.input_tokens}: input tokens written to the provider's
   * prompt cache (included in the input count), priced at the cache-creation rate. With {@code
   * OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental} it is recorded under its new name
   * {@code gen_ai.usage.cache_write.input_tokens} instead ({@code gen_ai_latest_experimental/dup}:
   * under both).
   *
   * @param tokens the cache-creation input tokens
   * @return this span
   * @throws IllegalArgumentException if the count is negative
   */
  public GenAiSpan cacheCreationInputTokens(long tokens) {
    checkCount(tokens, "tokens");
    synchronized (lock) {
      if (!ended) {
        cacheCreationInputTokens = tokens;
      }
    }
    return this;
  }

  /**
   * Sets {@code gen_ai.usage.reasoning.output_tokens}: output tokens spent on reasoning (included
   * in the output count), priced at the reasoning rate where the model has one.
   *
   * @param tokens the reasoning tokens
   * @return this span
   * @throws IllegalArgumentException if the count is negative
   */
  public GenAiSpan reasoningOutputTokens(long tokens) {
    checkCount(tokens, "tokens");
    synchronized (lock) {
      if (!ended) {
        reasoningOutputTokens = tokens;
      }
    }
    return this;
  }

  /**
   * Marks the arrival of the first chunk of a streamed response: sets {@code
   * gen_ai.response.time_to_first_chunk} (seconds since the span started) and records {@code
   * gen_ai.client.operation.time_to_first_chunk} when the span ends. Only the first call counts.
   *
   * @return this span
   */
  public GenAiSpan firstToken() {
    long now = System.nanoTime();
    long elapsed;
    synchronized (lock) {
      if (ended || firstTokenNanos != UNSET) {
        return this;
      }
      elapsed = Math.max(0, now - startNanos);
      firstTokenNanos = elapsed;
    }
    span.setAttribute(
        GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, elapsed / NANOS_PER_SECOND);
    return this;
  }

  /**
   * Returns whether content given to this span ({@link #inputMessages}, {@link #outputMessages},
   * {@link #systemInstructions}, {@link #toolResult}) is recorded: content capture is on, the span
   * is recording (sampled) and has not ended. Adapters check it before they build {@link
   * GenAiMessage}s, so that with capture off no content is ever read.
   *
   * @return whether content is recorded
   */
  public boolean capturesContent() {
    return telemetry.content != null && span.isRecording() && !isEnded();
  }

  /**
   * Records the messages sent to the model as {@code gen_ai.input.messages}, only when content
   * capture is on (after the redactor; nothing is read otherwise).
   *
   * @param messages the messages, in order
   * @return this span
   */
  public GenAiSpan inputMessages(GenAiMessage... messages) {
    return inputMessages(Arrays.asList(messages));
  }

  /**
   * Records the messages sent to the model as {@code gen_ai.input.messages}, only when content
   * capture is on (after the redactor; nothing is read otherwise).
   *
   * @param messages the messages, in order
   * @return this span
   */
  public GenAiSpan inputMessages(List<GenAiMessage> messages) {
    return recordMessages(GenAiAttributes.GEN_AI_INPUT_MESSAGES, messages);
  }

  /**
   * Records the model's answer as {@code gen_ai.output.messages}, only when content capture is on
   * (after the redactor; nothing is read otherwise).
   *
   * @param messages the messages (one per choice), with their finish reasons
   * @return this span
   */
  public GenAiSpan outputMessages(GenAiMessage... messages) {
    return outputMessages(Arrays.asList(messages));
  }

  /**
   * Records the model's answer as {@code gen_ai.output.messages}, only when content capture is on
   * (after the redactor; nothing is read otherwise).
   *
   * @param messages the messages (one per choice), with their finish reasons
   * @return this span
   */
  public GenAiSpan outputMessages(List<GenAiMessage> messages) {
    return recordMessages(GenAiAttributes.GEN_AI_OUTPUT_MESSAGES, messages);
  }

  /**
   * Records the system instructions (system prompt) given apart from the messages as {@code
   * gen_ai.system_instructions}, only when content capture is on (after the redactor).
   *
   * @param instructions the instructions
   * @return this span
   */
  public GenAiSpan systemInstructions(String instructions) {
    Objects.requireNonNull(instructions, "instructions");
    ContentCapture content = telemetry.content;
    if (content != null && span.isRecording() && !isEnded()) {
      try {
        String json = content.instructions(instructions);
        if (json != null) {
          span.setAttribute(GenAiAttributes.GEN_AI_SYSTEM_INSTRUCTIONS, json);
        }
      } catch (RuntimeException e) {
        telemetry.instrumentationFailed(e);
      }
    }
    return this;
  }

  /**
   * Records a tool's result as {@code gen_ai.tool.call.result}, only when content capture is on
   * (after the redactor).
   *
   * @param result the result, usually JSON
   * @return this span
   */
  public GenAiSpan toolResult(String result) {
    Objects.requireNonNull(result, "result");
    ContentCapture content = telemetry.content;
    if (content != null && span.isRecording() && !isEnded()) {
      try {
        String json = content.jsonValue(result);
        if (json != null) {
          span.setAttribute(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT, json);
        }
      } catch (RuntimeException e) {
        telemetry.instrumentationFailed(e);
      }
    }
    return this;
  }

  /**
   * Marks the call failed with an exception the body handled itself (a body that throws is recorded
   * without this): {@code recordException}, status {@code ERROR}, {@code error.type} = the
   * exception's class name ({@code cancelled} for a cancellation).
   *
   * @param error the exception
   * @return this span
   */
  public GenAiSpan error(Throwable error) {
    Objects.requireNonNull(error, "error");
    String type = FailureRecorder.errorType(error);
    synchronized (lock) {
      if (ended) {
        return this;
      }
      errorType = type;
      recordedError = error;
    }
    recordError(error, type);
    return this;
  }

  /**
   * Marks the call failed with an error the provider reported without an exception: status {@code
   * ERROR} and {@code error.type} = {@code errorType}.
   *
   * @param errorType a low-cardinality error code, e.g. the provider's {@code rate_limit_exceeded}
   *     or an HTTP status code such as {@code 429}
   * @return this span
   */
  public GenAiSpan error(String errorType) {
    GenAiTelemetry.requireName(errorType, "errorType");
    synchronized (lock) {
      if (ended) {
        return this;
      }
      this.errorType = errorType;
    }
    span.setStatus(StatusCode.ERROR);
    span.setAttribute(ErrorAttributes.ERROR_TYPE, errorType);
    return this;
  }

  /**
   * Sets any other attribute on the span, for example a vendor-specific response field.
   *
   * @param key the attribute key
   * @param value the value
   * @param <T> the type of the value
   * @return this span
   */
  public <T> GenAiSpan attribute(AttributeKey<T> key, T value) {
    Objects.requireNonNull(key, "key");
    if (!isEnded()) {
      span.setAttribute(key, value);
    }
    return this;
  }

  /**
   * Returns the exact cost of the call in US dollars, known once the span has ended.
   *
   * @return the cost; {@code null} before the end, without usage, or for a model the price table
   *     does not know
   */
  public BigDecimal cost() {
    return cost;
  }

  /**
   * Returns the underlying OpenTelemetry span. To run code under this span use {@link
   * #makeCurrent()}, which carries the request's totals; a context built around the bare span does
   * not find the totals of a call that is its own local root.
   *
   * @return the span
   */
  public Span span() {
    return span;
  }

  /**
   * Returns the context with this span, to parent work started elsewhere (another thread, an
   * asynchronous callback) under it.
   *
   * @return the context of this span
   */
  public Context context() {
    return context;
  }

  /**
   * Makes this span current on this thread until the returned scope is closed, so that spans
   * started meanwhile become its children. {@code call(...)} does this itself.
   *
   * @return the scope to close, on this thread
   */
  @SuppressWarnings("MustBeClosedChecker") // the caller closes it, as with Context.makeCurrent()
  public Scope makeCurrent() {
    return context.makeCurrent();
  }

  /**
   * Ends the call: records usage, cost, metrics and request totals, and ends the span. Idempotent.
   */
  @Override
  public void close() {
    end(null);
  }

  void end(Throwable failure) {
    long endNanos = System.nanoTime();
    TokenUsage usage;
    boolean failureAlreadyRecorded;
    synchronized (lock) {
      if (ended) {
        return;
      }
      ended = true;
      if (failure != null && failure != recordedError) {
        errorType = FailureRecorder.errorType(failure);
      }
      usage =
          new TokenUsage(
              responseModel,
              inputTokens,
              outputTokens,
              cacheReadInputTokens,
              cacheCreationInputTokens,
              reasoningOutputTokens,
              firstTokenNanos,
              errorType);
      failureAlreadyRecorded = failure == recordedError;
    }
    try {
      if (failure != null && !failureAlreadyRecorded) {
        recordError(failure, usage.errorType());
      }
      BigDecimal callCost = usage.reported() ? price(usage) : null;
      if (usage.reported()) {
        if (span.isRecording()) {
          usage.writeTo(span, callCost, telemetry.conventions);
        }
        cost = callCost;
      }
      telemetry.metrics.record(call, usage, callCost, endNanos - startNanos, context);
      if (usage.reported() && totals != null) {
        // before span.end(): when this span is itself the local root, its totals close with it
        telemetry.addToTotals(totals, usage.input(), usage.outputOrZero(), callCost);
      }
    } catch (RuntimeException e) {
      telemetry.instrumentationFailed(e);
    } finally {
      span.end();
    }
  }

  /** The call's cost by the response model (else the requested one), null when not priced. */
  private BigDecimal price(TokenUsage usage) {
    String priced = usage.responseModel() != null ? usage.responseModel() : call.requestModel();
    if (priced == null) {
      return null;
    }
    ModelPrice price = telemetry.price(priced);
    return price == null ? null : usage.priceWith(price);
  }

  private GenAiSpan recordMessages(AttributeKey<String> key, List<GenAiMessage> messages) {
    Objects.requireNonNull(messages, "messages");
    ContentCapture content = telemetry.content;
    if (content != null && span.isRecording() && !isEnded()) {
      try {
        String json = content.messages(messages);
        if (json != null) {
          span.setAttribute(key, json);
        }
      } catch (RuntimeException e) {
        telemetry.instrumentationFailed(e);
      }
    }
    return this;
  }

  private void recordError(Throwable error, String type) {
    if (!span.isRecording()) {
      return;
    }
    FailureRecorder.record(span, error, type, null);
  }

  private boolean isEnded() {
    return ended;
  }

  private static void checkCount(long count, String name) {
    if (count < 0) {
      throw new IllegalArgumentException(
          name + "=" + count + ": a token count must not be negative");
    }
  }

  @Override
  public String toString() {
    return "GenAiSpan{" + call.operation() + ", " + span.getSpanContext() + "}";
  }
}
