package dev.oteltoolkit.messaging;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The span names {@code "{operation} {destination}"} of one operation ({@code send orders}),
 * built once per destination and reused, so publishing or processing a message does not
 * concatenate a name. Destinations are few (they are in the span name because they are
 * low-cardinality); past {@value #MAX_CACHED} distinct ones, names are built per call.
 */
final class SpanNames {

  static final int MAX_CACHED = 256;

  private final String prefix;
  private final ConcurrentHashMap<String, String> byDestination = new ConcurrentHashMap<>();

  SpanNames(String operation) {
    this.prefix = operation + " ";
  }

  /** {@code "{operation} {destination}"}; {@code destination} is not null. */
  String of(String destination) {
    String name = byDestination.get(destination);
    if (name == null) {
      name = prefix.concat(destination);
      if (byDestination.size() < MAX_CACHED) {
        byDestination.putIfAbsent(destination, name);
      }
    }
    return name;
  }

  /** How many names are cached (for tests). */
  int cachedCount() {
    return byDestination.size();
  }
}
