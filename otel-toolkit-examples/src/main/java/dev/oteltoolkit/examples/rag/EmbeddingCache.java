package dev.oteltoolkit.examples.rag;

import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Query embeddings already computed, by query text, so that a repeated question costs no embedding
 * call. Counts its hits and misses as the application's own metrics, {@code
 * rag.embedding_cache.hits} and {@code rag.embedding_cache.misses}, on the same OpenTelemetry as
 * everything else (no-op when telemetry is off).
 */
final class EmbeddingCache {

  static final String HITS = "rag.embedding_cache.hits";
  static final String MISSES = "rag.embedding_cache.misses";

  private final Map<String, float[]> embeddings = new ConcurrentHashMap<>();
  private final LongCounter hits;
  private final LongCounter misses;

  EmbeddingCache(Meter meter) {
    hits =
        meter
            .counterBuilder(HITS)
            .setUnit("{lookup}")
            .setDescription("Query embeddings found in the cache")
            .build();
    misses =
        meter
            .counterBuilder(MISSES)
            .setUnit("{lookup}")
            .setDescription("Query embeddings not in the cache, computed by the model")
            .build();
  }

  /** Returns the embedding of {@code query} if cached, else null; counts a hit or a miss. */
  float[] get(String query) {
    float[] embedding = embeddings.get(query);
    (embedding != null ? hits : misses).add(1);
    return embedding;
  }

  void put(String query, float[] embedding) {
    embeddings.put(query, embedding);
  }
}
