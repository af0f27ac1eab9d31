package dev.oteltoolkit.logging.activation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.logging.MdcBridge;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Runs alone in the {@code activation-disabled} JVM, which sets {@code
 * oteltoolkit.mdc.enabled=false}: the jar is on the class path but the context storage is left as
 * it is, and {@code install()} quietly agrees.
 */
class DisabledTest {

  @Test
  void offMeansTheDefaultStorageNoIdsAndNoWarning() {
    try (JulCapture jul = new JulCapture();
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Span span = tracerProvider.get("test").spanBuilder("off").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        assertThat(MDC.get("trace_id")).isNull();
      } finally {
        span.end();
      }
      assertThat(ContextStorage.get().getClass().getName())
          .isEqualTo("io.opentelemetry.context.ThreadLocalContextStorage");

      assertThat(MdcBridge.install()).isFalse();
      assertThat(jul.warnings()).isEmpty();
    }
  }
}
