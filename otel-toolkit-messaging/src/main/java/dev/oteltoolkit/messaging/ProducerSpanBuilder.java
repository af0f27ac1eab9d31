package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.api.ThrowingSupplier;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Map;
import java.util.Objects;

/**
 * Describes one PRODUCER span, then sends a message inside it:
 *
 * <pre>{@code
 * messaging.producer("nats", "orders")
 *     .messageId(id)
 *     .bodySize(body.length)
 *     .carrier(natsHeaders, NATS_SETTER)
 *     .run(() -> connection.publish("orders", natsHeaders, body));
 * }</pre>
 *
 * <p>The span is named {@code "{operation name} {destination}"} ({@code "send orders"} by default).
 * Its context is injected into the carrier (if one is given) before the body runs with the span
 * current. Attributes given here are set when the span starts, where samplers can see them. Errors
 * are recorded as in {@link MessagingTelemetry}. A builder describes one span: end it with exactly
 * one {@code run} or {@code call}, and use it from one thread.
 */
public final class ProducerSpanBuilder {

  private final MessagingTelemetry telemetry;
  private final String system;
  private final String destination;
  private final CommonSpanOptions common = new CommonSpanOptions();
  private String operationName = MessagingTelemetry.OPERATION_SEND;
  private Injection<?> injection;

  ProducerSpanBuilder(MessagingTelemetry telemetry, String system, String destination) {
    this.telemetry = telemetry;
    this.system = system;
    this.destination = destination;
  }

  /**
   * Sets {@code messaging.operation.name}, the system-specific name of the operation, which also
   * starts the span name ({@code "publish orders"}). {@code messaging.operation.type} stays {@code
   * send}. Default: {@code send}.
   *
   * @param operationName the operation name, for example {@code publish}
   * @return this builder
   */
  public ProducerSpanBuilder operationName(String operationName) {
    Objects.requireNonNull(operationName, "operationName");
    if (operationName.isEmpty()) {
      throw new IllegalArgumentException("operationName=\"\": must not be empty");
    }
    this.operationName = operationName;
    return this;
  }

  /**
   * Sets {@code messaging.message.id}. Default: unset.
   *
   * @param messageId the message id; {@code null} leaves it unset
   * @return this builder
   */
  public ProducerSpanBuilder messageId(String messageId) {
    common.messageId = messageId;
    return this;
  }

  /**
   * Sets {@code messaging.message.conversation_id} (the correlation id). Default: unset.
   *
   * @param conversationId the conversation id; {@code null} leaves it unset
   * @return this builder
   */
  public ProducerSpanBuilder conversationId(String conversationId) {
    common.conversationId = conversationId;
    return this;
  }

  /**
   * Sets {@code messaging.message.body.size}, the size of the message body in bytes. Default:
   * unset.
   *
   * @param bytes the body size in bytes
   * @return this builder
   * @throws IllegalArgumentException when {@code bytes} is negative
   */
  public ProducerSpanBuilder bodySize(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bodySize=" + bytes + ": must be >= 0");
    }
    common.bodySize = bytes;
    return this;
  }

  /**
   * Sets {@code server.address}, the broker's host name or address. Default: unset.
   *
   * @param address the broker address; {@code null} leaves it unset
   * @return this builder
   */
  public ProducerSpanBuilder serverAddress(String address) {
    common.serverAddress = address;
    return this;
  }

  /**
   * Sets {@code server.port}, the broker's port. Default: unset.
   *
   * @param port the port, 1 to 65535
   * @return this builder
   * @throws IllegalArgumentException when {@code port} is out of range
   */
  public ProducerSpanBuilder serverPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("serverPort=" + port + ": must be between 1 and 65535");
    }
    common.serverPort = port;
    return this;
  }

  /**
   * Sets another attribute at span start, for example {@code
   * messaging.rabbitmq.destination.routing_key}.
   *
   * @param key the attribute key
   * @param value the value; {@code null} leaves the attribute unset
   * @param <T> the type of the value
   * @return this builder
   */
  public <T> ProducerSpanBuilder attribute(AttributeKey<T> key, T value) {
    common.attribute(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Adds a link to another span. Invalid span contexts are ignored.
   *
   * @param linked the linked span's context
   * @return this builder
   */
  public ProducerSpanBuilder link(SpanContext linked) {
    common.link(Objects.requireNonNull(linked, "linked"));
    return this;
  }

  /**
   * Sets the headers the span's context is injected into: {@code Map<String, String>}, AMQP's
   * {@code Map<String, Object>}. Default: none (nothing is injected).
   *
   * @param headers the outgoing message's mutable headers
   * @return this builder
   */
  public ProducerSpanBuilder headers(Map<String, ? super String> headers) {
    return carrier(headers, MessageCarriers.mapSetter());
  }

  /**
   * Sets the carrier the span's context is injected into and how to write it: {@link
   * MessageCarriers#bytesMapSetter()}, {@link MessageCarriers#propertiesSetter()}, or a setter of
   * your own for a broker's header type. Default: none (nothing is injected).
   *
   * @param carrier the outgoing message's headers
   * @param setter writes one header into {@code carrier}
   * @param <C> the type of the carrier
   * @return this builder
   */
  public <C> ProducerSpanBuilder carrier(C carrier, TextMapSetter<? super C> setter) {
    this.injection =
        new Injection<>(
            Objects.requireNonNull(carrier, "carrier"), Objects.requireNonNull(setter, "setter"));
    return this;
  }

  /**
   * Starts the span, injects its context into the carrier, runs {@code send} inside the span and
   * ends it.
   *
   * @param send sends the message
   * @param <E> the type of checked exception the send may throw
   * @throws E the very exception {@code send} threw, after it was recorded on the span
   */
  public <E extends Throwable> void run(ThrowingRunnable<E> send) throws E {
    Objects.requireNonNull(send, "send");
    MessagingTelemetry.run(start(), send);
  }

  /**
   * Starts the span, injects its context into the carrier, calls {@code send} inside the span and
   * ends it.
   *
   * @param send sends the message and returns, for example, the broker's acknowledgement
   * @param <T> the type of the result
   * @param <E> the type of checked exception the send may throw
   * @return what {@code send} returned
   * @throws E the very exception {@code send} threw, after it was recorded on the span
   */
  public <T, E extends Throwable> T call(ThrowingSupplier<T, E> send) throws E {
    Objects.requireNonNull(send, "send");
    return MessagingTelemetry.call(start(), send);
  }

  private Context start() {
    Context parent = Context.current();
    SpanBuilder builder =
        telemetry.messagingSpan(
            SpanKind.PRODUCER,
            system,
            destination,
            operationName,
            MessagingSemconv.OPERATION_TYPE_SEND);
    common.applyTo(builder);
    Span span = builder.setParent(parent).startSpan();
    Context context = parent.with(span);
    if (injection != null) {
      injection.injectInto(telemetry, context);
    }
    return context;
  }

  /** A carrier with its setter. */
  private static final class Injection<C> {
    private final C carrier;
    private final TextMapSetter<? super C> setter;

    Injection(C carrier, TextMapSetter<? super C> setter) {
      this.carrier = carrier;
      this.setter = setter;
    }

    void injectInto(MessagingTelemetry telemetry, Context context) {
      telemetry.inject(context, carrier, setter);
    }
  }
}
