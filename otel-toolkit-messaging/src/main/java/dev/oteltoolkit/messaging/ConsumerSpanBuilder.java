package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.api.ThrowingSupplier;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.Objects;

/**
 * Describes one CONSUMER span, then handles one message or a batch inside it:
 *
 * <pre>{@code
 * // one message from NATS, headers read through a getter of your own
 * messaging.consumer("nats", "orders")
 *     .carrier(message.getHeaders(), NATS_GETTER)
 *     .bodySize(message.getData().length)
 *     .run(() -> handle(message));
 *
 * // a batch: one span, one link per message
 * ConsumerSpanBuilder batch = messaging.consumer("rabbitmq", "orders");
 * for (Delivery d : deliveries) {
 *   batch.batchMessage(d.getProperties().getHeaders());
 * }
 * batch.run(() -> handleAll(deliveries));
 * }</pre>
 *
 * <p>The span is named {@code "{operation name} {destination}"} ({@code "process orders"} by
 * default). Its parent is the context extracted from the message given to {@link #headers} or
 * {@link #carrier} (the current context when there is none or it is not valid); with {@link
 * #newTraceWithLink(boolean)} the parent is the current context and the message's context a link.
 * Messages given to {@link #batchMessage} each add a link (when their context is valid) and count
 * in {@code messaging.batch.message_count}. Attributes given here are set when the span starts.
 * Errors are recorded as in {@link MessagingTelemetry}. A builder describes one span: end it with
 * exactly one {@code run} or {@code call}, and use it from one thread.
 */
public final class ConsumerSpanBuilder {

  private final MessagingTelemetry telemetry;
  private final String system;
  private final String destination;
  private final CommonSpanOptions common = new CommonSpanOptions();
  private boolean newTraceWithLink;
  private String operationName = MessagingTelemetry.OPERATION_PROCESS;
  private String consumerGroup;
  private String subscriptionName;
  private long batchCount = -1;
  private Extraction<?> message;

  ConsumerSpanBuilder(
      MessagingTelemetry telemetry, String system, String destination, boolean newTraceWithLink) {
    this.telemetry = telemetry;
    this.system = system;
    this.destination = destination;
    this.newTraceWithLink = newTraceWithLink;
  }

  /**
   * Sets {@code messaging.operation.name}, the system-specific name of the operation, which also
   * starts the span name ({@code "handle orders"}). {@code messaging.operation.type} stays {@code
   * process}. Default: {@code process}.
   *
   * @param operationName the operation name
   * @return this builder
   */
  public ConsumerSpanBuilder operationName(String operationName) {
    Objects.requireNonNull(operationName, "operationName");
    if (operationName.isEmpty()) {
      throw new IllegalArgumentException("operationName=\"\": must not be empty");
    }
    this.operationName = operationName;
    return this;
  }

  /**
   * Sets {@code messaging.message.id}. Default: unset. Leave it unset for batches.
   *
   * @param messageId the message id; {@code null} leaves it unset
   * @return this builder
   */
  public ConsumerSpanBuilder messageId(String messageId) {
    common.messageId = messageId;
    return this;
  }

  /**
   * Sets {@code messaging.message.conversation_id} (the correlation id). Default: unset.
   *
   * @param conversationId the conversation id; {@code null} leaves it unset
   * @return this builder
   */
  public ConsumerSpanBuilder conversationId(String conversationId) {
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
  public ConsumerSpanBuilder bodySize(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bodySize=" + bytes + ": must be >= 0");
    }
    common.bodySize = bytes;
    return this;
  }

  /**
   * Sets {@code messaging.consumer.group.name} (Kafka consumer group, NATS queue group, ...).
   * Default: unset.
   *
   * @param consumerGroup the consumer group; {@code null} leaves it unset
   * @return this builder
   */
  public ConsumerSpanBuilder consumerGroup(String consumerGroup) {
    this.consumerGroup = consumerGroup;
    return this;
  }

  /**
   * Sets {@code messaging.destination.subscription.name} (a JetStream durable consumer, a topic
   * subscription). Default: unset.
   *
   * @param subscriptionName the subscription name; {@code null} leaves it unset
   * @return this builder
   */
  public ConsumerSpanBuilder subscriptionName(String subscriptionName) {
    this.subscriptionName = subscriptionName;
    return this;
  }

