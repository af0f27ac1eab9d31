package dev.oteltoolkit.logging.export;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import dev.oteltoolkit.core.Telemetry;
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

  /**
   * Two telemetries bind the same declared appender in turn: closing the newer one gives it back to
   * the older one (never left on a closed SDK), and the SDK's own lines never go through it.
   */
  @Test
  void aDeclaredAppenderReturnsToTheOlderTelemetryWhenTheNewerCloses() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    OpenTelemetryAppender declared = new OpenTelemetryAppender();
    declared.setContext(context);
    declared.setName("otel-declared");
    declared.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(declared);
    CollectingLogExporter newerExporter = new CollectingLogExporter();
    try {
      telemetry = setup(Map.of()).build();
      Telemetry newer =
          Telemetry.setup()
              .serviceName("newer")
              .configProperties(
                  Map.of(
                      "OTEL_TRACES_EXPORTER", "none",
                      "OTEL_METRICS_EXPORTER", "none",
                      "OTEL_LOGS_EXPORTER", "none"))
              .addLogRecordExporter(newerExporter)
              .build();
      log.info("to the newer");
      LoggerFactory.getLogger("io.opentelemetry.exporter.internal.grpc.GrpcExporter")
          .warn("Failed to export logs");
      assertThat(newer.forceFlush()).isTrue();
      newer.close();
      log.info("back to the older");

      assertThat(newerExporter.records())
          .extracting(record -> record.getBodyValue().asString())
          .containsExactly("to the newer");
      assertThat(flushed())
          .extracting(record -> record.getBodyValue().asString())
          .containsExactly("back to the older");
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
