package dev.oteltoolkit.ai;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The span names {@code "{operation} {target}"} of one operation ({@code chat gpt-4o}, {@code
 * execute_tool get_weather}), built once per target and reused, so starting a call does not
 * concatenate a name. Targets (models, tools, agents, data sources) are few in any application;
 * past {@value #MAX_CACHED} distinct ones per operation, names are built per call as before.
 */
final class SpanNames {

  static final int MAX_CACHED = 256;

  private final String operation;
  private final String prefix;
  private final ConcurrentHashMap<String, String> byTarget = new ConcurrentHashMap<>();

  SpanNames(String operation) {
    this.operation = operation;
    this.prefix = operation + " ";
  }

  /** The operation, e.g. {@code chat}. */
  String operation() {
    return operation;
  }

  /** {@code "{operation} {target}"}; {@code target} is not null. */
  String of(String target) {
    String name = byTarget.get(target);
    if (name == null) {
      name = prefix.concat(target);
      if (byTarget.size() < MAX_CACHED) {
        byTarget.putIfAbsent(target, name);
      }
    }
    return name;
  }

  /** How many names are cached (for tests). */
  int cachedCount() {
    return byTarget.size();
  }
}
