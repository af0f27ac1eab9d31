package dev.oteltoolkit.logging.activation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.logging.internal.ContextMdcAdapter;
import dev.oteltoolkit.logging.internal.MdcContextStorage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.ThreadContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs alone in the {@code activation-log4j2-keys} JVM: Log4j 2 is the SLF4J backend (Logback is
 * off the class path) and {@code oteltoolkit.mdc.trace_id_key=traceId}, {@code span_id_key=spanId},
 * {@code trace_flags_key=traceFlags} are set. The lazy Log4j path uses those names, as the Logback
 * one does, with no code and no logging configuration.
 */
class Log4jConfiguredKeysTest {

  @Test
  void lazyBridgeAnswersTheConfiguredKeys() {
    try (JulCapture jul = new JulCapture();
        Log4jLines lines =
            Log4jLines.attach(
                "traceId=%X{traceId} spanId=%X{spanId} traceFlags=%X{traceFlags} %m");
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Span span = tracerProvider.get("test").spanBuilder("keys").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        assertThat(MdcContextStorage.lazy()).isTrue();
        assertThat(MDC.getMDCAdapter()).isInstanceOf(ContextMdcAdapter.class);
        SpanContext ids = span.getSpanContext();
        assertThat(ThreadContext.isEmpty()).isTrue();
        assertThat(MDC.get("traceId")).isEqualTo(ids.getTraceId());
        assertThat(MDC.get("spanId")).isEqualTo(ids.getSpanId());
        assertThat(MDC.get("traceFlags")).isEqualTo(ids.getTraceFlags().asHex());
        assertThat(MDC.get("trace_id")).isNull();
        assertThat(MDC.getCopyOfContextMap())
            .isEqualTo(
                Map.of(
                    "traceId", ids.getTraceId(),
                    "spanId", ids.getSpanId(),
                    "traceFlags", ids.getTraceFlags().asHex()));
        LoggerFactory.getLogger("keys").info("inside");
        List<Log4jLines.Line> inside = lines.drain();
        assertThat(inside).hasSize(1);
        assertThat(inside.get(0).text())
            .isEqualTo(
                "traceId="
                    + ids.getTraceId()
                    + " spanId="
                    + ids.getSpanId()
                    + " traceFlags="
                    + ids.getTraceFlags().asHex()
                    + " inside");
        assertThat(inside.get(0).contextData())
            .containsEntry("traceId", ids.getTraceId())
            .containsEntry("spanId", ids.getSpanId())
            .containsEntry("traceFlags", ids.getTraceFlags().asHex());
      } finally {
        span.end();
      }
      assertThat(MDC.get("traceId")).isNull();
      LoggerFactory.getLogger("keys").info("after");
      List<Log4jLines.Line> after = lines.drain();
      assertThat(after)
          .extracting(Log4jLines.Line::text)
          .containsExactly("traceId= spanId= traceFlags= after");
      assertThat(after.get(0).contextData()).doesNotContainKeys("traceId", "spanId", "traceFlags");
      assertThat(ThreadContext.isEmpty()).isTrue();
      assertThat(jul.records).isEmpty();
    }
  }
}
