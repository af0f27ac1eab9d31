package dev.oteltoolkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.oteltoolkit.logging.internal.ContextMdcAdapter;
import dev.oteltoolkit.logging.internal.MdcContextStorage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/** The shared scenarios with Logback as the only SLF4J backend (the default test execution). */
class LogbackMdcBridgeTest extends AbstractMdcBridgeTest {

  @Override
  List<LogLine> drainLines() {
    return InMemoryLogbackAppender.drain();
  }

  @Test
  void backendIsLogbackAndLog4jIsAbsent() {
    assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(LoggerContext.class);
    assertThat(
            getClass().getClassLoader().getResource("org/apache/logging/log4j/core/Logger.class"))
        .isNull();
  }

  /**
   * With Logback the bridge is lazy: a scope switch writes nothing into Logback's own MDC, yet
   * {@code MDC.get}, {@code MDC.getCopyOfContextMap} and the log event show the ids.
   */
  @Test
  void scopeSwitchWritesNothingYetReadsAndEventsSeeTheIds() {
    Span span = tracer().spanBuilder("lazy").startSpan();
    MDC.put("request_id", "r-1");
    try (Scope ignored = span.makeCurrent()) {
      assertThat(MdcContextStorage.lazy()).isTrue();
      MDCAdapter adapter = MDC.getMDCAdapter();
      assertThat(adapter).isInstanceOf(ContextMdcAdapter.class);
      MDCAdapter logbacks = ((ContextMdcAdapter) adapter).delegate();
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      assertThat(context.getMDCAdapter()).isInstanceOf(ContextMdcAdapter.class);
      assertThat(((ContextMdcAdapter) context.getMDCAdapter()).delegate()).isSameAs(logbacks);
      // nothing was written: Logback's own adapter holds only the application's key
      assertThat(logbacks.getCopyOfContextMap()).isEqualTo(Map.of("request_id", "r-1"));

      SpanContext ids = span.getSpanContext();
      Map<String, String> expected =
          Map.of(
              "request_id",
              "r-1",
              TRACE_ID,
              ids.getTraceId(),
              SPAN_ID,
              ids.getSpanId(),
              TRACE_FLAGS,
              ids.getTraceFlags().asHex());
      assertThat(MDC.get(TRACE_ID)).isEqualTo(ids.getTraceId());
      assertThat(MDC.get(SPAN_ID)).isEqualTo(ids.getSpanId());
      assertThat(MDC.get(TRACE_FLAGS)).isEqualTo(ids.getTraceFlags().asHex());
      assertThat(MDC.getCopyOfContextMap()).isEqualTo(expected);
      LoggerFactory.getLogger("lazy").info("inside");
      assertThat(drainLines()).singleElement().extracting(LogLine::mdc).isEqualTo(expected);
    } finally {
      span.end();
      MDC.remove("request_id");
    }
    assertThat(MDC.get(TRACE_ID)).isNull();
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
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
