package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.api.ThrowingSupplier;
import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import dev.oteltoolkit.api.instrumentation.InstrumentationScope;
import dev.oteltoolkit.api.instrumentation.Operations;
import dev.oteltoolkit.api.instrumentation.SpanNames;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries one trace across message queues and brokers, with spans named and attributed by the
 * OpenTelemetry messaging semantic conventions, for any broker client.
 *
 * <pre>{@code
 * MessagingTelemetry messaging = MessagingTelemetry.create(openTelemetry);
 *
 * // producer: a PRODUCER span "send orders"; its context goes into the headers
 * Map<String, Object> headers = new HashMap<>();
 * messaging.publish("rabbitmq", "orders", headers, () ->
 *     channel.basicPublish("", "orders",
 *         new AMQP.BasicProperties.Builder().headers(headers).build(), body));
 *
 * // consumer: a CONSUMER span "process orders", child of the producer span
 * messaging.process("rabbitmq", "orders", delivery.getProperties().getHeaders(), () ->
 *     handle(delivery));
 * }</pre>
 *
 * <p>Context travels as W3C {@code traceparent}, {@code tracestate} and {@code baggage} headers
 * (whatever the {@link OpenTelemetry#getPropagators() propagators} of the instance given here
 * write: never the global ones, so two services in one JVM stay apart). Incoming headers are
 * untrusted and read through a {@link GuardedPropagator}: a malformed value is ignored, never an
 * exception and never a parent; a {@code traceparent} over 512 characters or any other header over
 * 8192 is ignored as well, and so are the members of a {@code baggage} header with a broken
 * percent-encoding. When nothing valid can be extracted, the consumer span's parent is the current
 * context (a new trace if there is none).
 *
 * <p>Errors thrown by the send or the handler are recorded ({@code recordException}, status {@code
 * ERROR}, {@code error.type} = the exception's class name) and the very same exception is rethrown.
 * Failures of the instrumentation itself never reach the caller: whatever a getter, a header value
 * or the propagator throws while headers are read (an exception or an error such as {@code
 * AssertionError}) is logged at most once a minute per instance and the handler runs, as a new
 * trace when no span is current; only {@link VirtualMachineError}s and {@link ThreadDeath}
 * propagate. A failure to write headers (an immutable header map) is logged once per instance and
 * the message is still sent.
 *
 * <p>Instances are thread-safe; create one per {@link OpenTelemetry} and share it.
 */
public final class MessagingTelemetry {

  /** Instrumentation scope of the spans this module records. */
  static final InstrumentationScope SCOPE = InstrumentationScope.of("dev.oteltoolkit.messaging");

  static final String OPERATION_SEND = "send";
  static final String OPERATION_PROCESS = "process";

  private static final Logger logger = Logger.getLogger(MessagingTelemetry.class.getName());

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final boolean newTraceWithLink;
  private final AtomicBoolean injectFailureLogged = new AtomicBoolean();
  private final HeaderProblems problems = new HeaderProblems();
  private final BoundedGetter<Map<String, ?>> mapGetter =
      new BoundedGetter<>(new MessageCarriers.MapGetter(problems), problems);
  private final SpanNames sendNames = SpanNames.of(OPERATION_SEND);
  private final SpanNames processNames = SpanNames.of(OPERATION_PROCESS);

  /**
   * Returns a {@code MessagingTelemetry} with default settings that records through the given
   * OpenTelemetry: a {@code Telemetry}'s, one built by hand, or the Java agent's {@code
   * GlobalOpenTelemetry}.
   *
   * @param openTelemetry the OpenTelemetry to record spans with and whose propagators carry the
   *     context
   * @return a new {@code MessagingTelemetry}
   */
  public static MessagingTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Returns a builder of a {@code MessagingTelemetry} that records through the given OpenTelemetry.
   *
   * @param openTelemetry the OpenTelemetry to record spans with and whose propagators carry the
   *     context
   * @return a new builder
   */
  public static MessagingTelemetryBuilder builder(OpenTelemetry openTelemetry) {
    return new MessagingTelemetryBuilder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  MessagingTelemetry(OpenTelemetry openTelemetry, boolean newTraceWithLink) {
    this.tracer = SCOPE.tracer(openTelemetry);
    this.propagator =
        GuardedPropagator.wrap(openTelemetry.getPropagators().getTextMapPropagator(), problems);
    this.newTraceWithLink = newTraceWithLink;
  }

  /**
   * Sends a message inside a PRODUCER span {@code "send {destination}"}: the span's context is
   * injected into {@code headers}, then {@code send} runs with the span current. Works for {@code
   * Map<String, String>} and AMQP's {@code Map<String, Object>} alike; for anything else use {@link
   * #producer(String, String)} with a carrier.
   *
   * <p>Attributes: {@code messaging.system}, {@code messaging.destination.name}, {@code
   * messaging.operation.type} and {@code messaging.operation.name} ({@code send}).
   *
   * @param system the messaging system, {@code messaging.system}: {@code rabbitmq}, {@code nats},
   *     {@code kafka}, {@code jms}, ...
   * @param destination the queue, topic, subject or exchange, {@code messaging.destination.name};
   *     low cardinality (it is part of the span name)
   * @param headers the outgoing message's headers, which receive {@code traceparent} (and {@code
   *     tracestate}, {@code baggage} when present); must be mutable
   * @param send sends the message with {@code headers}
   * @param <E> the type of checked exception the send may throw
   * @throws E the very exception {@code send} threw, after it was recorded on the span
   */
  public <E extends Throwable> void publish(
      String system,
      String destination,
      Map<String, ? super String> headers,
      ThrowingRunnable<E> send)
      throws E {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(send, "send");
    Context parent = Context.current();
    Span span =
        messagingSpan(SpanKind.PRODUCER, system, destination, OPERATION_SEND, OPERATION_SEND)
            .setParent(parent)
            .startSpan();
    Context context = parent.with(span);
    inject(context, headers, MessageCarriers.mapSetter());
    run(context, send);
  }

  /**
   * Handles a received message inside a CONSUMER span {@code "process {destination}"} whose parent
   * is the context extracted from {@code headers} (or, with {@link
   * MessagingTelemetryBuilder#newTraceWithLink(boolean)}, a link to it).
   *
   * <p>Header values may be {@code String}, {@code byte[]} (UTF-8) or any object whose {@code
   * toString()} is the text (AMQP's {@code LongString}). Attributes: {@code messaging.system},
   * {@code messaging.destination.name}, {@code messaging.operation.type} and {@code
   * messaging.operation.name} ({@code process}).
   *
   * @param system the messaging system, {@code messaging.system}
   * @param destination the queue, topic or subject the message came from, {@code
   *     messaging.destination.name}; low cardinality
   * @param headers the incoming message's headers; {@code null} when the message has none
   * @param handler handles the message; the span is {@link Span#current()} inside it, and the
   *     message's baggage is in the current context
   * @param <T> the type of the result
   * @param <E> the type of checked exception the handler may throw
   * @return what {@code handler} returned
   * @throws E the very exception {@code handler} threw, after it was recorded on the span
   */
  public <T, E extends Throwable> T process(
      String system, String destination, Map<String, ?> headers, ThrowingSupplier<T, E> handler)
      throws E {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(handler, "handler");
    return call(startProcess(system, destination, headers), handler);
  }

  /**
   * Handles a received message inside a CONSUMER span {@code "process {destination}"}, as {@link
   * #process(String, String, Map, ThrowingSupplier)} for a handler without a result.
   *
   * @param system the messaging system, {@code messaging.system}
   * @param destination the queue, topic or subject the message came from, {@code
   *     messaging.destination.name}; low cardinality
   * @param headers the incoming message's headers; {@code null} when the message has none
   * @param handler handles the message; the span is {@link Span#current()} inside it
   * @param <E> the type of checked exception the handler may throw
   * @throws E the very exception {@code handler} threw, after it was recorded on the span
   */
  public <E extends Throwable> void process(
      String system, String destination, Map<String, ?> headers, ThrowingRunnable<E> handler)
      throws E {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(handler, "handler");
    run(startProcess(system, destination, headers), handler);
  }

  /**
   * Starts describing a PRODUCER span with more than the one-liner gives: message id, conversation
   * id, body size, server address, links, another operation name, or a carrier that is not a {@code
   * Map<String, ? super String>}. End the description with {@link ProducerSpanBuilder#run} or
   * {@link ProducerSpanBuilder#call}.
   *
   * @param system the messaging system, {@code messaging.system}
   * @param destination the queue, topic, subject or exchange, {@code messaging.destination.name}
   * @return a builder for one span
   */
  public ProducerSpanBuilder producer(String system, String destination) {
    return new ProducerSpanBuilder(
        this,
        Objects.requireNonNull(system, "system"),
        Objects.requireNonNull(destination, "destination"));
  }

  /**
   * Starts describing a CONSUMER span with more than the one-liner gives: message id, body size,
   * consumer group, server address, a custom carrier, batches (one link per message), or a new
   * trace linked to the message. End the description with {@link ConsumerSpanBuilder#run} or {@link
   * ConsumerSpanBuilder#call}.
   *
   * @param system the messaging system, {@code messaging.system}
   * @param destination the queue, topic or subject, {@code messaging.destination.name}
   * @return a builder for one span
   */
  public ConsumerSpanBuilder consumer(String system, String destination) {
    return new ConsumerSpanBuilder(
        this,
        Objects.requireNonNull(system, "system"),
        Objects.requireNonNull(destination, "destination"),
        newTraceWithLink);
  }

  private Context startProcess(String system, String destination, Map<String, ?> headers) {
    Context current = Context.current();
    Context extracted = headers == null ? current : extract(current, headers, mapGetter);
    SpanBuilder builder =
        messagingSpan(SpanKind.CONSUMER, system, destination, OPERATION_PROCESS, OPERATION_PROCESS);
    return startConsumer(builder, current, extracted, newTraceWithLink);
  }

  /**
   * Starts a consumer span whose parent is {@code extracted} (or, linking instead, {@code current})
   * and returns the context to run the handler in.
   */
  Context startConsumer(
      SpanBuilder builder, Context current, Context extracted, boolean linkInstead) {
    Span span;
    if (linkInstead) {
      Span message = Span.fromContext(extracted);
      if (message != Span.fromContext(current) && message.getSpanContext().isValid()) {
        builder.addLink(message.getSpanContext());
      }
      span = builder.setParent(current).startSpan();
    } else {
      span = builder.setParent(extracted).startSpan();
    }
    return extracted.with(span);
  }

  /** A span builder with the attributes every messaging span has, set before start. */
  SpanBuilder messagingSpan(
      SpanKind kind,
      String system,
      String destination,
      String operationName,
      String operationType) {
    boolean named = !destination.isEmpty();
    SpanBuilder builder =
        tracer
            .spanBuilder(named ? spanName(operationName, destination) : operationName)
            .setSpanKind(kind)
            .setAttribute(MessagingSemconv.MESSAGING_SYSTEM, system)
            .setAttribute(MessagingSemconv.MESSAGING_OPERATION_TYPE, operationType)
            .setAttribute(MessagingSemconv.MESSAGING_OPERATION_NAME, operationName);
    if (named) {
      builder.setAttribute(MessagingSemconv.MESSAGING_DESTINATION_NAME, destination);
    }
    return builder;
  }

  /** {@code "{operationName} {destination}"}, cached for the default operation names. */
  private String spanName(String operationName, String destination) {
    if (operationName.equals(OPERATION_SEND)) {
      return sendNames.name(destination);
    }
    if (operationName.equals(OPERATION_PROCESS)) {
      return processNames.name(destination);
    }
    return operationName + ' ' + destination;
  }

  /** Injects {@code context} into {@code carrier}; a failure is logged once, never thrown. */
  <C> void inject(Context context, C carrier, TextMapSetter<? super C> setter) {
    // a setter of a supertype of C is a setter of C
    @SuppressWarnings("unchecked")
    TextMapSetter<C> setterOfC = (TextMapSetter<C>) setter;
    try {
      propagator.inject(context, carrier, setterOfC);
    } catch (RuntimeException e) {
      if (injectFailureLogged.compareAndSet(false, true)) {
        logger.log(
            Level.WARNING,
            "otel-toolkit-messaging could not write trace context into message headers ("
                + carrier.getClass().getName()
                + "); the message is sent without it. Logged once per MessagingTelemetry.",
            e);
      }
    }
  }

  /** The getter for {@code Map} headers, bounded, reporting to this instance. */
  BoundedGetter<Map<String, ?>> mapGetter() {
    return mapGetter;
  }

  /** {@code getter} bounded, reporting to this instance. */
  <C> BoundedGetter<C> bounded(TextMapGetter<? super C> getter) {
    return new BoundedGetter<>(getter, problems);
  }

  /**
   * Extracts the context of a message on top of {@code base}. Whatever the headers hold, the result
   * is {@code base} or {@code base} with a valid remote span (and baggage): never an exception (but
   * a {@link VirtualMachineError} or {@link ThreadDeath}), never an invalid parent hiding the
   * current span.
   */
  <C> Context extract(Context base, C carrier, BoundedGetter<C> getter) {
    Context extracted;
    try {
      extracted = propagator.extract(base, carrier, getter);
    } catch (Throwable t) {
      // the guarded propagator contains failures already; this is for a propagator that was
      // guarded elsewhere and so reports to another instance
      HeaderProblems.rethrowIfFatal(t);
      problems.failure(t);
      return base;
    }
    if (extracted == null) {
      return base;
    }
    Span span = Span.fromContext(extracted);
    if (span != Span.fromContext(base) && !span.getSpanContext().isValid()) {
      // a propagator put an invalid span in: keep the current span as the parent
      return extracted.with(Span.fromContext(base));
    }
    return extracted;
  }

  static <T, E extends Throwable> T call(Context context, ThrowingSupplier<T, E> body) throws E {
    return Operations.call(context, Span.fromContext(context), MessagingTelemetry::end, body);
  }

  static <E extends Throwable> void run(Context context, ThrowingRunnable<E> body) throws E {
    Operations.run(context, Span.fromContext(context), MessagingTelemetry::end, body);
  }

  private static void end(Span span, Throwable failure) {
    if (failure != null) {
      FailureRecorder.record(span, failure);
    }
    span.end();
  }
}
