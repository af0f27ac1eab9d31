package dev.oteltoolkit.ai;

import dev.oteltoolkit.api.instrumentation.SpanNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

/**
 * Describes a retrieval from a data source in a RAG pipeline ({@code retrieval {dataSourceId}},
 * CLIENT). End with {@link #call} or {@link #start}.
 *
 * <pre>{@code
 * List<Doc> docs = ai.retrieval("kb-products").provider("pinecone").topK(5).query(question)
 *     .call(span -> index.search(question, 5));
 * }</pre>
 */
public final class RetrievalBuilder extends OperationBuilder<RetrievalBuilder> {

  private String query;

  RetrievalBuilder(GenAiTelemetry telemetry, SpanNames names, String dataSourceId) {
    super(
        telemetry,
        names.operation(),
        names.name(GenAiTelemetry.requireName(dataSourceId, "dataSourceId")),
        SpanKind.CLIENT,
        null,
        null);
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_DATA_SOURCE_ID, dataSourceId);
  }

  @Override
  RetrievalBuilder self() {
    return this;
  }

  /**
   * Sets {@code gen_ai.provider.name}, the service that runs the retrieval. Default: unset.
   *
   * @param provider the provider
   * @return this builder
   */
  public RetrievalBuilder provider(String provider) {
    setProvider(GenAiTelemetry.requireName(provider, "provider"));
    return this;
  }

  /**
   * Sets {@code gen_ai.request.model}, e.g. the embedding or reranking model used. Default: unset.
   *
   * @param model the model
   * @return this builder
   */
  public RetrievalBuilder model(String model) {
    setRequestModel(model);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.top_k}, the number of results asked for. Default: unset.
   *
   * @param topK the number of results
   * @return this builder
   */
  public RetrievalBuilder topK(double topK) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_TOP_K, topK);
    return this;
  }

  /**
   * Gives the query text, recorded as {@code gen_ai.retrieval.query.text} only when content capture
   * is on (after the redactor). Default: unset.
   *
   * @param query the query
   * @return this builder
   */
  public RetrievalBuilder query(String query) {
    this.query = query;
    return this;
  }

  @Override
  void recordContentAtStart(Span span, ContentCapture content) {
    if (query != null) {
      String text = content.text(query);
      if (text != null) {
        span.setAttribute(GenAiAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, text);
      }
    }
  }
}
