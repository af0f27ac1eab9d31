package dev.oteltoolkit.messaging.internal;

import dev.oteltoolkit.messaging.GuardedPropagator;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/**
 * Internal, not for public use: guards the {@code tracecontext} and {@code baggage} propagators of
 * every SDK built by OpenTelemetry's autoconfiguration (so {@code Telemetry.setup()} too) while
 * this module is on the class path; see {@link GuardedPropagator}. Other propagators are left as
 * they are.
 */
public final class GuardedPropagatorCustomizer implements AutoConfigurationCustomizerProvider {

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public GuardedPropagatorCustomizer() {}

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    autoConfiguration.addPropagatorCustomizer(
        (propagator, config) ->
            isW3c(propagator) ? GuardedPropagator.wrap(propagator) : propagator);
  }

  static boolean isW3c(TextMapPropagator propagator) {
    return propagator == W3CTraceContextPropagator.getInstance()
        || propagator == W3CBaggagePropagator.getInstance();
  }
}
