package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.oteltoolkit.ai.GenAiSpan;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Set;

/**
 * A {@link ChatModel} whose calls are spans: every {@code chat(...)} overload ends in {@link
 * #chat(ChatRequest, ChatRequestOptions)}, which runs the model's own {@code chat} (its listeners
 * and its provider call) with the span current.
 */
final class TracedChatModel implements ChatModel {

  private final ChatModel delegate;
  private final Recorder recorder;

  TracedChatModel(ChatModel delegate, Recorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
  }

  @Override
  @SuppressWarnings("try")
  public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
    GenAiSpan span = start(request);
    if (span == null) {
      return delegate.chat(request, options);
    }
    ChatResponse response;
    try (Scope ignored = span.makeCurrent()) {
      response = delegate.chat(request, options);
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    recorder.succeed(span, response);
    return response;
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
    return recorder.startChat(request, defaults, provider, false);
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return delegate.doChat(request);
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
}
