package dev.oteltoolkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The shared scenarios with Logback as the only SLF4J backend (the default test execution). */
class LogbackMdcBridgeTest extends AbstractMdcBridgeTest {

  @Override
  List<LogLine> drainLines() {
    return InMemoryLogbackAppender.drain();
  }

  @Test
  void backendIsLogbackAndLog4jIsAbsent() {
    assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(LoggerContext.class);
    assertThat(getClass().getClassLoader().getResource("org/apache/logging/log4j/core/Logger.class"))
        .isNull();
  }

  @Test
  void jsonEncoderWritesTheIdsAsMdcFields() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger logger = context.getLogger("json");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(context);
    appender.start();
    logger.addAppender(appender);
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.start();
    try (SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Span span = tracerProvider.get("test").spanBuilder("json").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        logger.info("as json");
        // an async appender would do the same before handing the event to another thread
        appender.list.forEach(ILoggingEvent::prepareForDeferredProcessing);
      } finally {
        span.end();
      }
      SpanContext ids = span.getSpanContext();
      String json = new String(encoder.encode(appender.list.get(0)), StandardCharsets.UTF_8);
      assertThat(json)
          .contains("\"trace_id\":\"" + ids.getTraceId() + "\"")
          .contains("\"span_id\":\"" + ids.getSpanId() + "\"")
          .contains("\"trace_flags\":\"" + ids.getTraceFlags().asHex() + "\"")
          .contains("as json");
    } finally {
      logger.detachAppender(appender);
      drainLines();
    }
  }
}
