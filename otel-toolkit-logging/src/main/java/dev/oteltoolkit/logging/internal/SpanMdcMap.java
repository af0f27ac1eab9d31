package dev.oteltoolkit.logging.internal;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The MDC map a log event carries while a span is current: the application's entries (a snapshot
 * the backend gave) with the three ids laid over them, in one small immutable object instead of a
 * copied hash map. Serialized as a plain {@link HashMap}.
 */
final class SpanMdcMap extends AbstractMap<String, String> implements Serializable {

  private static final long serialVersionUID = 1L;

  private final transient Map<String, String> base;
  private final transient String traceIdKey;
  private final transient String traceId;
  private final transient String spanIdKey;
  private final transient String spanId;
  private final transient String traceFlagsKey;
  private final transient String traceFlags;
  private transient Set<Entry<String, String>> entries;

  SpanMdcMap(
      Map<String, String> base,
      String traceIdKey,
      String traceId,
      String spanIdKey,
      String spanId,
      String traceFlagsKey,
      String traceFlags) {
    this.base = base == null ? Collections.emptyMap() : base;
    this.traceIdKey = traceIdKey;
    this.traceId = traceId;
    this.spanIdKey = spanIdKey;
    this.spanId = spanId;
    this.traceFlagsKey = traceFlagsKey;
    this.traceFlags = traceFlags;
  }

  @Override
  public String get(Object key) {
    if (traceIdKey.equals(key)) {
      return traceId;
    }
    if (spanIdKey.equals(key)) {
      return spanId;
    }
    if (traceFlagsKey.equals(key)) {
      return traceFlags;
    }
    return base.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return traceIdKey.equals(key)
        || spanIdKey.equals(key)
        || traceFlagsKey.equals(key)
        || base.containsKey(key);
  }

  @Override
  public int size() {
    return entrySet().size();
  }

  @Override
  public boolean isEmpty() {
    return false;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    Set<Entry<String, String>> set = entries;
    if (set == null) {
      Map<String, String> all = new LinkedHashMap<>(base);
      all.put(traceIdKey, traceId);
      all.put(spanIdKey, spanId);
      all.put(traceFlagsKey, traceFlags);
      set = Collections.unmodifiableMap(all).entrySet();
      entries = set;
    }
    return set;
  }

  private Object writeReplace() {
    return new HashMap<>(this);
  }
}
