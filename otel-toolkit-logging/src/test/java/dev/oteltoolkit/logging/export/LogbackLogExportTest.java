package dev.oteltoolkit.logging.export;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

  /**
   * An OpenTelemetry appender the application declared itself (as in logback.xml) buffers the lines
   * logged before the SDK exists; the toolkit binds that one instead of adding its own, and the
   * buffered lines are exported.
   */
  @Test
  void aDeclaredAppenderIsBoundAndItsBufferedLinesExported() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    OpenTelemetryAppender declared = new OpenTelemetryAppender();
    declared.setContext(context);
    declared.setName("otel");
    declared.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(declared);
    try {
      log.info("before the SDK exists");
      int before = otelAppendersOnRoot();
      telemetry = setup(Map.of()).build();
      assertThat(otelAppendersOnRoot()).isEqualTo(before);
      log.info("after build");
      assertThat(flushed())
          .extracting(LogRecordData::getBodyValue)
          .extracting(value -> value.asString())
          .containsExactly("before the SDK exists", "after build");
    } finally {
      root.detachAppender(declared);
      declared.stop();
    }
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
