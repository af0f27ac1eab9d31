package dev.oteltoolkit.logging.activation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.logging.InMemoryLogbackAppender;
import dev.oteltoolkit.logging.LogLine;
import dev.oteltoolkit.logging.MdcBridge;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs alone in the {@code javaagent} JVM, started with the OpenTelemetry Java agent (exporters
 * off): the agent owns the context storage, our bridge stands aside, and the agent's own Logback
 * instrumentation puts the same three keys on each log event.
 */
class JavaAgentCoexistenceTest {

  private static final Logger log = LoggerFactory.getLogger(JavaAgentCoexistenceTest.class);

  @Test
  void agentOwnsTheContextAndLogLinesStillCarryTheIdsOnce() {
    assertThat(ContextStorage.get().getClass().getName()).startsWith("io.opentelemetry.javaagent.");
    try (JulCapture jul = new JulCapture()) {
      assertThat(MdcBridge.install()).isFalse();
      assertThat(MdcBridge.install()).isFalse();
      assertThat(jul.warnings()).hasSize(1);
      assertThat(jul.warnings().get(0))
          .startsWith("The OpenTelemetry Java agent owns the context storage");
    }
    InMemoryLogbackAppender.drain();

    Span span = GlobalOpenTelemetry.getTracer("test").spanBuilder("agent").startSpan();
    SpanContext ids = span.getSpanContext();
    try (Scope ignored = span.makeCurrent()) {
      log.info("with agent");
      // the agent adds the ids to the logging event, not to the MDC: our bridge is not running
      assertThat(MDC.get("trace_id")).isNull();
    } finally {
      span.end();
    }
    log.info("after");

    assertThat(ids.isValid()).isTrue();
    List<LogLine> lines = InMemoryLogbackAppender.drain();
    assertThat(lines)
        .extracting(LogLine::text)
        .containsExactly(
            "trace_id="
                + ids.getTraceId()
                + " span_id="
                + ids.getSpanId()
                + " trace_flags="
                + ids.getTraceFlags().asHex()
                + " with agent",
            "trace_id= span_id= trace_flags= after");
  }
}
