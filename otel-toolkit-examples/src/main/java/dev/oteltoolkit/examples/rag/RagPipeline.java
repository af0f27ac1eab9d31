package dev.oteltoolkit.examples.rag;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.ThrowingSupplier;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.examples.rag.VectorStore.Match;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import java.util.List;

/**
 * One query through the RAG service: cache check, embed (on a miss), vector search, answer.
 *
 * <pre>
 * rag_query                                (local root: oteltoolkit.gen_ai.total.*)
 * ├─ cache_check                           rag.embedding_cache.hit
 * ├─ embeddings text-embedding-3-small     (on a cache miss only)
 * ├─ retrieval help-center                 cosine similarity, top 3
 * └─ chat gpt-4o-mini                      the answer from the best document
 * </pre>
 *
 * <p>A failing stage fails the query (its span and the root record the error) and counts in {@code
 * rag.stage.errors} by {@code rag.stage}.
 */
final class RagPipeline {

  static final String STAGE_ERRORS = "rag.stage.errors";
  static final AttributeKey<String> STAGE = AttributeKey.stringKey("rag.stage");
  static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("rag.embedding_cache.hit");
  static final AttributeKey<Double> TOP_SCORE = AttributeKey.doubleKey("rag.retrieval.top_score");
  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("rag.source");

  private static final String PROVIDER = "openai";
  private static final String CHAT_MODEL = "gpt-4o-mini";
  private static final String CHAT_RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";
  private static final int TOP_K = 3;
  private static final String INSTRUCTIONS =
      "Answer the customer's question from the help center article below, in one sentence.";

  private final Tracing tracing;
  private final GenAiTelemetry ai;
  private final Embedder embedder;
  private final EmbeddingCache cache;
  private final VectorStore store;
  private final LongCounter stageErrors;

  RagPipeline(
      Tracing tracing, GenAiTelemetry ai, Meter meter, Embedder embedder, VectorStore store) {
    this.tracing = tracing;
    this.ai = ai;
    this.embedder = embedder;
    this.cache = new EmbeddingCache(meter);
    this.store = store;
    this.stageErrors =
        meter
            .counterBuilder(STAGE_ERRORS)
            .setUnit("{error}")
            .setDescription("Queries failed, by the stage that failed")
            .build();
  }

  /** Answers {@code query}; a failed stage gives an answer with {@code failedStage} set. */
  RagAnswer ask(String query) {
    Outcome outcome = new Outcome();
    try {
      return tracing.span("rag_query").call(() -> answer(query, outcome));
    } catch (Exception e) {
      return new RagAnswer(
          query, null, null, outcome.cacheHit, outcome.failedStage, outcome.traceId);
    }
  }

  private RagAnswer answer(String query, Outcome outcome) throws Exception {
    outcome.traceId = Span.current().getSpanContext().getTraceId();
    float[] cached =
        stage(
            outcome,
            "cache_check",
            () ->
                tracing.traced(
                    "cache_check",
                    () -> {
                      float[] found = cache.get(query);
                      Span.current().setAttribute(CACHE_HIT, found != null);
                      return found;
                    }));
    outcome.cacheHit = cached != null;
    float[] embedding = cached != null ? cached : stage(outcome, "embed", () -> embed(query));
    List<Match> matches =
        stage(
            outcome,
            "search",
            () ->
                ai.retrieval(VectorStore.NAME)
                    .topK(TOP_K)
                    .call(
                        span -> {
                          List<Match> found = store.search(embedding, TOP_K);
                          span.attribute(TOP_SCORE, found.get(0).score());
                          return found;
                        }));
    VectorStore.Document best = matches.get(0).document();
    String answer =
        stage(
            outcome,
            "answer",
            () ->
                ai.chat(PROVIDER, CHAT_MODEL)
                    .temperature(0)
                    .call(
                        span -> {
                          String prompt =
                              INSTRUCTIONS + "\n\n" + best.text() + "\n\nQuestion: " + query;
                          String text = "From our help center (" + best.id() + "): " + best.text();
                          span.responseModel(CHAT_RESPONSE_MODEL)
                              .finishReasons("stop")
                              .usage(Embedder.tokens(prompt), Embedder.tokens(text));
                          return text;
                        }));
    Span.current().setAttribute(SOURCE, best.id());
    return new RagAnswer(query, answer, best.id(), outcome.cacheHit, null, outcome.traceId);
  }

  private float[] embed(String query) throws Exception {
    float[] embedding =
        ai.embeddings(PROVIDER, Embedder.MODEL)
            .dimensionCount(Embedder.DIMENSIONS)
            .call(
                span -> {
                  span.usage(Embedder.tokens(query));
                  return embedder.embed(query);
                });
    cache.put(query, embedding);
    return embedding;
  }

  private <T> T stage(Outcome outcome, String stage, ThrowingSupplier<T, Exception> body)
      throws Exception {
    try {
      return body.get();
    } catch (Exception e) {
      outcome.failedStage = stage;
      stageErrors.add(1, Attributes.of(STAGE, stage));
      throw e;
    }
  }

  /** What the query's stages found out, also when one of them failed. */
  private static final class Outcome {
    String traceId;
    boolean cacheHit;
    String failedStage;
  }
}
