package dev.oteltoolkit.logging.internal;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The values the application itself put under the three trace keys through SLF4J's {@code MDC}, per
 * thread, kept apart from the backend's own map. Used with Log4j 2, whose log events take the ids
 * from a context data provider: providers can add entries to an event but not hide the {@code
 * ThreadContext}'s, so the application's own {@code trace_id} must not sit there while a scope
 * answers another one.
 */
final class ApplicationTraceKeys {

  /** This thread's values, by slot; one bridge per JVM, so one instance of this class. */
  private static final ThreadLocal<String[]> values = new ThreadLocal<>();

  /** False until some thread writes one of the keys: most applications never do. */
  private static volatile boolean used;

  private final String[] keys;

  ApplicationTraceKeys(MdcSettings settings) {
    this.keys = new String[] {settings.traceIdKey, settings.spanIdKey, settings.traceFlagsKey};
  }

  /** The slot of {@code key}, or -1 when it is not one of the three keys. */
  int index(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** This thread's value of the key in {@code slot}, or null. */
  String get(int slot) {
    if (!used) {
      return null;
    }
    String[] own = values.get();
    return own == null ? null : own[slot];
  }

  /** Sets (or, with null, removes) this thread's value of the key in {@code slot}. */
  void set(int slot, String value) {
    String[] own = values.get();
    if (own == null) {
      if (value == null) {
        return;
      }
      own = new String[keys.length];
      values.set(own);
      used = true;
    }
    own[slot] = value;
    if (value == null && own[0] == null && own[1] == null && own[2] == null) {
      values.remove(); // nothing kept for pooled threads
    }
  }

  /** Forgets this thread's values. */
  void clear() {
    if (used) {
      values.remove();
    }
  }

  /** Replaces this thread's values with the three keys' entries of {@code map} (null: none). */
  void replaceFrom(Map<String, String> map) {
    for (int i = 0; i < keys.length; i++) {
      set(i, map == null ? null : map.get(keys[i]));
    }
  }

  /**
   * Adds this thread's values to {@code map}.
   *
   * @return {@code map}, or a new map when it is null and there is something to add
   */
  Map<String, String> addTo(Map<String, String> map) {
    String[] own = used ? values.get() : null;
    if (own == null) {
      return map;
    }
    Map<String, String> result = map == null ? new HashMap<>(8) : map;
    for (int i = 0; i < keys.length; i++) {
      if (own[i] != null) {
        result.put(keys[i], own[i]);
      }
    }
    return result;
  }

  /** This thread's values as an immutable map; empty when none. */
  Map<String, String> asMap() {
    String[] own = used ? values.get() : null;
    if (own == null) {
      return Collections.emptyMap();
    }
    return Collections.unmodifiableMap(addTo(new HashMap<>(8)));
  }
}
