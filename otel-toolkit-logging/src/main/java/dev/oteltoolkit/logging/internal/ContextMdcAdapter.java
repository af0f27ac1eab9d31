package dev.oteltoolkit.logging.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.ContextStorage;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.spi.MDCAdapter;

/**
 * Internal, not for public use: an {@link MDCAdapter} around the backend's own one that answers
 * the trace keys from the current context instead of storing them, so a scope switch writes
 * nothing into the MDC.
 *
 * <p>While the current context has a valid span, {@link #get} of a trace key and {@link
 * #getCopyOfContextMap} answer that span's ids; otherwise (and for every other key) they answer
 * what the backend's adapter holds, which the application alone writes. Writes, removals and the
 * SLF4J 2 deques all go to the backend's adapter unchanged. Nothing is ever stored for the ids, so
 * nothing can outlive its scope, on pooled or virtual threads alike.
 */
public final class ContextMdcAdapter implements MDCAdapter {

  private final MDCAdapter delegate;
  private final ContextStorage storage;
  private final String traceIdKey;
  private final String spanIdKey;
  private final String traceFlagsKey;

  ContextMdcAdapter(MDCAdapter delegate, ContextStorage storage, MdcSettings settings) {
    this.delegate = delegate;
    this.storage = storage;
    this.traceIdKey = settings.traceIdKey;
    this.spanIdKey = settings.spanIdKey;
    this.traceFlagsKey = settings.traceFlagsKey;
  }

  /**
   * Returns the backend's own adapter, which holds only what the application wrote.
   *
   * @return the wrapped adapter
   */
  public MDCAdapter delegate() {
    return delegate;
  }

  /** The span context of the current context, or null when it has no valid span. */
  private SpanContext currentIds() {
    SpanContext ids = Span.fromContext(storage.current()).getSpanContext();
    return ids.isValid() ? ids : null;
  }

  @Override
  public String get(String key) {
    if (key.equals(traceIdKey) || key.equals(spanIdKey) || key.equals(traceFlagsKey)) {
      SpanContext ids = currentIds();
      if (ids != null) {
        return key.equals(traceIdKey)
            ? ids.getTraceId()
            : key.equals(spanIdKey) ? ids.getSpanId() : ids.getTraceFlags().asHex();
      }
    }
    return delegate.get(key);
  }

  @Override
  public Map<String, String> getCopyOfContextMap() {
    SpanContext ids = currentIds();
    Map<String, String> copy = delegate.getCopyOfContextMap();
    if (ids == null) {
      return copy;
    }
    Map<String, String> map = copy == null ? new HashMap<>(8) : copy;
    map.put(traceIdKey, ids.getTraceId());
    map.put(spanIdKey, ids.getSpanId());
    map.put(traceFlagsKey, ids.getTraceFlags().asHex());
    return map;
  }

  @Override
  public void put(String key, String val) {
    delegate.put(key, val);
  }

  @Override
  public void remove(String key) {
    delegate.remove(key);
  }

  @Override
  public void clear() {
    delegate.clear();
  }

  @Override
  public void setContextMap(Map<String, String> contextMap) {
    delegate.setContextMap(contextMap);
  }

  @Override
  public void pushByKey(String key, String value) {
    delegate.pushByKey(key, value);
  }

  @Override
  public String popByKey(String key) {
    return delegate.popByKey(key);
  }

  @Override
  public Deque<String> getCopyOfDequeByKey(String key) {
    return delegate.getCopyOfDequeByKey(key);
  }

  @Override
  public void clearDequeByKey(String key) {
    delegate.clearDequeByKey(key);
  }
}
