package dev.oteltoolkit.logging.internal;

import dev.oteltoolkit.api.spi.TelemetryAttachment;
import io.opentelemetry.api.OpenTelemetry;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Internal, not for public use. The {@link TelemetryAttachment} service through which every {@code
 * Telemetry} that {@code otel-toolkit-core} builds exports the application's log lines: it attaches
 * OpenTelemetry's appender for the SLF4J backend in use (Logback or Log4j 2) to the root logger,
 * bound to that telemetry, unless log records go nowhere.
 */
public final class LogExportAttachment implements TelemetryAttachment {

  private static final String LOGBACK = "ch.qos.logback.classic.LoggerContext";
  private static final String LOGBACK_APPENDER =
      "io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender";
  private static final String LOG4J = "org.apache.logging.log4j.core.LoggerContext";
  private static final String LOG4J_SLF4J = "org.apache.logging.slf4j.Log4jLoggerFactory";
  private static final String LOG4J_APPENDER =
      "io.opentelemetry.instrumentation.log4j.appender.v2_17.OpenTelemetryAppender";

  /** For {@link java.util.ServiceLoader}. */
  public LogExportAttachment() {}

  @Override
  public Detach attach(Target target) {
    if (!target.exportsLogs()) {
      return null;
    }
    return attach(target.openTelemetry(), LogExportSettings.from(target::setting));
  }

  /**
   * Attaches the appender of the SLF4J backend in use, bound to {@code openTelemetry}.
   *
   * @param openTelemetry where the records go
   * @param settings which MDC entries and key-value pairs become attributes
   * @return how to detach, or null when the backend is neither Logback nor Log4j 2
   */
  public static Detach attach(OpenTelemetry openTelemetry, LogExportSettings settings) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (present(LOGBACK) && present(LOGBACK_APPENDER) && LogbackLogExport.isBackend(factory)) {
      return LogbackLogExport.attach(factory, openTelemetry, settings);
    }
    if (factory.getClass().getName().equals(LOG4J_SLF4J)
        && present(LOG4J)
        && present(LOG4J_APPENDER)
        && Log4jLogExport.isBackend()) {
      return Log4jLogExport.attach(openTelemetry, settings);
    }
    return null;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, LogExportAttachment.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
