package dev.oteltoolkit.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class GuardedPropagatorCustomizerTest {

  @Test
  void isFoundByTheServiceLoaderThatAutoconfigurationUses() {
    assertThat(ServiceLoader.load(AutoConfigurationCustomizerProvider.class))
        .anySatisfy(
            provider -> assertThat(provider).isInstanceOf(GuardedPropagatorCustomizer.class));
  }

  @Test
  void guardsTheW3cPropagatorsOfAnAutoconfiguredSdkAndNoOther() {
    var sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .disableShutdownHook()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.traces.exporter", "none",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none",
                        "otel.propagators", "tracecontext,baggage"))
            .build()
            .getOpenTelemetrySdk();
    try {
      assertThat(sdk.getPropagators().getTextMapPropagator().toString())
          .contains("GuardedPropagator{W3CTraceContextPropagator}")
          .contains("GuardedPropagator{W3CBaggagePropagator}");
    } finally {
      sdk.close();
    }
    assertThat(GuardedPropagatorCustomizer.isW3c(W3CTraceContextPropagator.getInstance())).isTrue();
    assertThat(GuardedPropagatorCustomizer.isW3c(W3CBaggagePropagator.getInstance())).isTrue();
    assertThat(GuardedPropagatorCustomizer.isW3c(TextMapPropagator.noop())).isFalse();
    assertThat(
            GuardedPropagatorCustomizer.isW3c(
                TextMapPropagator.composite(
                    W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .isFalse();
  }
}
