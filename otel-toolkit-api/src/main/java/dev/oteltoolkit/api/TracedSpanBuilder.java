package dev.oteltoolkit.api;

import dev.oteltoolkit.api.internal.ForceSample;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Describes one traced span beyond its name, then runs a body inside it:
 *
 * <pre>{@code
 * Receipt receipt = tracing.span("charge-card")
 *     .kind(SpanKind.CLIENT)
 *     .attribute("payment.provider", "stripe")
 *     .forceSample()
 *     .call(() -> gateway.charge(order));
 * }</pre>
 *
 * <p>Attributes given here are set when the span starts, where samplers can see them. Error
 * handling, RED metrics and the per-request accumulator are those of {@link Tracing}. A builder
 * describes one span: end it with exactly one {@code call}, {@code run} or {@code callAsync}, and
 * use it from one thread.
 */
public final class TracedSpanBuilder {

  private final Tracing tracing;
  private final String name;
  private final SpanBuilder spanBuilder;
  private @Nullable Context parent;

  TracedSpanBuilder(Tracing tracing, String name) {
    this.tracing = tracing;
    this.name = name;
    this.spanBuilder = tracing.tracer().spanBuilder(name);
  }

  /**
   * Sets the span kind. Default: {@link SpanKind#INTERNAL}.
   *
   * @param kind the kind
   * @return this builder
   */
  public TracedSpanBuilder kind(SpanKind kind) {
    spanBuilder.setSpanKind(Objects.requireNonNull(kind, "kind"));
    return this;
  }

  /**
   * Sets a string attribute at span start.
   *
   * @param key the attribute name
   * @param value the value; {@code null} leaves the attribute unset
   * @return this builder
   */
  public TracedSpanBuilder attribute(String key, @Nullable String value) {
    spanBuilder.setAttribute(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Sets a long attribute at span start.
   *
   * @param key the attribute name
   * @param value the value
   * @return this builder
   */
  public TracedSpanBuilder attribute(String key, long value) {
    spanBuilder.setAttribute(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Sets a double attribute at span start.
   *
   * @param key the attribute name
   * @param value the value
   * @return this builder
   */
  public TracedSpanBuilder attribute(String key, double value) {
    spanBuilder.setAttribute(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Sets a boolean attribute at span start.
   *
   * @param key the attribute name
   * @param value the value
   * @return this builder
   */
  public TracedSpanBuilder attribute(String key, boolean value) {
    spanBuilder.setAttribute(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Sets a typed attribute at span start, for example a semantic-convention constant.
   *
   * @param key the attribute key
   * @param value the value; {@code null} leaves the attribute unset
   * @param <T> the type of the value
   * @return this builder
   */
  public <T> TracedSpanBuilder attribute(AttributeKey<T> key, @Nullable T value) {
    spanBuilder.setAttribute(Objects.requireNonNull(key, "key"), value);
    return this;
  }

  /**
   * Sets the parent context. Default: {@link Context#current()} at the time the span starts. A
   * context whose span is remote (extracted from a message or request) makes this span the local
   * root of that trace in this process.
   *
   * @param parent the parent context
   * @return this builder
   */
  public TracedSpanBuilder parent(Context parent) {
    this.parent = Objects.requireNonNull(parent, "parent");
    return this;
  }

  /**
   * Adds a link to another span, for example the producer of a message handled in a batch. Invalid
   * span contexts are ignored.
   *
   * @param linked the linked span's context
   * @return this builder
   */
  public TracedSpanBuilder link(SpanContext linked) {
    spanBuilder.addLink(Objects.requireNonNull(linked, "linked"));
    return this;
  }

  /**
   * Adds a link with attributes to another span.
   *
   * @param linked the linked span's context
   * @param attributes attributes of the link
   * @return this builder
   */
  public TracedSpanBuilder link(SpanContext linked, Attributes attributes) {
    spanBuilder.addLink(
        Objects.requireNonNull(linked, "linked"), Objects.requireNonNull(attributes, "attributes"));
    return this;
  }

  /**
   * Records this span whatever the sampling ratio; its children follow it. Use it for the
   * operations you must always see (payments, rare failures). Default: off.
   *
   * <p>It works through the sampler otel-toolkit-core's {@code Telemetry} installs, which sees the
   * marker attribute {@code oteltoolkit.sampling.forced} at span start. With an SDK built by hand
   * or the OpenTelemetry Java agent, it only sets that attribute (the agent's sampler decides).
   *
   * @return this builder
   */
  public TracedSpanBuilder forceSample() {
    spanBuilder.setAttribute(ForceSample.ATTRIBUTE, true);
    return this;
  }

  /**
   * Starts the span, calls {@code body} inside it and ends the span.
   *
   * @param body the code to trace; the span is {@link Span#current()} inside it
   * @param <T> the type of the result
   * @param <E> the type of checked exception the body may throw
   * @return what {@code body} returned
   * @throws E the very exception {@code body} threw, after it was recorded on the span
   */
  public <T extends @Nullable Object, E extends Throwable> T call(ThrowingSupplier<T, E> body)
      throws E {
    Objects.requireNonNull(body, "body");
    if (tracing.isDisabled()) {
      return body.get();
    }
    return tracing.call(tracing.startSpan(name, spanBuilder, parentContext()), body);
  }

  /**
   * Starts the span, runs {@code body} inside it and ends the span.
   *
   * @param body the code to trace; the span is {@link Span#current()} inside it
   * @param <E> the type of checked exception the body may throw
   * @throws E the very exception {@code body} threw, after it was recorded on the span
   */
  public <E extends Throwable> void run(ThrowingRunnable<E> body) throws E {
    Objects.requireNonNull(body, "body");
    if (tracing.isDisabled()) {
      body.run();
      return;
    }
    tracing.run(tracing.startSpan(name, spanBuilder, parentContext()), body);
  }

  /**
   * Starts the span, calls {@code body} inside it and ends the span when the returned stage
   * completes, with the error rules of {@link Tracing#tracedAsync}.
   *
   * @param body starts the asynchronous work; the span is current while it runs
   * @param <T> the type of the result
   * @return a future completed with the stage's outcome after the span has ended
   */
  public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> body) {
    Objects.requireNonNull(body, "body");
    if (tracing.isDisabled()) {
      return Objects.requireNonNull(body.get(), "body returned null").toCompletableFuture();
    }
    return tracing.callAsync(tracing.startSpan(name, spanBuilder, parentContext()), body);
  }

  private Context parentContext() {
    return parent != null ? parent : Context.current();
  }
}
