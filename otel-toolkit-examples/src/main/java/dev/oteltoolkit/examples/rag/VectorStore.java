package dev.oteltoolkit.examples.rag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A small in-memory vector store: documents and their embeddings, searched by cosine similarity. A
 * real service uses pgvector, OpenSearch, Qdrant and the like; the telemetry around it is the same.
 */
final class VectorStore {

  /** The store's name, {@code gen_ai.data_source.id}. */
  static final String NAME = "help-center";

  private final List<Document> documents = new ArrayList<>();

  /** Indexes the help center's articles with {@code embedder} (not traced: done at startup). */
  static VectorStore helpCenter(Embedder embedder) {
    VectorStore store = new VectorStore();
    store.add(
        embedder,
        "reset-password",
        "To reset your password, open Settings, choose Security and click Reset password; the"
            + " link we email you is valid for one hour.");
    store.add(
        embedder,
        "refund-policy",
        "Our refund policy: you can return any item within 30 days for a full refund, paid back"
            + " to the original payment method within 5 business days.");
    store.add(
        embedder,
        "shipping-regions",
        "We ship to every country of the European Union, the United Kingdom, Switzerland and"
            + " Norway; regions outside Europe are not served yet.");
    store.add(
        embedder,
        "opening-hours",
        "Our support team answers Monday to Friday, 9:00 to 18:00 CET, by chat and by email.");
    store.add(
        embedder,
        "delete-account",
        "To delete your account, write to privacy@example.com; we erase your data within 30"
            + " days.");
    return store;
  }

  private void add(Embedder embedder, String id, String text) {
    documents.add(new Document(id, text, embedder.embed(text)));
  }

  /**
   * Returns the {@code k} documents most similar to {@code query}, best first.
   *
   * @throws IllegalArgumentException when {@code query} is all zeros: nothing to compare
   */
  List<Match> search(float[] query, int k) {
    double queryNorm = norm(query);
    if (queryNorm == 0) {
      throw new IllegalArgumentException("the query's embedding is all zeros: nothing to search");
    }
    List<Match> matches = new ArrayList<>();
    for (Document document : documents) {
      double dot = 0;
      for (int i = 0; i < query.length; i++) {
        dot += query[i] * document.vector()[i];
      }
      matches.add(new Match(document, dot / (queryNorm * norm(document.vector()))));
    }
    matches.sort(Comparator.comparingDouble(Match::score).reversed());
    return matches.subList(0, Math.min(k, matches.size()));
  }

  private static double norm(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += v * v;
    }
    return Math.sqrt(sum);
  }

  /** A document and its embedding. */
  record Document(String id, String text, float[] vector) {}

  /** A document found, with its cosine similarity to the query. */
  record Match(Document document, double score) {}
}
