package dev.oteltoolkit.examples.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A stand-in for an embedding model ({@code text-embedding-3-small}), in process: each word that is
 * not a stop word adds one to a dimension picked by its hash, so texts sharing words point the same
 * way. Deterministic, and good enough for cosine similarity over a handful of documents.
 */
final class Embedder {

  /** The model it stands for; the shipped price table knows it. */
  static final String MODEL = "text-embedding-3-small";

  static final int DIMENSIONS = 64;

  private static final Set<String> STOP_WORDS =
      Set.of(
          "a", "an", "the", "is", "are", "do", "does", "i", "my", "you", "your", "to", "of", "what",
          "which", "how", "can", "in", "on", "for", "and", "or", "it", "we", "our");

  /** The words that count, lower case. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
      if (!word.isEmpty() && !STOP_WORDS.contains(word)) {
        words.add(stem(word));
      }
    }
    return words;
  }

  /** Embeds {@code text}; all zeros when it has no word that counts. */
  float[] embed(String text) {
    float[] vector = new float[DIMENSIONS];
    for (String word : words(text)) {
      vector[Math.floorMod(word.hashCode(), DIMENSIONS)] += 1;
    }
    return vector;
  }

  /** Input tokens the model would bill for {@code text}: about four characters a token. */
  static long tokens(String text) {
    return (text.length() + 3) / 4;
  }

  private static String stem(String word) {
    return word.length() > 4 && word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
  }
}
