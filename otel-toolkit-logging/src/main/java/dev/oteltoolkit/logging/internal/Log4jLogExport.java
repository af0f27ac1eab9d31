package dev.oteltoolkit.logging.internal;

import dev.oteltoolkit.api.spi.TelemetryAttachment;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.log4j.appender.v2_17.OpenTelemetryAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * Internal, not for public use. Attaches OpenTelemetry's Log4j 2 appender to the root logger
 * configuration, bound to one {@link OpenTelemetry}; loaded only when Log4j 2 (through {@code
 * log4j-slf4j2-impl}) is the SLF4J backend.
 */
final class Log4jLogExport {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private Log4jLogExport() {}

  static boolean isBackend() {
    return LogManager.getContext(false) instanceof LoggerContext;
  }

  /**
   * Binds the OpenTelemetry appenders the configuration declares, if any (their pre-install buffer
   * is replayed then); else attaches a new one to the root logger.
   */
  static TelemetryAttachment.Detach attach(
      OpenTelemetry openTelemetry, LogExportSettings settings) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    List<OpenTelemetryAppender> declared = new ArrayList<>();
    for (Appender appender : configuration.getAppenders().values()) {
      if (appender instanceof OpenTelemetryAppender otel
          && (appender.getName() == null || !appender.getName().startsWith("otel-toolkit-logs-"))) {
        declared.add(otel);
      }
    }
    if (!declared.isEmpty()) {
      List<TelemetryAttachment.Detach> bindings = new ArrayList<>();
      for (OpenTelemetryAppender appender : declared) {
        if (DeclaredAppenders.needsGuard(appender)) {
          appender.addFilter(new LoopGuard());
        }
        bindings.add(
            DeclaredAppenders.bind(
                appender, openTelemetry, OpenTelemetryAppender::setOpenTelemetry));
      }
      return () -> bindings.forEach(TelemetryAttachment.Detach::detach);
    }
    String name = "otel-toolkit-logs-" + SEQUENCE.incrementAndGet();
    OpenTelemetryAppender appender =
        OpenTelemetryAppender.builder()
            .setName(name)
            .setOpenTelemetry(openTelemetry)
            .setCaptureExperimentalAttributes(true) // thread.name, thread.id
            .setCaptureMarkerAttribute(true)
            .setContextDataAttributes(settings.mdc())
            .setFilter(new LoopGuard())
            .build();
    appender.start();
    configuration.addAppender(appender);
    LoggerConfig root = configuration.getRootLogger();
    root.addAppender(appender, null, null);
    Detach detach = new Detach(context, configuration, root, appender);
    try {
      context.updateLoggers();
    } catch (RuntimeException e) {
      detach.detach(); // never leave an appender bound to this SDK behind
      throw e;
    }
    return detach;
  }

  /** Drops the SDK's and the toolkit's own lines: see {@link ExportedLoggers}. */
  private static final class LoopGuard extends AbstractFilter {
    LoopGuard() {
      super(Filter.Result.NEUTRAL, Filter.Result.DENY);
    }

    @Override
    public Filter.Result filter(LogEvent event) {
      return ExportedLoggers.isExported(event.getLoggerName(), event.getThreadName())
          ? Filter.Result.NEUTRAL
          : Filter.Result.DENY;
    }
  }

  private record Detach(
      LoggerContext context,
      Configuration configuration,
      LoggerConfig root,
      OpenTelemetryAppender appender)
      implements TelemetryAttachment.Detach {
    @Override
    public void detach() {
      root.removeAppender(appender.getName());
      if (configuration instanceof AbstractConfiguration abstractConfiguration) {
        abstractConfiguration.removeAppender(appender.getName());
      }
      context.updateLoggers();
      appender.stop();
    }
  }
}
