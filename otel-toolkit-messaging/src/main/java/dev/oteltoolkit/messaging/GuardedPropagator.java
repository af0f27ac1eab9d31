package dev.oteltoolkit.messaging;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.Objects;

/**
 * A {@link TextMapPropagator} that reads untrusted headers (HTTP requests, messages) safely before
 * the propagator it wraps parses them. Use it where incoming requests are instrumented by code that
 * takes the propagators of an {@code OpenTelemetry}, such as OpenTelemetry's HTTP server
 * instrumentations:
 *
 * <pre>{@code
 * OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
 *     .setTracerProvider(tracerProvider)
 *     .setPropagators(GuardedPropagator.wrap(ContextPropagators.create(
 *         TextMapPropagator.composite(
 *             W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()))))
 *     .build();
 * JavaHttpServerTelemetry.create(sdk).configure(context);
 * }</pre>
 *
 * <p>An SDK configured by OpenTelemetry's autoconfiguration, which {@code Telemetry.setup()} uses,
 * needs nothing: while this module is on the class path, its {@code tracecontext} and {@code
 * baggage} propagators are wrapped (other propagators are left as they are).
 *
 * <p>What the wrapped propagator sees:
 *
 * <ul>
 *   <li>a {@code traceparent} over 512 characters or with anything but printable ASCII is absent
 *       (OpenTelemetry API 1.65.0's parser throws on {@code U+FFFF});
 *   <li>any other header over 8192 characters is absent;
 *   <li>the members of a {@code baggage} header with a broken percent-encoding (a {@code %} not
 *       followed by two hexadecimal digits) are left out and the other members kept:
 *       OpenTelemetry's baggage parser logs a warning with a stack trace for each such member, a
 *       log flood any client could trigger;
 *   <li>at most 16 values of a repeated header are read;
 *   <li>a getter, a header value or the propagator itself that throws reads as no context: the
 *       request goes on as a new trace. {@link VirtualMachineError}s and {@link ThreadDeath} are
 *       rethrown, never contained.
 * </ul>
 *
 * <p>The cost of a hostile sender is bounded in the log too: failures are logged at {@code
 * WARNING}, dropped values at {@code FINE} (logger {@code
 * dev.oteltoolkit.messaging.GuardedPropagator}), each at most once a minute for the whole JVM with
 * the count of the others. Injection is passed through unchanged.
 */
public final class GuardedPropagator implements TextMapPropagator {

  private final TextMapPropagator delegate;
  private final HeaderProblems problems;

  /** The getter wrapped last: instrumentations pass one shared getter, so calls rarely allocate. */
  private volatile BoundedGetter<?> lastBounded;

  /**
   * Returns {@code propagator} guarded; a propagator already guarded is returned as it is.
   *
   * @param propagator the propagator that parses the headers
   * @return the guarded propagator
   */
  public static TextMapPropagator wrap(TextMapPropagator propagator) {
    return wrap(propagator, HeaderProblems.SHARED);
  }

  /**
   * Returns {@code propagators} with their text map propagator guarded.
   *
   * @param propagators the propagators, e.g. {@code ContextPropagators.create(...)}
   * @return the guarded propagators
   */
  public static ContextPropagators wrap(ContextPropagators propagators) {
    Objects.requireNonNull(propagators, "propagators");
    TextMapPropagator guarded = wrap(propagators.getTextMapPropagator());
    return guarded == propagators.getTextMapPropagator()
        ? propagators
        : ContextPropagators.create(guarded);
  }

  static TextMapPropagator wrap(TextMapPropagator propagator, HeaderProblems problems) {
    Objects.requireNonNull(propagator, "propagator");
    return propagator instanceof GuardedPropagator
        ? propagator
        : new GuardedPropagator(propagator, problems);
  }

  private GuardedPropagator(TextMapPropagator delegate, HeaderProblems problems) {
    this.delegate = delegate;
    this.problems = problems;
  }

  @Override
  public Collection<String> fields() {
    return delegate.fields();
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    delegate.inject(context, carrier, setter);
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) {
      context = Context.root();
    }
    if (getter == null) {
      return context;
    }
    TextMapGetter<C> bounded = bounded(getter);
    Context extracted;
    try {
      extracted = delegate.extract(context, carrier, bounded);
    } catch (Throwable t) {
      HeaderProblems.rethrowIfFatal(t);
      problems.failure(t);
      return context;
    }
    return extracted == null ? context : extracted;
  }

  @SuppressWarnings("unchecked") // a BoundedGetter delegating to a getter of C is a getter of C
  private <C> TextMapGetter<C> bounded(TextMapGetter<C> getter) {
    if (getter instanceof BoundedGetter) {
      return getter;
    }
    BoundedGetter<?> last = lastBounded;
    if (last != null && last.delegate() == getter) {
      return (TextMapGetter<C>) last;
    }
    BoundedGetter<C> bounded = new BoundedGetter<>(getter, problems);
    lastBounded = bounded;
    return bounded;
  }

  @Override
  public String toString() {
    return "GuardedPropagator{" + delegate + "}";
  }
}
