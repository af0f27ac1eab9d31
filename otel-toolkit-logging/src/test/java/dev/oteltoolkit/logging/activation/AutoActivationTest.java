package dev.oteltoolkit.logging.activation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.logging.MdcBridge;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.MDC;

/**
 * Runs alone in the {@code activation-auto} JVM, which sets {@code oteltoolkit.mdc.trace_id_key=
 * traceId}, {@code span_id_key=spanId}, {@code trace_flags_key=traceFlags} and {@code
 * baggage=tenant,user.tier}: the jar on the class path is all it takes, no code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoActivationTest {

  @Test
  @Order(1)
  void activeWithConfiguredKeysWithoutAnyCall() {
    try (JulCapture jul = new JulCapture();
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Span span = tracerProvider.get("test").spanBuilder("auto").startSpan();
      Baggage baggage =
          Baggage.builder()
              .put("tenant", "acme")
              .put("user.tier", "gold")
              .put("email", "x")
              .build();
      try (Scope ignored = Context.current().with(span).with(baggage).makeCurrent()) {
        SpanContext ids = span.getSpanContext();
        assertThat(MDC.getCopyOfContextMap())
            .isEqualTo(
                Map.of(
                    "traceId", ids.getTraceId(),
                    "spanId", ids.getSpanId(),
                    "traceFlags", ids.getTraceFlags().asHex(),
                    "baggage.tenant", "acme",
                    "baggage.user.tier", "gold"));
      } finally {
        span.end();
      }
      assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
      assertThat(ContextStorage.get().getClass().getName())
          .isEqualTo("dev.oteltoolkit.logging.internal.MdcContextStorage");
      assertThat(jul.records).isEmpty();
    }
  }

  @Test
  @Order(2)
  void installAfterwardsIsANoOpThatReportsActive() {
    try (JulCapture jul = new JulCapture()) {
      assertThat(MdcBridge.install()).isTrue();
      assertThat(MdcBridge.install()).isTrue();
      assertThat(jul.records).isEmpty();
      // still exactly one bridge: a span's ids are written once and removed once
      try (SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
        Span span = tracerProvider.get("test").spanBuilder("again").startSpan();
        try (Scope ignored = span.makeCurrent()) {
          assertThat(MDC.get("spanId")).isEqualTo(span.getSpanContext().getSpanId());
        } finally {
          span.end();
        }
      }
      assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }
  }
}
