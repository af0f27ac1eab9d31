package dev.oteltoolkit.logging.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.FilterReply;
import dev.oteltoolkit.api.spi.TelemetryAttachment;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.ILoggerFactory;

/**
 * Internal, not for public use. Attaches OpenTelemetry's Logback appender to the root logger, bound
 * to one {@link OpenTelemetry}; loaded only when Logback is the SLF4J backend.
 */
final class LogbackLogExport {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private LogbackLogExport() {}

  static boolean isBackend(ILoggerFactory factory) {
    return factory instanceof LoggerContext;
  }

  /**
   * Binds the OpenTelemetry appenders the configuration declares, if any (their pre-install buffer
   * is replayed then); else attaches a new one to the root logger.
   */
  static TelemetryAttachment.Detach attach(
      ILoggerFactory factory, OpenTelemetry openTelemetry, LogExportSettings settings) {
    LoggerContext context = (LoggerContext) factory;
    List<OpenTelemetryAppender> declared = declared(context);
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
    OpenTelemetryAppender appender = new OpenTelemetryAppender();
    appender.setContext(context);
    appender.setName("otel-toolkit-logs-" + SEQUENCE.incrementAndGet());
    appender.setCaptureExperimentalAttributes(true); // thread.name, thread.id
    appender.setCaptureMarkerAttribute(true);
    appender.setMdcAttributes(settings.mdc());
    appender.setKeyValuePairAttributes(settings.keyValues());
    appender.addFilter(new LoopGuard());
    appender.setOpenTelemetry(openTelemetry);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    return new Detach(root, appender);
  }

  /** The OpenTelemetry appenders the application's configuration declares, on any logger. */
  private static List<OpenTelemetryAppender> declared(LoggerContext context) {
    List<OpenTelemetryAppender> found = new ArrayList<>();
    for (Logger logger : context.getLoggerList()) {
      collect(logger.iteratorForAppenders(), found, 0);
    }
    return found;
  }

  private static void collect(
      Iterator<Appender<ILoggingEvent>> appenders, List<OpenTelemetryAppender> found, int depth) {
    while (appenders.hasNext()) {
      Appender<ILoggingEvent> appender = appenders.next();
      if (appender instanceof OpenTelemetryAppender otel) {
        String name = appender.getName();
        if ((name == null || !name.startsWith("otel-toolkit-logs-")) && !found.contains(otel)) {
          found.add(otel);
        }
      } else if (appender instanceof AppenderAttachable<?> && depth < 4) {
        @SuppressWarnings("unchecked")
        AppenderAttachable<ILoggingEvent> nested = (AppenderAttachable<ILoggingEvent>) appender;
        collect(nested.iteratorForAppenders(), found, depth + 1);
      }
    }
  }

  /** Drops the SDK's and the toolkit's own lines: see {@link ExportedLoggers}. */
  private static final class LoopGuard extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent event) {
      return ExportedLoggers.isExported(event.getLoggerName(), event.getThreadName())
          ? FilterReply.NEUTRAL
          : FilterReply.DENY;
    }
  }

  private record Detach(Logger root, OpenTelemetryAppender appender)
      implements TelemetryAttachment.Detach {
    @Override
    public void detach() {
      root.detachAppender(appender);
      appender.stop();
    }
  }
}
