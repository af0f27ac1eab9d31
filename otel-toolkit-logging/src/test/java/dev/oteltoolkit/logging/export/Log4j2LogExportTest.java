package dev.oteltoolkit.logging.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.instrumentation.log4j.appender.v2_17.OpenTelemetryAppender;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/** Log export with Log4j 2 (log4j-slf4j2-impl) as the only backend: the log4j2 execution. */
class Log4j2LogExportTest extends AbstractLogExportTest {

  @Override
  int otelAppendersOnRoot() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    return (int)
        context.getConfiguration().getRootLogger().getAppenders().values().stream()
            .filter(OpenTelemetryAppender.class::isInstance)
            .count();
  }

  @Override
  Attributes threadAttributes() {
    return Attributes.of(
        THREAD_NAME, Thread.currentThread().getName(),
        THREAD_ID, Thread.currentThread().getId());
  }

  @Override
  Attributes keyValueAttributes() {
    // log4j-slf4j2-impl puts key-value pairs into the context data, as strings
    return Attributes.of(AttributeKey.stringKey("order.id"), "42");
  }
}
