package dev.oteltoolkit.benchmarks;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.api.ThrowingSupplier;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Map;

/**
 * The baseline of the messaging pairs: what {@code MessagingTelemetry.publish} and {@code process}
 * record, written by hand on the raw OpenTelemetry API the way a careful user would: the same
 * PRODUCER / CONSUMER spans (constant names {@code "send {destination}"} and {@code "process
 * {destination}"}, the same four messaging attributes set before start), the context injected into
 * and extracted from the message headers by {@code W3CTraceContextPropagator.getInstance()} with
 * hand-written getters and setters, the span made current around the user's code, and the error
 * recorded if that code throws.
 *
 * <p>What it does not do: the toolkit's defences against untrusted headers (size limits, a
 * printable-ASCII {@code traceparent}, a valid percent-encoding of {@code baggage}, getters and
 * propagators that throw, an invalid extracted parent replaced by the current one). A careful user
 * could write them; most do not. They are part of what {@code process} is measured with.
 */
final class RawMessaging {

  static final String SCOPE = "dev.oteltoolkit.benchmarks.raw";

  static final AttributeKey<String> SYSTEM = stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION = stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION_TYPE = stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME = stringKey("messaging.operation.name");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

  /** A setter for {@code Map<String, String>} headers, as a user writes it. */
  static final TextMapSetter<Map<String, String>> STRING_MAP_SETTER =
      (carrier, key, value) -> carrier.put(key, value);

  /** A getter for {@code Map<String, String>} headers, as a user writes it. */
  static final TextMapGetter<Map<String, String>> STRING_MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  /** A setter for AMQP's {@code Map<String, Object>} headers, as a user writes it. */
  static final TextMapSetter<Map<String, Object>> OBJECT_MAP_SETTER =
      (carrier, key, value) -> carrier.put(key, value);

  /**
   * A getter for AMQP's {@code Map<String, Object>} headers, as a user writes it: values arrive as
   * {@code LongString}, whose {@code toString()} is the text.
   */
  static final TextMapGetter<Map<String, Object>> OBJECT_MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
          if (carrier == null) {
            return null;
          }
          Object value = carrier.get(key);
          return value == null ? null : value.toString();
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();
  private final String system;
  private final String destination;
  private final String sendName;
  private final String processName;

  /**
   * Creates the raw side for one messaging system and destination.
   *
   * @param openTelemetry the SDK the toolkit side records through too
   * @param system {@code messaging.system}, e.g. {@code rabbitmq}
   * @param destination {@code messaging.destination.name}, e.g. {@code orders}
   */
  RawMessaging(OpenTelemetry openTelemetry, String system, String destination) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.system = system;
    this.destination = destination;
    this.sendName = "send " + destination;
    this.processName = "process " + destination;
  }

  /** A PRODUCER span, the context injected into {@code headers}, {@code send} inside the span. */
  @SuppressWarnings("try") // the scope is held for its side effect
  void publish(Map<String, Object> headers, ThrowingRunnable<RuntimeException> send) {
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder(sendName)
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(parent)
            .setAttribute(SYSTEM, system)
            .setAttribute(OPERATION_TYPE, "send")
            .setAttribute(OPERATION_NAME, "send")
            .setAttribute(DESTINATION, destination)
            .startSpan();
    Context context = parent.with(span);
    propagator.inject(context, headers, OBJECT_MAP_SETTER);
    try (Scope ignored = context.makeCurrent()) {
      send.run();
    } catch (RuntimeException e) {
      recordError(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** A CONSUMER span whose parent is extracted from {@code headers}, {@code handler} inside it. */
  @SuppressWarnings("try") // the scope is held for its side effect
  <T> T process(Map<String, Object> headers, ThrowingSupplier<T, RuntimeException> handler) {
    Context extracted = propagator.extract(Context.current(), headers, OBJECT_MAP_GETTER);
    Span span =
        tracer
            .spanBuilder(processName)
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(extracted)
            .setAttribute(SYSTEM, system)
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(OPERATION_NAME, "process")
            .setAttribute(DESTINATION, destination)
            .startSpan();
    try (Scope ignored = extracted.with(span).makeCurrent()) {
      return handler.get();
    } catch (RuntimeException e) {
      recordError(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  private static void recordError(Span span, RuntimeException e) {
    span.recordException(e);
    span.setStatus(StatusCode.ERROR, e.getMessage());
    span.setAttribute(ERROR_TYPE, e.getClass().getName());
  }
}
