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
 * Runs alone in the {@code activation-other-provider} JVM: a second provider is on the class path
 * and selected by {@code io.opentelemetry.context.contextStorageProvider}, so ours is not used;
 * {@code install()} called before any context use wraps the chosen storage instead.
 */
class InstallWithOtherProviderTest {

  @Test
  void installFirstWrapsTheOtherProvidersStorage() {
    try (JulCapture jul = new JulCapture();
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      assertThat(MdcBridge.install()).isTrue(); // first thing, as in main
      assertThat(MdcBridge.install()).isTrue();

      Span span = tracerProvider.get("test").spanBuilder("wrapped").startSpan();
      int before = CountingContextStorageProvider.attaches.get();
      try (Scope ignored = span.makeCurrent()) {
        assertThat(MDC.get("trace_id")).isEqualTo(span.getSpanContext().getTraceId());
        assertThat(MDC.get("span_id")).isEqualTo(span.getSpanContext().getSpanId());
        assertThat(MDC.get("trace_flags")).isEqualTo(span.getSpanContext().getTraceFlags().asHex());
      } finally {
        span.end();
      }
      assertThat(MDC.get("trace_id")).isNull();
      // the other provider's storage is still the one holding the context
      assertThat(CountingContextStorageProvider.attaches.get()).isEqualTo(before + 1);
      assertThat(ContextStorage.get().getClass().getName())
          .isEqualTo("dev.oteltoolkit.logging.internal.MdcContextStorage");
      assertThat(jul.records).isEmpty();
    }
  }
}
