package dev.oteltoolkit.logging.internal;

import dev.oteltoolkit.api.spi.TelemetryAttachment;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Internal, not for public use: the bindings of OpenTelemetry appenders the application's logging
 * configuration declares. Each Telemetry that binds one pushes its {@code OpenTelemetry}; closing
 * it removes that binding, and the appender goes back to the newest Telemetry still open (or to the
 * no-op, never to a closed SDK). The toolkit's loop guard is added to such an appender once.
 */
final class DeclaredAppenders {

  private static final Map<Object, Deque<OpenTelemetry>> BINDINGS = new IdentityHashMap<>();
  private static final Set<Object> GUARDED = Collections.newSetFromMap(new IdentityHashMap<>());

  private DeclaredAppenders() {}

  /**
   * Binds {@code appender} to {@code openTelemetry} through {@code setter}.
   *
   * @return the detach that undoes this binding alone
   */
  static synchronized <A> TelemetryAttachment.Detach bind(
      A appender, OpenTelemetry openTelemetry, BiConsumer<A, OpenTelemetry> setter) {
    BINDINGS.computeIfAbsent(appender, a -> new ArrayDeque<>()).push(openTelemetry);
    setter.accept(appender, openTelemetry);
    return () -> unbind(appender, openTelemetry, setter);
  }

  /** Whether the loop guard still has to be added to {@code appender} (true once per appender). */
  static synchronized boolean needsGuard(Object appender) {
    return GUARDED.add(appender);
  }

  private static synchronized <A> void unbind(
      A appender, OpenTelemetry openTelemetry, BiConsumer<A, OpenTelemetry> setter) {
    Deque<OpenTelemetry> bound = BINDINGS.get(appender);
    if (bound == null) {
      return;
    }
    boolean wasCurrent = bound.peek() == openTelemetry;
    for (Iterator<OpenTelemetry> it = bound.iterator(); it.hasNext(); ) {
      if (it.next() == openTelemetry) {
        it.remove();
        break;
      }
    }
    if (wasCurrent) {
      OpenTelemetry next = bound.peek();
      setter.accept(appender, next != null ? next : OpenTelemetry.noop());
    }
    if (bound.isEmpty()) {
      BINDINGS.remove(appender);
    }
  }
}
