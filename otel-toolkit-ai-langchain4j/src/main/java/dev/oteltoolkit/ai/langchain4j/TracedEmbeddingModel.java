package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.ContentType;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.embedding.request.EmbeddingParameter;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.oteltoolkit.ai.GenAiSpan;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An {@link EmbeddingModel} whose calls are spans: {@code embed(String)}, {@code
 * embed(TextSegment)}, {@code embedAll(List)} and {@code embed(EmbeddingRequest)} each run the same
 * method of the model (its listeners, batching and provider calls) with an {@code embeddings
 * {model}} span current. {@code doEmbed}, the providers' implementation hook, is passed through
 * unrecorded, as {@code doChat} is.
 */
final class TracedEmbeddingModel implements EmbeddingModel {

  /** LangChain4j's {@code EmbeddingModel.modelName()} default: not a model name. */
  private static final String UNKNOWN_MODEL = "unknown";

  private final EmbeddingModel delegate;
  private final Recorder recorder;

  TracedEmbeddingModel(EmbeddingModel delegate, Recorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
  }

  @Override
  public Response<Embedding> embed(String text) {
    GenAiSpan span = start(null, List.of(text));
    Response<Embedding> response = run(span, () -> delegate.embed(text));
    endWith(span, response);
    return response;
  }

  @Override
  public Response<Embedding> embed(TextSegment textSegment) {
    GenAiSpan span = start(null, List.of(textSegment));
    Response<Embedding> response = run(span, () -> delegate.embed(textSegment));
    endWith(span, response);
    return response;
  }

  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
    if (textSegments == null || textSegments.isEmpty()) {
      // nothing to embed: LangChain4j answers without calling the model, so no span
      return delegate.embedAll(textSegments);
    }
    GenAiSpan span = start(null, textSegments);
    Response<List<Embedding>> response = run(span, () -> delegate.embedAll(textSegments));
    endWith(span, response);
    return response;
  }

  @Override
  public EmbeddingResponse embed(EmbeddingRequest request) {
    EmbeddingRequestParameters parameters;
    List<?> inputs;
    try {
      parameters = request.parameters();
      inputs = request.inputs();
    } catch (RuntimeException e) {
      recorder.instrumentationFailed(e);
      return delegate.embed(request);
    }
    GenAiSpan span = start(parameters, inputs);
    EmbeddingResponse response = run(span, () -> delegate.embed(request));
    endWith(span, response);
    return response;
  }

  @Override
  public EmbeddingResponse doEmbed(EmbeddingRequest request) {
    return delegate.doEmbed(request);
  }

  private GenAiSpan start(EmbeddingRequestParameters requested, List<?> inputs) {
    EmbeddingRequestParameters defaults;
    ModelProvider provider;
    String modelName;
    try {
      defaults = delegate.defaultRequestParameters();
      provider = delegate.provider();
      modelName = delegate.modelName();
    } catch (RuntimeException e) {
      recorder.instrumentationFailed(e);
      return null;
    }
    return recorder.startEmbeddings(
        requested, defaults, UNKNOWN_MODEL.equals(modelName) ? null : modelName, provider, inputs);
  }

  /** Runs {@code call} with {@code span} current; a failure fails the span and is rethrown. */
  @SuppressWarnings("try")
  private <R> R run(GenAiSpan span, Supplier<R> call) {
    if (span == null) {
      return call.get();
    }
    try (Scope ignored = span.makeCurrent()) {
      return call.get();
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
  }

  /** Records the usage of a {@code Response} (it carries no model name) and ends the span. */
  private void endWith(GenAiSpan span, Response<?> response) {
    if (span != null) {
      recorder.succeedEmbeddings(span, response == null ? null : response.tokenUsage(), null);
    }
  }

  /** Records the usage and model of an {@code EmbeddingResponse} and ends the span. */
  private void endWith(GenAiSpan span, EmbeddingResponse response) {
    if (span == null) {
      return;
    }
    String model = null;
    TokenUsage usage = null;
    if (response != null) {
      try {
        model = response.modelName();
        usage = response.tokenUsage();
      } catch (RuntimeException e) {
        recorder.instrumentationFailed(e);
      }
    }
    recorder.succeedEmbeddings(span, usage, UNKNOWN_MODEL.equals(model) ? null : model);
  }

  @Override
  public List<EmbeddingModelListener> listeners() {
    return delegate.listeners();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public EmbeddingRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public Set<EmbeddingParameter<?>> supportedParameters() {
    return delegate.supportedParameters();
  }

  @Override
  public Set<ContentType> supportedContentTypes() {
    return delegate.supportedContentTypes();
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public String modelName() {
    return delegate.modelName();
  }

  /** The listeners go on the model itself, so they run inside the span as the model's own do. */
  @Override
  public EmbeddingModel addListeners(List<EmbeddingModelListener> listeners) {
    if (listeners == null || listeners.isEmpty()) {
      return this;
    }
    return new TracedEmbeddingModel(delegate.addListeners(listeners), recorder);
  }

  @Override
  public String toString() {
    return "Instrumented[" + delegate + "]";
  }
}
