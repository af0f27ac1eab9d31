package dev.oteltoolkit.logging.activation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.logging.MdcBridge;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Runs alone in the {@code activation-too-late} JVM, where {@code
 * io.opentelemetry.context.contextStorageProvider=default} makes the context API ignore every
 * provider, ours included: the application uses the context, then calls {@code install()}.
 */
class InstallTooLateTest {

  @Test
  void installAfterTheContextWasUsedWarnsOnceAndReturnsFalse() {
    Context.current(); // the storage is chosen here, without the bridge

    try (JulCapture jul = new JulCapture();
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      assertThat(MdcBridge.install()).isFalse();
      assertThat(MdcBridge.install()).isFalse();

      assertThat(jul.warnings()).hasSize(1);
      assertThat(jul.warnings().get(0))
          .startsWith("MdcBridge.install() was called too late")
          .contains("io.opentelemetry.context.ThreadLocalContextStorage")
          .contains("first thing in main");

      Span span = tracerProvider.get("test").spanBuilder("unbridged").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        assertThat(MDC.get("trace_id")).isNull();
      } finally {
        span.end();
      }
    }
  }
}
