package dev.oteltoolkit.api;

import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import dev.oteltoolkit.api.instrumentation.InstrumentationScope;
import dev.oteltoolkit.api.instrumentation.Operations;
import dev.oteltoolkit.api.internal.StableKeys;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Wraps code in spans: {@code tracing.traced("charge-card", () -> gateway.charge(order))}.
 *
 * <p>Each traced call starts a span (a child of the current one), makes it current while the body
 * runs, and ends it. A body that throws gets {@code recordException}, status {@code ERROR} and
 * {@code error.type} (the exception's class name), and the very same exception instance is rethrown
 * with its own (checked) type. Every traced call also records the RED histogram {@value
 * #OPERATION_DURATION} (seconds, with {@code oteltoolkit.operation.name} and, on failure, {@code
 * error.type}), whether or not the span is sampled, so latency percentiles and error rates stay
 * exact at any sampling ratio.
 *
 * <p>A span started by this class with no local parent (a new trace, or a parent extracted from
 * another process) is a <em>local root</em>: it carries a {@link RequestAccumulator} in its
 * context, which modules use for per-request totals.
 *
 * <p>To carry the current context into an executor, wrap the executor once with {@link
 * Context#taskWrapping(java.util.concurrent.ExecutorService)}; tasks submitted through it run with
 * the submitter's context, so their traced calls become children of the submitting span.
 *
 * <p>Instances are thread-safe; create one per {@link OpenTelemetry} and share it.
 */
public final class Tracing {

  /** Name of the RED histogram recorded for every traced operation. */
  public static final String OPERATION_DURATION = "oteltoolkit.operation.duration";

  /** Attribute of the RED histogram that carries the span name. */
  public static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("oteltoolkit.operation.name");

  private static final AttributeKey<String> ERROR_TYPE = StableKeys.ERROR_TYPE;

  /** Bucket boundaries of the semantic conventions' advice for HTTP durations, in seconds. */
  static final List<Double> DURATION_BUCKETS =
      Arrays.asList(
          0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private static final int MAX_CACHED_NAMES = 4096;
  private static final double NANOS_PER_SECOND = 1_000_000_000.0;
  private static final Tracing NOOP = new Tracing(OpenTelemetry.noop(), true);

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final boolean disabled;
  private final Operations.Ending<Operation> ending = this::end;

  /**
   * The metric attributes of recently used names, one slot per name hash; entries are immutable, so
   * threads that race on a slot only replace each other's entry.
   */
  private final NamedAttributes[] recentNames = new NamedAttributes[64];

  private final ConcurrentHashMap<String, NamedAttributes> attributesByName =
      new ConcurrentHashMap<>();

  /**
   * Returns a {@code Tracing} that records through the given OpenTelemetry: the one of
   * otel-toolkit-core's {@code Telemetry}, one built by hand, or the Java agent's {@code
   * GlobalOpenTelemetry}.
   *
   * @param openTelemetry the OpenTelemetry to record spans and metrics with
   * @return a {@code Tracing}; the shared no-op one for {@link OpenTelemetry#noop()}
   */
  public static Tracing create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return openTelemetry == OpenTelemetry.noop() ? NOOP : new Tracing(openTelemetry, false);
  }

  private Tracing(OpenTelemetry openTelemetry, boolean disabled) {
    this.openTelemetry = openTelemetry;
    this.disabled = disabled;
    this.tracer = InstrumentationScope.CORE.tracer(openTelemetry);
    this.duration =
        InstrumentationScope.CORE
            .meter(openTelemetry)
            .histogramBuilder(OPERATION_DURATION)
            .setUnit("s")
            .setDescription("Duration of operations traced by otel-toolkit.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
  }

  /**
   * Runs {@code body} inside a new span named {@code name} and returns its result.
   *
   * @param name the span name (low cardinality: an operation, not an id)
   * @param body the code to trace; the span is {@link Span#current()} inside it
   * @param <T> the type of the result
   * @param <E> the type of checked exception the body may throw
   * @return what {@code body} returned
   * @throws E the very exception {@code body} threw, after it was recorded on the span
   */
  public <T extends @Nullable Object, E extends Throwable> T traced(
      String name, ThrowingSupplier<T, E> body) throws E {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    if (disabled) {
      return body.get();
    }
    return call(startSpan(name, tracer.spanBuilder(name), Context.current()), body);
  }

  /**
   * Runs {@code body} inside a new span named {@code name}.
   *
   * @param name the span name (low cardinality: an operation, not an id)
   * @param body the code to trace; the span is {@link Span#current()} inside it
   * @param <E> the type of checked exception the body may throw
   * @throws E the very exception {@code body} threw, after it was recorded on the span
   */
  public <E extends Throwable> void traced(String name, ThrowingRunnable<E> body) throws E {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    if (disabled) {
      body.run();
      return;
    }
    run(startSpan(name, tracer.spanBuilder(name), Context.current()), body);
  }

  /**
   * Starts a span named {@code name}, calls {@code body} inside it and ends the span when the
   * returned stage completes.
   *
   * <p>If {@code body} throws, the error is recorded and the same exception is thrown here,
   * synchronously. If the stage completes exceptionally, the cause (unwrapped from {@link
   * java.util.concurrent.CompletionException} and {@link java.util.concurrent.ExecutionException})
   * is recorded; a cancelled stage is an error with {@code error.type} {@code cancelled}.
   * Cancelling the returned future cancels the stage {@code body} returned, when that stage
   * supports it.
   *
   * @param name the span name
   * @param body starts the asynchronous work; the span is current while it runs
   * @param <T> the type of the result
   * @return a future completed with the stage's outcome after the span has ended
   */
  public <T> CompletableFuture<T> tracedAsync(
      String name, Supplier<? extends CompletionStage<T>> body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    if (disabled) {
      return Objects.requireNonNull(body.get(), "body returned null").toCompletableFuture();
    }
    return callAsync(startSpan(name, tracer.spanBuilder(name), Context.current()), body);
  }

  /**
   * Starts describing a span with more than a name: kind, attributes, parent, links, forced
   * sampling. End the description with {@link TracedSpanBuilder#call}, {@link
   * TracedSpanBuilder#run} or {@link TracedSpanBuilder#callAsync}.
   *
   * @param name the span name
   * @return a builder for the span
   */
  public TracedSpanBuilder span(String name) {
    Objects.requireNonNull(name, "name");
    return new TracedSpanBuilder(this, name);
  }

  /**
   * Returns the OpenTelemetry this instance records through.
   *
   * @return the OpenTelemetry
   */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  boolean isDisabled() {
    return disabled;
  }

  Tracer tracer() {
    return tracer;
  }

  /** Starts the span of one operation and returns the state needed to end it. */
  Operation startSpan(String name, SpanBuilder builder, Context parent) {
    long startNanos = System.nanoTime();
    SpanContext parentContext = Span.fromContext(parent).getSpanContext();
    Span span = builder.setParent(parent).startSpan();
    Context context = parent.with(span);
    Operation operation;
    if (!parentContext.isValid() || parentContext.isRemote()) {
      // a local root: its Operation is the request's anchor in the context; the accumulator
      // itself is created only when a module asks for it
      operation = new Operation(name, span, startNanos, true);
      context = context.with(Operation.LOCAL_ROOT, operation);
    } else {
      operation = new Operation(name, span, startNanos, false);
      if (parent.get(Operation.LOCAL_ROOT) == null
          && parent.get(RequestAccumulator.FOREIGN_ROOT) == null
          && RequestAccumulator.isLocalRoot(Span.fromContext(parent))) {
        // the parent is a local root started by other code: remember it, so the request's
        // accumulator can be attached to it lazily from any descendant
        context = context.with(RequestAccumulator.FOREIGN_ROOT, Span.fromContext(parent));
      }
    }
    operation.context = context;
    return operation;
  }

  <T extends @Nullable Object, E extends Throwable> T call(
      Operation operation, ThrowingSupplier<T, E> body) throws E {
    return Operations.call(operation.context, operation, ending, body);
  }

  <E extends Throwable> void run(Operation operation, ThrowingRunnable<E> body) throws E {
    Operations.run(operation.context, operation, ending, body);
  }

  <T> CompletableFuture<T> callAsync(
      Operation operation, Supplier<? extends CompletionStage<T>> body) {
    return Operations.callAsync(operation.context, operation, ending, body, operation.name);
  }

  private void end(Operation operation, @Nullable Throwable failure) {
    Span span = operation.span;
    Attributes metricAttributes;
    if (failure == null) {
      metricAttributes = attributesFor(operation.name);
    } else {
      String errorType = FailureRecorder.errorType(failure);
      FailureRecorder.record(span, failure, errorType, null);
      metricAttributes = Attributes.of(OPERATION_NAME, operation.name, ERROR_TYPE, errorType);
    }
    if (operation.localRoot) {
      operation.end();
    }
    span.end();
    duration.record(
        (System.nanoTime() - operation.startNanos) / NANOS_PER_SECOND, metricAttributes);
  }

  @SuppressWarnings("ReferenceEquality") // identity first on purpose, equals() right after
  private Attributes attributesFor(String name) {
    // first a direct-mapped slot by the name's (cached) hash, compared by identity: span names
    // are mostly literals, so this is an array read and a compare; then the bounded map
    int slot = name.hashCode() & (recentNames.length - 1);
    NamedAttributes recent = recentNames[slot];
    if (recent != null && (recent.name == name || recent.name.equals(name))) {
      return recent.attributes;
    }
    NamedAttributes cached = attributesByName.get(name);
    if (cached == null) {
      if (attributesByName.size() >= MAX_CACHED_NAMES) {
        return Attributes.of(OPERATION_NAME, name); // too many names: not cached
      }
      NamedAttributes created = new NamedAttributes(name, Attributes.of(OPERATION_NAME, name));
      cached = attributesByName.putIfAbsent(name, created);
      if (cached == null) {
        cached = created;
      }
    }
    recentNames[slot] = cached; // racy on purpose: entries are immutable, no allocation here
    return cached.attributes;
  }

  /**
   * The state of one traced operation between start and end. For a local root it is also the
   * request's anchor in the context, holding the {@link RequestAccumulator} once one is asked for.
   */
  static final class Operation {
    static final ContextKey<Operation> LOCAL_ROOT = ContextKey.named("oteltoolkit-local-root");

    private static final AtomicReferenceFieldUpdater<Operation, RequestAccumulator> ACCUMULATOR =
        AtomicReferenceFieldUpdater.newUpdater(
            Operation.class, RequestAccumulator.class, "accumulator");

    final String name;
    final Span span;
    final long startNanos;
    final boolean localRoot;
    // replaced by startSpan before the operation is handed out
    Context context = Context.root();
    private volatile @Nullable RequestAccumulator accumulator;
    private volatile boolean ended;

    Operation(String name, Span span, long startNanos, boolean localRoot) {
      this.name = name;
      this.span = span;
      this.startNanos = startNanos;
      this.localRoot = localRoot;
    }

    /** Returns the request's accumulator, creating it on first use. */
    RequestAccumulator accumulator() {
      RequestAccumulator current = accumulator;
      if (current != null) {
        return current;
      }
      RequestAccumulator created = new RequestAccumulator(span);
      if (!ACCUMULATOR.compareAndSet(this, null, created)) {
        RequestAccumulator winner = accumulator;
        return winner != null ? winner : created;
      }
      // end() writes ended then reads accumulator; this writes accumulator then reads ended:
      // one of the two sees the other, so an accumulator created while the root ends is closed
      if (ended) {
        created.close();
      }
      return created;
    }

    /** Marks the local root ended: its accumulator (if any) stops counting. */
    void end() {
      ended = true;
      RequestAccumulator current = accumulator;
      if (current != null) {
        current.close();
      }
    }
  }

  /** A span name and its metric attributes, for {@link #attributesFor}. */
  private static final class NamedAttributes {
    final String name;
    final Attributes attributes;

    NamedAttributes(String name, Attributes attributes) {
      this.name = name;
      this.attributes = attributes;
    }
  }
}
