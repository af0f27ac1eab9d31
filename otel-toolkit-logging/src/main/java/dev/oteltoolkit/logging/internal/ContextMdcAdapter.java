package dev.oteltoolkit.logging.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.spi.MDCAdapter;

/**
 * Internal, not for public use: an {@link MDCAdapter} around the backend's own one that answers the
 * trace keys from the current context instead of storing them, so a scope switch writes nothing
 * into the MDC.
 *
 * <p>While the current context has a valid span, {@link #get} of a trace key and {@link
 * #getCopyOfContextMap} answer that span's ids; while it has none, the trace keys are absent; while
 * no context was ever attached on the thread (or every scope has closed), they answer what the
 * application itself put, as the eager bridge does. Every other key is the backend's adapter's,
 * which the application alone writes. Writes, removals and the SLF4J 2 deques all go to the
 * backend's adapter unchanged. Nothing is ever stored for the ids, so nothing can outlive its
 * scope, on pooled or virtual threads alike.
 *
 * <p>With Logback, two instances wrap the same backend adapter: the one SLF4J's {@code MDC} calls
 * answers {@link #getCopyOfContextMap} with a mutable copy, as its contract says; the one Logback's
 * events call answers it with a {@link SpanMdcMap} over the backend's read-only snapshot (Logback's
 * {@code getPropertyMap()}), so a log call costs one small object rather than a hash map copy.
 *
 * <p>With Log4j 2 only SLF4J's {@code MDC} calls it (events take the ids from {@link
 * Log4jContextDataProvider}), and the application's own values of the three keys are kept in an
 * {@link ApplicationTraceKeys} instead of Log4j's {@code ThreadContext}: a provider can add the ids
 * to an event but not hide an entry of the {@code ThreadContext}.
 */
public final class ContextMdcAdapter implements MDCAdapter {

  /** {@link #currentIds()}: no context attached on this thread, the application's values show. */
  private static final Object APPLICATION = new Object();

  /** {@link #currentIds()}: a context without a valid span is current, the keys are absent. */
  private static final Object NONE = new Object();

  private final MDCAdapter delegate;
  private final ContextStorage storage;
  private final String traceIdKey;
  private final String spanIdKey;
  private final String traceFlagsKey;

  /** Non-null for the events' instance: the backend's read-only map, bound to its adapter. */
  private final MethodHandle readOnlyMap;

  private final boolean forEvents;

  /** Where the application's own values of the three keys live, or null: in the delegate. */
  private final ApplicationTraceKeys own;

  /**
   * Wraps {@code delegate}.
   *
   * @param forEvents true for the instance log events read, which answers an immutable map
   * @param own where the application's own values of the three keys are kept, or null to keep them
   *     in {@code delegate}
   */
  ContextMdcAdapter(
      MDCAdapter delegate,
      ContextStorage storage,
      MdcSettings settings,
      boolean forEvents,
      ApplicationTraceKeys own) {
    this.delegate = delegate;
    this.own = own;
    this.storage = storage;
    this.traceIdKey = settings.traceIdKey;
    this.spanIdKey = settings.spanIdKey;
    this.traceFlagsKey = settings.traceFlagsKey;
    this.forEvents = forEvents;
    this.readOnlyMap = forEvents ? readOnlyMapOf(delegate) : null;
  }

