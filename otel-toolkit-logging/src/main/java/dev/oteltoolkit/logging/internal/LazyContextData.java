package dev.oteltoolkit.logging.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import java.util.Collections;
import java.util.Map;

/**
 * What the lazy bridge adds to each log event of a backend that asks context data providers for it
 * (Log4j 2, through {@link Log4jContextDataProvider}): the ids of the span current on the logging
 * thread, read when the event is created. Free of Log4j types, so the bridge can set it up whether
 * or not {@code log4j-core} is present.
 */
final class LazyContextData {

  /** Set once the bridge of this JVM is lazy; null while it is undecided, eager or absent. */
  private static volatile LazyContextData active;

  /** Set when log4j-core's service loader created {@link Log4jContextDataProvider}. */
  private static volatile boolean providerLoaded;

  private final ContextStorage storage;
  private final String traceIdKey;
  private final String spanIdKey;
  private final String traceFlagsKey;

  /** The application's own values of the keys, shown while no context is attached; or null. */
  private final ApplicationTraceKeys own;

  LazyContextData(ContextStorage storage, MdcSettings settings, ApplicationTraceKeys own) {
    this.storage = storage;
    this.traceIdKey = settings.traceIdKey;
    this.spanIdKey = settings.spanIdKey;
    this.traceFlagsKey = settings.traceFlagsKey;
    this.own = own;
  }

  /**
   * Makes events answer the ids from {@code storage}.
   *
   * @param own where the application's own values of the keys are kept, or null when they stay in
   *     the backend's map (then the events' map holds them already)
   */
  static void activate(ContextStorage storage, MdcSettings settings, ApplicationTraceKeys own) {
    active = new LazyContextData(storage, settings, own);
  }

  /** Undoes {@link #activate} when the hook that called it could not finish. */
  static void deactivate() {
    active = null;
  }

  /** The active instance, or null. */
  static LazyContextData active() {
    return active;
  }

  static void markProviderLoaded() {
    providerLoaded = true;
  }

  static boolean providerLoaded() {
    return providerLoaded;
  }

  /**
   * The entries to add to an event logged now on this thread: the three ids while a valid span is
   * current, nothing while a context without one is, the application's own values while no context
   * is attached.
   */
  Map<String, String> eventData() {
    Context context = storage.current();
    if (context == null) {
      return own == null ? Collections.emptyMap() : own.asMap();
    }
    SpanContext ids = Span.fromContext(context).getSpanContext();
    if (!ids.isValid()) {
      return Collections.emptyMap();
    }
    return Map.of(
        traceIdKey,
        ids.getTraceId(),
        spanIdKey,
        ids.getSpanId(),
        traceFlagsKey,
        ids.getTraceFlags().asHex());
  }

  /** One entry of {@link #eventData()}, or null. */
  String eventValue(String key) {
    boolean traceId = traceIdKey.equals(key);
    boolean spanId = !traceId && spanIdKey.equals(key);
    if (!traceId && !spanId && !traceFlagsKey.equals(key)) {
      return null;
    }
    Context context = storage.current();
    if (context == null) {
      return own == null ? null : own.get(own.index(key));
    }
    SpanContext ids = Span.fromContext(context).getSpanContext();
    if (!ids.isValid()) {
      return null;
    }
    return traceId ? ids.getTraceId() : spanId ? ids.getSpanId() : ids.getTraceFlags().asHex();
  }
}
