package dev.oteltoolkit.logging.export;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/** Log export with Logback as the only backend (the default surefire execution). */
class LogbackLogExportTest extends AbstractLogExportTest {

  @Override
  int otelAppendersOnRoot() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    int count = 0;
    Iterator<? extends Appender<?>> appenders =
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    while (appenders.hasNext()) {
      if (appenders.next() instanceof OpenTelemetryAppender) {
        count++;
      }
    }
    return count;
  }

  @Override
  Attributes threadAttributes() {
    // Logback's events carry the thread's name, not its id
    return Attributes.of(THREAD_NAME, Thread.currentThread().getName());
  }

  @Override
  Attributes keyValueAttributes() {
    // Logback hands the appender the value's own type
    return Attributes.of(AttributeKey.longKey("order.id"), 42L);
  }
}
