package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.listener.ContentRetrieverListener;
import dev.langchain4j.rag.query.Query;
import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.RetrievalBuilder;
import io.opentelemetry.context.Scope;
import java.util.Collection;
import java.util.List;

/**
 * A {@link ContentRetriever} whose retrievals are {@code retrieval {dataSourceId}} spans (CLIENT),
 * current while the retriever runs: an {@code EmbeddingStoreContentRetriever}'s query embedding
 * (when its model is wrapped) and its store's requests nest under it. The query text is recorded
 * only with content capture on.
 */
final class TracedContentRetriever implements ContentRetriever {

  private final ContentRetriever delegate;
  private final String dataSourceId;
  private final Recorder recorder;

  TracedContentRetriever(ContentRetriever delegate, String dataSourceId, Recorder recorder) {
    this.delegate = delegate;
    this.dataSourceId = dataSourceId;
    this.recorder = recorder;
  }

  @Override
  @SuppressWarnings("try")
  public List<Content> retrieve(Query query) {
    GenAiSpan span = start(query);
    if (span == null) {
      return delegate.retrieve(query);
    }
    List<Content> contents;
    try (Scope ignored = span.makeCurrent()) {
      contents = delegate.retrieve(query);
    } catch (RuntimeException | Error e) {
      recorder.fail(span, e);
      throw e;
    }
    span.close();
    return contents;
  }

  private GenAiSpan start(Query query) {
    RetrievalBuilder builder;
    try {
      builder = recorder.genAi.retrieval(dataSourceId);
      if (query != null && query.text() != null) {
        builder.query(query.text()); // recorded only when content capture is on
      }
    } catch (RuntimeException | LinkageError e) {
      recorder.instrumentationFailed(e);
      return null;
    }
    return recorder.startOrNull(builder::start);
  }

  /** The listeners go on the retriever itself, so they run inside the span. */
  @Override
  public ContentRetriever addListeners(Collection<ContentRetrieverListener> listeners) {
    if (listeners == null || listeners.isEmpty()) {
      return this;
    }
    return new TracedContentRetriever(delegate.addListeners(listeners), dataSourceId, recorder);
  }

  @Override
  public String toString() {
    return "Instrumented[" + delegate + "]";
  }
}
