package dev.oteltoolkit.logging;

import dev.oteltoolkit.api.spi.TelemetryAttachment;
import dev.oteltoolkit.logging.internal.LogExportAttachment;
import dev.oteltoolkit.logging.internal.LogExportSettings;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Exports the application's log lines as OpenTelemetry log records, through any {@link
 * OpenTelemetry}: attaches OpenTelemetry's own appender for the SLF4J backend in use (Logback or
 * Log4j 2) to the root logger, bound to that instance, with the toolkit's defaults (see the
 * module's README).
 *
 * <p>With {@code otel-toolkit-core}, {@code Telemetry.setup()...build()} and {@code install()} do
 * this by themselves and {@code close()} undoes it; this class is for an SDK built by hand:
 *
 * <pre>{@code
 * try (LogExport export = LogExport.attach(sdk)) {
 *   ...                                     // every SLF4J line is exported through sdk
 * }
 * }</pre>
 */
public final class LogExport implements AutoCloseable {

  private final Object lock = new Object();
  private TelemetryAttachment.Detach detach; // guarded by lock

  private LogExport(TelemetryAttachment.Detach detach) {
    this.detach = detach;
  }

  /**
   * Attaches the appender, with the settings of the process ({@code oteltoolkit.logs.mdc} and
   * {@code oteltoolkit.logs.key_values}, system properties or their environment variables).
   *
   * @param openTelemetry where the records go
   * @return the attachment; {@link #isAttached()} is false when the SLF4J backend is neither
   *     Logback nor Log4j 2
   */
  public static LogExport attach(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    LogExportSettings settings =
        LogExportSettings.from(
            key -> {
              String value = System.getProperty(key);
              return value != null
                  ? value
                  : System.getenv(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
            });
    try {
      return new LogExport(LogExportAttachment.attach(openTelemetry, settings));
    } catch (RuntimeException | LinkageError e) {
      // an appender that does not fit the backend's version must not break the application
      Logger.getLogger(LogExport.class.getName())
          .log(
              Level.WARNING,
              "otel-toolkit: log export could not attach to the logging backend; log lines are not"
                  + " exported",
              e);
      return new LogExport(null);
    }
  }

  /**
   * Returns whether an appender is attached (until {@link #close()}).
   *
   * @return true while log lines are exported through this attachment
   */
  public boolean isAttached() {
    synchronized (lock) {
      return detach != null;
    }
  }

  /** Detaches the appender; later calls do nothing. */
  @Override
  public void close() {
    TelemetryAttachment.Detach current;
    synchronized (lock) {
      current = detach;
      detach = null;
    }
    if (current != null) {
      current.detach();
    }
  }
}
