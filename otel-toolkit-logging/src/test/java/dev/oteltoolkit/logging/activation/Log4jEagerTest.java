package dev.oteltoolkit.logging.activation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.logging.internal.ContextMdcAdapter;
import dev.oteltoolkit.logging.internal.Log4jContextDataProvider;
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
 * Runs alone in the {@code activation-log4j2-eager} JVM: Log4j 2 is the SLF4J backend and {@code
 * oteltoolkit.mdc.lazy=false}. As with Logback, the switch makes the bridge write the ids on each
 * scope switch (here into Log4j's {@code ThreadContext}) and restore them on close; its context
 * data provider then adds nothing and SLF4J's MDC adapter stays Log4j's own.
 */
class Log4jEagerTest {

  @Test
  void lazyFalseWritesTheThreadContextOnEachScopeSwitch() {
    try (JulCapture jul = new JulCapture();
        Log4jLines lines = Log4jLines.attach("trace_id=%X{trace_id} span_id=%X{span_id} %m");
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Log4jContextDataProvider provider = new Log4jContextDataProvider();
      Span span = tracerProvider.get("test").spanBuilder("eager").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        SpanContext ids = span.getSpanContext();
        assertThat(MdcContextStorage.lazy()).isFalse();
        assertThat(MDC.getMDCAdapter()).isNotInstanceOf(ContextMdcAdapter.class);
        assertThat(ThreadContext.getContext())
            .isEqualTo(
                Map.of(
                    "trace_id", ids.getTraceId(),
                    "span_id", ids.getSpanId(),
                    "trace_flags", ids.getTraceFlags().asHex()));
        assertThat(provider.supplyContextData()).isEmpty();
        assertThat(provider.getValue("trace_id")).isNull();
        LoggerFactory.getLogger("eager").info("inside");
        List<Log4jLines.Line> inside = lines.drain();
        assertThat(inside)
            .extracting(Log4jLines.Line::text)
            .containsExactly(
                "trace_id=" + ids.getTraceId() + " span_id=" + ids.getSpanId() + " inside");
      } finally {
        span.end();
      }
      assertThat(ThreadContext.isEmpty()).isTrue();
      assertThat(MDC.get("trace_id")).isNull();
      LoggerFactory.getLogger("eager").info("after");
      assertThat(lines.drain())
          .extracting(Log4jLines.Line::text)
          .containsExactly("trace_id= span_id= after");
      assertThat(jul.records).isEmpty();
    }
  }
}