  /** Logback's {@code getPropertyMap()} (a snapshot it never changes), or null. */
  private static MethodHandle readOnlyMapOf(MDCAdapter adapter) {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(adapter.getClass(), "getPropertyMap", MethodType.methodType(Map.class))
          .bindTo(adapter);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Returns the backend's own adapter, which holds only what the application wrote.
   *
   * @return the wrapped adapter
   */
  public MDCAdapter delegate() {
    return delegate;
  }

  /**
   * What the three keys show on this thread: {@link #APPLICATION} while no context was attached
   * (the application's own values, as before any scope), {@link #NONE} while the current context
   * has no valid span, else that span's ids.
   */
  private Object currentIds() {
    Context context = storage.current();
    if (context == null) {
      return APPLICATION;
    }
    SpanContext ids = Span.fromContext(context).getSpanContext();
    return ids.isValid() ? ids : NONE;
  }

  private boolean isTraceKey(Object key) {
    return traceIdKey.equals(key) || spanIdKey.equals(key) || traceFlagsKey.equals(key);
  }

  /** {@code map} without the three keys; {@code map} itself when it has none of them. */
  private Map<String, String> withoutTraceKeys(Map<String, String> map, boolean copied) {
    if (map == null
        || !(map.containsKey(traceIdKey)
            || map.containsKey(spanIdKey)
            || map.containsKey(traceFlagsKey))) {
      return map;
    }
    Map<String, String> result = copied ? map : new HashMap<>(map);
    result.remove(traceIdKey);
    result.remove(spanIdKey);
    result.remove(traceFlagsKey);
    return result;
  }

  @Override
  public String get(String key) {
    if (isTraceKey(key)) {
      Object state = currentIds();
      if (state instanceof SpanContext ids) {
        return key.equals(traceIdKey)
            ? ids.getTraceId()
            : key.equals(spanIdKey) ? ids.getSpanId() : ids.getTraceFlags().asHex();
      }
      if (state == NONE) {
        return null;
      }
      if (own != null) {
        return own.get(own.index(key));
      }
    }
    return delegate.get(key);
  }

  @Override
  public Map<String, String> getCopyOfContextMap() {
    if (forEvents) {
      return eventMap();
    }
    Object state = currentIds();
    Map<String, String> copy = delegate.getCopyOfContextMap();
    if (state == APPLICATION) {
      return own == null ? copy : own.addTo(copy);
    }
    if (state == NONE) {
      return withoutTraceKeys(copy, true);
    }
    SpanContext ids = (SpanContext) state;
    Map<String, String> map = copy == null ? new HashMap<>(8) : copy;
    map.put(traceIdKey, ids.getTraceId());
    map.put(spanIdKey, ids.getSpanId());
    map.put(traceFlagsKey, ids.getTraceFlags().asHex());
    return map;
  }

  /** The immutable map a log event carries. */
  @SuppressWarnings("unchecked")
  private Map<String, String> eventMap() {
    Map<String, String> base;
    if (readOnlyMap != null) {
      try {
        base = (Map<String, String>) (Map<?, ?>) readOnlyMap.invokeExact();
      } catch (Throwable e) {
        base = delegate.getCopyOfContextMap();
      }
    } else {
      base = delegate.getCopyOfContextMap();
    }
    Object state = currentIds();
    if (state == APPLICATION) {
      return base;
    }
    if (state == NONE) {
      return withoutTraceKeys(base, false);
    }
    SpanContext ids = (SpanContext) state;
    return new SpanMdcMap(
        base,
        traceIdKey,
        ids.getTraceId(),
        spanIdKey,
        ids.getSpanId(),
        traceFlagsKey,
        ids.getTraceFlags().asHex());
  }

  @Override
  public void put(String key, String val) {
    int slot = own == null ? -1 : own.index(key);
    if (slot >= 0) {
      own.set(slot, val);
      delegate.remove(key); // a value an eager scope wrote before the bridge turned lazy
      return;
    }
    delegate.put(key, val);
  }

  @Override
  public void remove(String key) {
    int slot = own == null ? -1 : own.index(key);
    if (slot >= 0) {
      own.set(slot, null);
    }
    delegate.remove(key);
  }

  @Override
  public void clear() {
    if (own != null) {
      own.clear();
    }
    delegate.clear();
  }

  /**
   * Sets the backend's map. While a context is attached on this thread, the trace keys of {@code
   * contextMap} are not stored (a map copied with {@link #getCopyOfContextMap} inside a scope holds
   * the span's ids, which would otherwise outlive the scope); what the application itself had under
   * those keys is kept.
   */
  @Override
  public void setContextMap(Map<String, String> contextMap) {
    if (own != null) {
      // the keys' values are the application's own only where no context is attached
      if (currentIds() == APPLICATION) {
        own.replaceFrom(contextMap);
      }
      delegate.setContextMap(withoutTraceKeys(contextMap, false));
      return;
    }
    if (contextMap != null && currentIds() != APPLICATION) {
      Map<String, String> stripped = withoutTraceKeys(contextMap, false);
      if (stripped != contextMap) {
        for (String key : new String[] {traceIdKey, spanIdKey, traceFlagsKey}) {
          String own = delegate.get(key);
          if (own != null) {
            stripped.put(key, own);
          }
        }
        contextMap = stripped;
      }
    }
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
