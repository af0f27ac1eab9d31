package dev.oteltoolkit.ai.anthropic;

import com.anthropic.core.JsonValue;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnexpectedStatusCodeException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.ModelCallBuilder;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records one Messages API call: the span starts (with the request's parameters) before the SDK
 * sends anything, is current while the SDK runs, and ends with the response, the error or, for a
 * stream, when the stream ends. The SDK's retries happen inside the call and so inside this one
 * span.
 */
final class Recorder {

  static final String PROVIDER = "anthropic";
  static final String CANCELLED = "cancelled";

  private static final Logger logger = Logger.getLogger(AnthropicTelemetry.class.getName());

  final GenAiTelemetry genAi;
  final long streamIdleTimeoutNanos;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  Recorder(GenAiTelemetry genAi, Duration streamIdleTimeout) {
    this.genAi = genAi;
    this.streamIdleTimeoutNanos = streamIdleTimeout.toNanos();
  }

  Object create(Object delegate, Method method, Object[] args, Endpoint endpoint) throws Throwable {
    GenAiSpan span = start(args, endpoint, false);
    if (span == null) {
      return Delegation.invoke(delegate, method, args);
    }
    Object result;
    try (Scope ignored = span.makeCurrent()) {
      result = Delegation.invoke(delegate, method, args);
    } catch (Throwable t) {
      fail(span, t);
      throw t;
    }
    succeed(span, result instanceof Message message ? message : null);
    return result;
  }

  @SuppressWarnings("unchecked")
  Object createStreaming(Object delegate, Method method, Object[] args, Endpoint endpoint)
      throws Throwable {
    GenAiSpan span = start(args, endpoint, true);
    if (span == null) {
      return Delegation.invoke(delegate, method, args);
    }
    Object result;
    try (Scope ignored = span.makeCurrent()) {
      result = Delegation.invoke(delegate, method, args);
    } catch (Throwable t) {
      fail(span, t);
      throw t;
    }
    if (!(result instanceof StreamResponse)) {
      span.close();
      return result;
    }
    return new TracedStreamResponse(
        (StreamResponse<RawMessageStreamEvent>) result, new StreamRecording(this, span));
  }

  // whenComplete callbacks complete the returned future themselves; the stages whenComplete
  // derives are not needed (the callbacks catch what they can throw), and the SDK's method
  // returns Object
  @SuppressWarnings({"unchecked", "FutureReturnValueIgnored"})
  Object createAsync(Object delegate, Method method, Object[] args, Endpoint endpoint)
      throws Throwable {
    GenAiSpan span = start(args, endpoint, false);
    if (span == null) {
      return Delegation.invoke(delegate, method, args);
    }
    Object result;
    try (Scope ignored = span.makeCurrent()) {
      result = Delegation.invoke(delegate, method, args);
    } catch (Throwable t) {
      fail(span, t);
      throw t;
    }
    if (!(result instanceof CompletableFuture)) {
      span.close();
      return result;
    }
    CompletableFuture<Object> source = (CompletableFuture<Object>) result;
    CompletableFuture<Object> recorded = new CompletableFuture<>();
    // the span ends (and the request's totals grow) before the caller's continuations run
    source.whenComplete(
        (message, error) -> {
          try {
            if (error != null) {
              fail(span, unwrap(error));
            } else {
              succeed(span, message instanceof Message reply ? reply : null);
            }
          } finally {
            if (error != null) {
              recorded.completeExceptionally(error);
            } else {
              recorded.complete(message);
            }
          }
        });
    recorded.whenComplete(
        (message, error) -> {
          if (recorded.isCancelled()) {
            source.cancel(false);
          }
        });
    return recorded;
  }

  @SuppressWarnings("unchecked")
  Object createStreamingAsync(Object delegate, Method method, Object[] args, Endpoint endpoint)
      throws Throwable {
    GenAiSpan span = start(args, endpoint, true);
    if (span == null) {
      return Delegation.invoke(delegate, method, args);
    }
    Object result;
    try (Scope ignored = span.makeCurrent()) {
      result = Delegation.invoke(delegate, method, args);
    } catch (Throwable t) {
      fail(span, t);
      throw t;
    }
    if (!(result instanceof AsyncStreamResponse)) {
      span.close();
      return result;
    }
    return new TracedAsyncStreamResponse(
        (AsyncStreamResponse<RawMessageStreamEvent>) result, new StreamRecording(this, span));
  }

  /**
   * Starts the span of a call, or returns null when the request cannot be read (the call then runs
   * unrecorded). A request over budget with {@code stopOverBudget} throws {@link
   * BudgetExceededException} here, before the SDK sends anything.
   */
  private GenAiSpan start(Object[] args, Endpoint endpoint, boolean streaming) {
    MessageCreateParams params = (MessageCreateParams) args[0];
    ModelCallBuilder builder;
    try {
      builder = genAi.chat(PROVIDER, params.model().asString());
      // SDK 3.16 has no typed sampling parameters any more: callers send them as additional
      // body properties, where they are read from
      Map<String, JsonValue> extra = params._additionalBodyProperties();
      number(extra, "temperature").ifPresent(value -> builder.temperature(value.doubleValue()));
      number(extra, "top_p").ifPresent(value -> builder.topP(value.doubleValue()));
      number(extra, "top_k").ifPresent(value -> builder.topK(value.doubleValue()));
      params._maxTokens().asKnown().ifPresent(builder::maxTokens);
      params.stopSequences().ifPresent(stop -> builder.stopSequences(stop.toArray(new String[0])));
      if (streaming) {
        builder.stream(true);
      }
      if (endpoint.address != null) {
        builder.serverAddress(endpoint.address).serverPort(endpoint.port);
      }
      RequestOptions options = args[1] instanceof RequestOptions ? (RequestOptions) args[1] : null;
      if (options != null) {
        options
            .openTelemetry()
            .flatMap(otel -> otel.conversationId())
            .ifPresent(builder::conversationId);
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
      return null;
    }
    GenAiSpan span;
    try {
      span = builder.start();
    } catch (BudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      instrumentationFailed(e);
      return null;
    }
    if (genAi.capturesMessageContent()) {
      try {
        Content.recordRequest(span, params);
      } catch (RuntimeException | LinkageError e) {
        instrumentationFailed(e);
      }
    }
    return span;
  }

  private static Optional<Number> number(Map<String, JsonValue> properties, String name) {
    JsonValue value = properties.get(name);
    return value == null ? Optional.empty() : value.asNumber();
  }

  /** Records a whole response and ends the span. */
  void succeed(GenAiSpan span, Message message) {
    try {
      if (message != null) {
        recordMessage(span, message);
        if (genAi.capturesMessageContent()) {
          Content.recordResponse(span, message);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    } finally {
      span.close();
    }
  }

  /** Records what a response (or a streamed one, accumulated) says, leniently. */
  static void recordMessage(GenAiSpan span, Message message) {
    message._id().asKnown().ifPresent(span::responseId);
    message._model().asKnown().ifPresent(model -> span.responseModel(model.asString()));
    message._stopReason().asKnown().ifPresent(reason -> span.finishReasons(reason.asString()));
    message
        ._usage()
        .asKnown()
        .ifPresent(
            usage -> {
              Tokens tokens = new Tokens();
              tokens.take(usage);
              tokens.recordOn(span);
            });
  }

  /** Marks the call failed and ends the span. */
  void fail(GenAiSpan span, Throwable error) {
    try {
      markFailed(span, error);
    } catch (RuntimeException e) {
      instrumentationFailed(e);
    } finally {
      span.close();
    }
  }

  /**
   * {@code error.type}: the SDK exception's class name ({@code ...OverloadedException} for 529,
   * {@code ...RateLimitException} for 429, {@code ...AnthropicIoException} for timeouts and refused
   * connections); the HTTP status code for a status the SDK has no exception for; {@code cancelled}
   * for a cancelled future.
   */
  static void markFailed(GenAiSpan span, Throwable error) {
    if (error instanceof CancellationException) {
      span.error(CANCELLED);
      return;
    }
    span.error(error);
    if (error instanceof UnexpectedStatusCodeException unexpectedStatusCodeException) {
      span.error(Integer.toString(unexpectedStatusCodeException.statusCode()));
    }
  }

  static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** Instrumentation never fails the call: its own errors are logged once and swallowed. */
  void instrumentationFailed(Throwable e) {
    if (failureLogged.compareAndSet(false, true)) {
      logger.log(
          Level.WARNING,
          "recording an Anthropic call failed; the call itself is unaffected (logged once)",
          e);
    }
  }
}
