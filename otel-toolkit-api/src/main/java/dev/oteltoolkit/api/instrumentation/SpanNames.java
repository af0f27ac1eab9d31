package dev.oteltoolkit.api.instrumentation;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The span names {@code "{operation} {target}"} of one operation ({@code chat gpt-4o}, {@code send
 * orders}), built once per target and reused, so starting a span does not concatenate a name.
 * Targets (models, tools, queues) are few in any application since they are part of a
 * low-cardinality name; past {@value #MAX_CACHED} distinct ones, names are built per call.
 */
public final class SpanNames {

  /** How many names one instance keeps. */
  public static final int MAX_CACHED = 256;

  private final String operation;
  private final String prefix;
  private final ConcurrentHashMap<String, String> byTarget = new ConcurrentHashMap<>();

  private SpanNames(String operation) {
    this.operation = operation;
    this.prefix = operation + " ";
  }

  /**
   * Returns a cache of the names of {@code operation}.
   *
   * @param operation the first word of every name, e.g. {@code chat}
   * @return a new cache
   */
  public static SpanNames of(String operation) {
    return new SpanNames(Objects.requireNonNull(operation, "operation"));
  }

  /**
   * Returns the operation, e.g. {@code chat}.
   *
   * @return the operation
   */
  public String operation() {
    return operation;
  }

  /**
   * Returns {@code "{operation} {target}"}.
   *
   * @param target the target, not null
   * @return the span name
   */
  public String name(String target) {
    String name = byTarget.get(target);
    if (name == null) {
      name = prefix.concat(target);
      if (byTarget.size() < MAX_CACHED) {
        byTarget.putIfAbsent(target, name);
      }
    }
    return name;
  }

  /**
   * Returns how many names are cached.
   *
   * @return the count
   */
  public int cachedCount() {
    return byTarget.size();
  }
}
