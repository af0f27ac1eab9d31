package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.oteltoolkit.ai.GenAiSpan;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link StreamingChatModel} whose calls are spans: the span starts at the call (current while
 * the model sends the request) and ends when the handler hears the complete response or the error,
 * or after the idle timeout without any callback.
 */
final class TracedStreamingChatModel implements StreamingChatModel {

  static final String ABANDONED = "stream_abandoned";

  private final StreamingChatModel delegate;
  private final Recorder recorder;

  TracedStreamingChatModel(StreamingChatModel delegate, Recorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
  }

  @Override
  @SuppressWarnings("try")
  public void chat(
      ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
    GenAiSpan span = start(request);
    if (span == null) {
      delegate.chat(request, options, handler);
      return;
    }
    RecordingHandler recording = new RecordingHandler(handler, span, recorder);
    try (Scope ignored = span.makeCurrent()) {
      delegate.chat(request, options, recording);
    } catch (RuntimeException | Error e) {
      recording.end(null, e, null);
      throw e;
    }
  }

  private GenAiSpan start(ChatRequest request) {
    ChatRequestParameters defaults;
    ModelProvider provider;
    try {
      defaults = delegate.defaultRequestParameters();
      provider = delegate.provider();
    } catch (RuntimeException e) {
      recorder.instrumentationFailed(e);
      return null;
    }
    return recorder.startChat(request, defaults, provider, true);
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    delegate.doChat(request, handler);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return delegate.listeners();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "Instrumented[" + delegate + "]";
  }

  /** The caller's handler behind ours: every callback passes through unchanged. */
  static final class RecordingHandler implements StreamingChatResponseHandler {

    private final StreamingChatResponseHandler handler;
    private final GenAiSpan span;
    private final Recorder recorder;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long lastCallbackNanos = System.nanoTime();
    private volatile ScheduledFuture<?> watchdog;

    RecordingHandler(StreamingChatResponseHandler handler, GenAiSpan span, Recorder recorder) {
      this.handler = handler;
      this.span = span;
      this.recorder = recorder;
      arm(recorder.streamIdleTimeoutNanos);
    }

    private void chunk() {
      lastCallbackNanos = System.nanoTime();
      span.firstToken();
    }

    private void touch() {
      lastCallbackNanos = System.nanoTime();
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      chunk();
      handler.onPartialResponse(partialResponse);
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
      chunk();
      handler.onPartialResponse(partialResponse, context);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
      chunk();
      handler.onPartialThinking(partialThinking);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
      chunk();
      handler.onPartialThinking(partialThinking, context);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
      chunk();
      handler.onPartialToolCall(partialToolCall);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
      chunk();
      handler.onPartialToolCall(partialToolCall, context);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
      touch();
      handler.onCompleteToolCall(completeToolCall);
    }

    @Override
    public void onUnmappedRawEvent(Object rawEvent) {
      touch();
      handler.onUnmappedRawEvent(rawEvent);
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      // the span ends (and the request's totals grow) before the caller hears of the end
      end(completeResponse, null, null);
      handler.onCompleteResponse(completeResponse);
    }

    @Override
    public void onError(Throwable error) {
      end(null, error, null);
      handler.onError(error);
    }

    void end(ChatResponse response, Throwable error, String errorType) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      ScheduledFuture<?> timer = watchdog;
      if (timer != null) {
        timer.cancel(false);
      }
      if (error != null) {
        recorder.fail(span, error);
      } else if (errorType != null) {
        try {
          span.error(errorType);
        } finally {
          span.close();
        }
      } else {
        recorder.succeed(span, response);
      }
    }

    private void arm(long delayNanos) {
      try {
        watchdog = StreamWatchdog.schedule(this::check, delayNanos);
      } catch (RuntimeException e) {
        recorder.instrumentationFailed(e);
      }
    }

    private void check() {
      if (ended.get()) {
        return;
      }
      long idle = System.nanoTime() - lastCallbackNanos;
      if (idle < recorder.streamIdleTimeoutNanos) {
        arm(recorder.streamIdleTimeoutNanos - idle);
      } else {
        end(null, null, ABANDONED);
      }
    }
  }
}
