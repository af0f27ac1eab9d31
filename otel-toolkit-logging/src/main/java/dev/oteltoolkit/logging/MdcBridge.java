package dev.oteltoolkit.logging;

import dev.oteltoolkit.logging.internal.MdcContextStorage;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts the ids of the current span into the SLF4J MDC, so every log line of any SLF4J backend
 * (Logback, Log4j 2, ...) can show them with {@code %X{trace_id}}.
 *
 * <p>While a context with a valid span is current, the MDC holds:
 *
 * <ul>
 *   <li>{@code trace_id}: the 32 hex digits of the trace id;
 *   <li>{@code span_id}: the 16 hex digits of the span id;
 *   <li>{@code trace_flags}: the two hex digits of the trace flags ({@code 01} when sampled).
 * </ul>
 *
 * <p>While no valid span is current the bridge adds none of the three keys. When a scope closes,
 * the keys show again what they showed before it was opened, whoever had set them; other MDC keys
 * are never touched. The MDC follows the context wherever the context goes: {@code
 * Context.taskWrapping} executors, {@code CompletableFuture} continuations run through them, pooled
 * and virtual threads.
 *
 * <p>With Logback 1.3 or later and with Log4j 2 ({@code log4j-core}) the bridge is lazy: a scope
 * switch writes nothing, and an {@code MDCAdapter} in front of the backend's answers the three keys
 * from the current context whenever the MDC is read ({@code MDC.get}, {@code
 * MDC.getCopyOfContextMap}, each Logback event). Log4j 2 events get them from a {@code
 * ContextDataProvider} service that log4j-core loads by itself and asks on the logging thread;
 * Log4j's own {@code ThreadContext.get} does not see them. With any other backend, with baggage
 * copying, or with {@code oteltoolkit.mdc.lazy=false}, it is eager: each scope switch writes the
 * keys that change and its scope restores them on close.
 *
 * <p>Settings, each a system property or, when the property is unset, the environment variable
 * named in upper case with underscores ({@code OTELTOOLKIT_MDC_TRACE_ID_KEY}); they are read once,
 * when the bridge activates:
 *
 * <ul>
 *   <li>{@code oteltoolkit.mdc.trace_id_key}, {@code oteltoolkit.mdc.span_id_key}, {@code
 *       oteltoolkit.mdc.trace_flags_key}: the MDC key names; defaults {@code trace_id}, {@code
 *       span_id}, {@code trace_flags}.
 *   <li>{@code oteltoolkit.mdc.baggage}: baggage entries copied as {@code baggage.<key>}; default
 *       {@code false} (none). {@code true} copies every entry, a comma-separated list copies those
 *       keys only.
 *   <li>{@code oteltoolkit.mdc.enabled}: {@code false} turns the bridge off; default {@code true}.
 *   <li>{@code oteltoolkit.mdc.lazy}: {@code false} makes the bridge write the MDC on every scope
 *       switch even with Logback and Log4j 2; default {@code true}.
 * </ul>
 *
 * <p>WARNING: baggage usually arrives from other processes in the {@code baggage} header, so
 * copying it puts caller-controlled text (possibly personal data) into every log line. Prefer a
 * list of the keys you need to {@code true}.
 *
 * <p>Activation: the bridge is a {@code ContextStorage} around OpenTelemetry's default one. It
 * activates by itself through a {@code ContextStorageProvider} service when it is the only provider
 * on the class path. With another provider present the context API uses neither of them (unless the
 * {@code io.opentelemetry.context.contextStorageProvider} property names one), and {@code
 * opentelemetry-sdk-testing}'s provider always wins; then call {@link #install()} at the start of
 * {@code main}. With the OpenTelemetry Java agent, the agent replaces the application's context
 * storage and the bridge stays inactive; the agent's own Logback and Log4j instrumentation adds the
 * same three keys to each log event (not to {@code MDC.get}).
 */
public final class MdcBridge {

  private static final Logger logger = Logger.getLogger(MdcBridge.class.getName());
  private static final Object lock = new Object();

  /** Whether a too-late or agent warning was logged. Guarded by {@link #lock}. */
  private static boolean warned;

  private MdcBridge() {}

  /**
   * Makes sure the bridge is active and tells whether it is; safe to call any number of times.
   *
   * <p>Needed only where the bridge cannot activate by itself (see the class description). The
   * OpenTelemetry context storage is chosen once per JVM, on the first use of {@link
   * Context#current()} or {@link Context#makeCurrent()}: call this first thing in {@code main},
   * before any span is created. This call completes that choice, so context storage wrappers
   * registered after it are ignored by the context API. When the storage was chosen before without
   * the bridge, the call cannot change it anymore: it logs a warning (once, through {@code
   * java.util.logging}, logger {@code dev.oteltoolkit.logging.MdcBridge}) and returns {@code
   * false}. It never throws.
   *
   * @return {@code true} when the bridge is active in this JVM; {@code false} when it was called
   *     too late, the OpenTelemetry Java agent owns the context storage, or {@code
   *     oteltoolkit.mdc.enabled} is {@code false}
   */
  public static boolean install() {
    synchronized (lock) {
      try {
        return doInstall();
      } catch (RuntimeException | LinkageError e) {
        logger.log(Level.WARNING, "MdcBridge.install() failed: the bridge is not active", e);
        return false;
      }
    }
  }

  private static boolean doInstall() {
    if (!MdcContextStorage.installed()) {
      if (!MdcContextStorage.enabled()) {
        logger.fine("MdcBridge is turned off by oteltoolkit.mdc.enabled=false");
        return false;
      }
      ContextStorage.addWrapper(MdcContextStorage.wrapper());
    }
    // initializes the context storage if nothing has yet, applying the wrapper just added
    ContextStorage storage = ContextStorage.get();
    MdcContextStorage.logPendingWarnings();
    String storageClass = storage.getClass().getName();
    if (storageClass.startsWith("io.opentelemetry.javaagent.")) {
      warnOnce(
          "The OpenTelemetry Java agent owns the context storage ("
              + storageClass
              + "), so MdcBridge stays inactive. The agent's own Logback and Log4j"
              + " instrumentation adds trace_id, span_id and trace_flags to each log event's MDC"
              + " map (key names set by its otel.instrumentation.common.logging.* properties).");
      return false;
    }
    if (MdcContextStorage.installed()) {
      return true;
    }
    warnOnce(
        "MdcBridge.install() was called too late: the OpenTelemetry context storage was already"
            + " in use ("
            + storageClass
            + ") and cannot change, so trace ids will not reach the MDC. Call"
            + " MdcBridge.install() first thing in main, before any span or Context use; if"
            + " another ContextStorageProvider is on the class path, select it with"
            + " -Dio.opentelemetry.context.contextStorageProvider=<its class name>.");
    return false;
  }

  private static void warnOnce(String message) {
    if (!warned) {
      warned = true;
      logger.warning(message);
    }
  }
}
