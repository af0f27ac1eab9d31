package dev.oteltoolkit.api.spi;

import io.opentelemetry.api.OpenTelemetry;
import org.jspecify.annotations.Nullable;

/**
 * Something a module attaches to each {@code Telemetry} that {@code otel-toolkit-core} builds (with
 * {@code build()} or {@code install()}), and detaches when that telemetry is closed.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/dev.oteltoolkit.api.spi.TelemetryAttachment} file) in the class loader of core,
 * need a public no-argument constructor, and must not throw: a failure is logged by core once and
 * the telemetry is built without that attachment. Core calls {@link #attach(Target)} after the SDK
 * is built and before {@code build()} returns, and the returned {@link Detach} at the start of
 * {@code close()}, before the pending telemetry is flushed.
 */
public interface TelemetryAttachment {

  /**
   * Attaches to a newly built telemetry.
   *
   * @param target the telemetry being built and what this attachment may need of its settings
   * @return how to detach, or null when there was nothing to attach (for example when the library
   *     this attachment serves is not on the class path)
   */
  @Nullable Detach attach(Target target);

  /** Undoes one {@link #attach(Target)}. */
  @FunctionalInterface
  interface Detach {

    /** Detaches; called once, when the telemetry is closed. Must not throw. */
    void detach();
  }

  /** The telemetry an attachment binds to, as core describes it. */
  interface Target {

    /**
     * Returns the OpenTelemetry of the telemetry being built (its SDK, not the global one).
     *
     * @return the OpenTelemetry to record through
     */
    OpenTelemetry openTelemetry();

    /**
     * Returns whether log records emitted through {@link #openTelemetry()} go anywhere: false with
     * {@code OTEL_LOGS_EXPORTER=none} and no added log record exporter, and when the code turned
     * log export off ({@code TelemetryBuilder.exportLogs(false)}).
     *
     * @return whether log records are exported
     */
    boolean exportsLogs();

    /**
     * Returns a setting by its property key ({@code oteltoolkit.logs.mdc}), looked up the way core
     * looks up its own: system property, then the environment variable ({@code
     * OTELTOOLKIT_LOGS_MDC}), or the properties the builder was given instead of the process's.
     *
     * @param propertyKey the key in its {@code lower.case.dotted} form
     * @return the value, or null when it is not set
     */
    @Nullable String setting(String propertyKey);
  }
}
