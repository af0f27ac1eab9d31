package dev.oteltoolkit.messaging;

import io.opentelemetry.api.OpenTelemetry;

/**
 * Builds a {@link MessagingTelemetry}: {@code MessagingTelemetry.builder(openTelemetry)
 * .newTraceWithLink(true).build()}.
 */
public final class MessagingTelemetryBuilder {

  private final OpenTelemetry openTelemetry;
  private boolean newTraceWithLink;

  MessagingTelemetryBuilder(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
  }

  /**
   * Makes process spans children of the current context instead of the message's context, with a
   * link to the message's context. In a consumer loop with no current span each message then starts
   * a new trace, linked to the trace that produced it: the choice for long-lived consumers and
   * fan-in, where continuing the producer's trace would make traces that never end. The message's
   * baggage is still in the handler's context. Default: {@code false} (the process span continues
   * the producer's trace). {@link ConsumerSpanBuilder#newTraceWithLink(boolean)} overrides it per
   * span.
   *
   * @param newTraceWithLink whether process spans link to the message instead of continuing its
   *     trace
   * @return this builder
   */
  public MessagingTelemetryBuilder newTraceWithLink(boolean newTraceWithLink) {
    this.newTraceWithLink = newTraceWithLink;
    return this;
  }

  /**
   * Builds the telemetry.
   *
   * @return a new {@code MessagingTelemetry}
   */
  public MessagingTelemetry build() {
    return new MessagingTelemetry(openTelemetry, newTraceWithLink);
  }
}