  /**
   * Sets {@code server.address}, the broker's host name or address. Default: unset.
   *
   * @param address the broker address; {@code null} leaves it unset
   * @return this builder
   */
  public ConsumerSpanBuilder serverAddress(String address) {
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
  public ConsumerSpanBuilder serverPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("serverPort=" + port + ": must be between 1 and 65535");
    }
    common.serverPort = port;
    return this;
  }

  /**
   * Sets another attribute at span start, for example {@code
   * messaging.rabbitmq.message.delivery_tag}.
   *
   * @param key the attribute key
   * @param value the value; {@code null} leaves the attribute unset
   * @param <T> the type of the value
   * @return this builder
   */
  public <T> ConsumerSpanBuilder attribute(AttributeKey<T> key, T value) {
    common.attribute(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Adds a link to another span. Invalid span contexts are ignored.
   *
   * @param linked the linked span's context
   * @return this builder
   */
  public ConsumerSpanBuilder link(SpanContext linked) {
    common.link(Objects.requireNonNull(linked, "linked"));
    return this;
  }

  /**
   * Chooses, for this span, between continuing the message's trace ({@code false}) and starting
   * from the current context with a link to the message ({@code true}; a new trace in a consumer
   * loop). Default: the telemetry's {@link MessagingTelemetryBuilder#newTraceWithLink(boolean)}.
   *
   * @param newTraceWithLink whether to link to the message instead of continuing its trace
   * @return this builder
   */
  public ConsumerSpanBuilder newTraceWithLink(boolean newTraceWithLink) {
    this.newTraceWithLink = newTraceWithLink;
    return this;
  }

  /**
   * Sets the headers of the message handled, whose context becomes the span's parent. Values may be
   * {@code String}, {@code byte[]} (UTF-8) or any object whose {@code toString()} is the text.
   * Default: none (the parent is the current context).
   *
   * @param headers the incoming message's headers; {@code null} when it has none
   * @return this builder
   */
  public ConsumerSpanBuilder headers(Map<String, ?> headers) {
    if (headers == null) {
      this.message = null;
      return this;
    }
    this.message = new Extraction<>(headers, telemetry.mapGetter());
    return this;
  }

  /**
   * Sets the carrier of the message handled and how to read it: {@link
   * MessageCarriers#propertiesGetter()} or a getter of your own for a broker's header type. Its
   * context becomes the span's parent. Values read are subject to the same size limits as headers.
   * Default: none (the parent is the current context).
   *
   * @param carrier the incoming message's headers; {@code null} when it has none
   * @param getter reads one header from {@code carrier}
   * @param <C> the type of the carrier
   * @return this builder
   */
  public <C> ConsumerSpanBuilder carrier(C carrier, TextMapGetter<? super C> getter) {
    Objects.requireNonNull(getter, "getter");
    this.message = carrier == null ? null : new Extraction<C>(carrier, telemetry.bounded(getter));
    return this;
  }

  /**
   * Adds one message of a batch processed in this span: its context (when valid) becomes a link,
   * and it counts in {@code messaging.batch.message_count}.
   *
   * @param headers the message's headers; {@code null} when it has none
   * @return this builder
   */
  public ConsumerSpanBuilder batchMessage(Map<String, ?> headers) {
    countBatchMessage();
    if (headers != null) {
      linkTo(telemetry.extract(Context.root(), headers, telemetry.mapGetter()));
    }
    return this;
  }

  /**
   * Adds one message of a batch processed in this span, read through {@code getter}: its context
   * (when valid) becomes a link, and it counts in {@code messaging.batch.message_count}.
   *
   * @param carrier the message's headers; {@code null} when it has none
   * @param getter reads one header from {@code carrier}
   * @param <C> the type of the carrier
   * @return this builder
   */
  public <C> ConsumerSpanBuilder batchMessage(C carrier, TextMapGetter<? super C> getter) {
    Objects.requireNonNull(getter, "getter");
    countBatchMessage();
    if (carrier != null) {
      linkTo(telemetry.extract(Context.root(), carrier, telemetry.<C>bounded(getter)));
    }
    return this;
  }

  /**
   * Starts the span, runs {@code handler} inside it and ends the span.
   *
   * @param handler handles the message or batch; the span is {@link Span#current()} inside it
   * @param <E> the type of checked exception the handler may throw
   * @throws E the very exception {@code handler} threw, after it was recorded on the span
   */
  public <E extends Throwable> void run(ThrowingRunnable<E> handler) throws E {
    Objects.requireNonNull(handler, "handler");
    MessagingTelemetry.run(start(), handler);
  }

  /**
   * Starts the span, calls {@code handler} inside it and ends the span.
   *
   * @param handler handles the message or batch; the span is {@link Span#current()} inside it
   * @param <T> the type of the result
   * @param <E> the type of checked exception the handler may throw
   * @return what {@code handler} returned
   * @throws E the very exception {@code handler} threw, after it was recorded on the span
   */
  public <T, E extends Throwable> T call(ThrowingSupplier<T, E> handler) throws E {
    Objects.requireNonNull(handler, "handler");
    return MessagingTelemetry.call(start(), handler);
  }

  private void countBatchMessage() {
    batchCount = batchCount < 0 ? 1 : batchCount + 1;
  }

  private void linkTo(Context extracted) {
    SpanContext linked = Span.fromContext(extracted).getSpanContext();
    if (linked.isValid()) {
      common.link(linked);
    }
  }

  private Context start() {
    Context current = Context.current();
    Context extracted = message == null ? current : message.extractOnto(telemetry, current);
    SpanBuilder builder =
        telemetry.messagingSpan(
            SpanKind.CONSUMER,
            system,
            destination,
            operationName,
            MessagingSemconv.OPERATION_TYPE_PROCESS);
    if (batchCount >= 0) {
      builder.setAttribute(MessagingSemconv.MESSAGING_BATCH_MESSAGE_COUNT, batchCount);
    }
    if (consumerGroup != null) {
      builder.setAttribute(MessagingSemconv.MESSAGING_CONSUMER_GROUP_NAME, consumerGroup);
    }
    if (subscriptionName != null) {
      builder.setAttribute(
          MessagingSemconv.MESSAGING_DESTINATION_SUBSCRIPTION_NAME, subscriptionName);
    }
    common.applyTo(builder);
    return telemetry.startConsumer(builder, current, extracted, newTraceWithLink);
  }

  /** A carrier with its (bounded) getter. */
  private static final class Extraction<C> {
    private final C carrier;
    private final BoundedGetter<C> getter;

    Extraction(C carrier, BoundedGetter<C> getter) {
      this.carrier = carrier;
      this.getter = getter;
    }

    Context extractOnto(MessagingTelemetry telemetry, Context base) {
      return telemetry.extract(base, carrier, getter);
    }
  }
}
