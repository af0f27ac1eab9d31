package dev.oteltoolkit.api;

import dev.oteltoolkit.api.internal.SdkSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.lang.ref.WeakReference;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Per-request totals, bound to the local root span of a request and carried in its {@link Context}:
 * modules add to it (GenAI tokens and cost) from any span of the request, on any thread the context
 * reaches, and each total is written onto the local root span as it changes.
 *
 * <pre>{@code
 * RequestAccumulator totals = RequestAccumulator.current();
 * totals.addDecimal(TOTAL_COST, new BigDecimal("0.0042"));   // root gets the exact sum
 * totals.addLong(TOTAL_INPUT_TOKENS, 1200);
 * }</pre>
 *
 * <p>{@link Tracing} creates one whenever it starts a local root (a span without a parent in this
 * process). When a local root was started by other code (a hand-built span, a server
 * instrumentation) and it is a span of the OpenTelemetry SDK, {@link #current()} attaches one to it
 * lazily. Code that starts a local root itself and passes its context on (a module's own spans)
 * calls {@link #startRequest(Context)} instead, which carries the accumulator in the context and
 * costs one context entry rather than a lookup in a shared weak map. Otherwise (no span, or the
 * Java agent's spans) {@link #current()} returns an inactive accumulator that records nothing.
 *
 * <p>Sums are exact: decimals are {@link BigDecimal} sums (written onto the span as a double),
 * longs are exact long sums, both under one lock, so concurrent additions never lose an update.
 * Additions made after the local root ended are not counted: a call that outlives its request does
 * not change totals already exported.
 *
 * <p>Totals are kept whether or not the root span is sampled, so budgets work at any sampling
 * ratio; they are written onto the root only when it is recording.
 */
public final class RequestAccumulator {

  /** The accumulator of a local root started by {@link #startRequest(Context)}. */
  private static final ContextKey<RequestAccumulator> STARTED =
      ContextKey.named("oteltoolkit-request-accumulator");

  /** A local root started by other code, recorded by Tracing in its children's contexts. */
  static final ContextKey<Span> FOREIGN_ROOT = ContextKey.named("oteltoolkit-foreign-root");

  private static final RequestAccumulator INACTIVE = new RequestAccumulator(Span.getInvalid());
  private static final Map<Span, RequestAccumulator> LAZILY_ATTACHED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final Object lock = new Object();
  // Tracing's roots are held strongly (the accumulator lives as long as the request's context);
  // lazily attached ones weakly, so the weak map above can forget roots nobody holds any more.
  private final @Nullable Span strongRoot;
  private final @Nullable WeakReference<Span> weakRoot;
  private volatile boolean closed;
  private @Nullable Map<AttributeKey<Double>, BigDecimal> decimals; // guarded by lock
  private @Nullable Map<AttributeKey<Long>, Long> longs; // guarded by lock

  /**
   * Returns the accumulator of the request the current context belongs to.
   *
   * @return the accumulator, or an inactive one when there is no local root to bind to
   */
  public static RequestAccumulator current() {
    return fromContext(Context.current());
  }

  /**
   * Returns the accumulator of the request {@code context} belongs to.
   *
   * @param context the context to look in
   * @return the accumulator, or an inactive one when there is no local root to bind to
   */
  public static RequestAccumulator fromContext(Context context) {
    Objects.requireNonNull(context, "context");
    Tracing.Operation root = context.get(Tracing.Operation.LOCAL_ROOT);
    if (root != null) {
      return root.accumulator();
    }
    RequestAccumulator started = context.get(STARTED);
    if (started != null) {
      return started;
    }
    Span foreignRoot = context.get(FOREIGN_ROOT);
    if (foreignRoot == null) {
      Span span = Span.fromContext(context);
      if (isLocalRoot(span)) {
        foreignRoot = span;
      }
    }
    if (foreignRoot != null && !SdkSpans.hasEnded(foreignRoot)) {
      return LAZILY_ATTACHED.computeIfAbsent(
          foreignRoot, r -> new RequestAccumulator(null, new WeakReference<>(r)));
    }
    return INACTIVE;
  }

  /**
   * Starts the totals of a request at the span of {@code context}, a local root the caller has just
   * started and will end, and returns {@code context} carrying them: {@link #fromContext(Context)}
   * on it and on every context derived from it finds them. Use it when code of yours starts request
   * roots (a module's own spans); {@link #current()} under a root started elsewhere attaches lazily
   * instead, through a shared weak map.
   *
   * <p>When the span of {@code context} is not a local root of the OpenTelemetry SDK, or already
   * belongs to a request, {@code context} is returned unchanged. Only contexts derived from the
   * returned one find these totals: a context built anew around the bare span ({@code
   * Context.current().with(span)}) would attach separate totals lazily, so pass the returned
   * context on (e.g. make it current) rather than the span alone.
   *
   * @param context a context whose span is a local root the caller started
   * @return {@code context} with the request's accumulator, or {@code context} itself
   */
  public static Context startRequest(Context context) {
    Objects.requireNonNull(context, "context");
    if (context.get(Tracing.Operation.LOCAL_ROOT) != null || context.get(STARTED) != null) {
      return context;
    }
    Span span = Span.fromContext(context);
    if (!isLocalRoot(span)) {
      return context;
    }
    return context.with(STARTED, new RequestAccumulator(span));
  }

  /** Whether {@code span} is an SDK span without a parent in this process. */
  static boolean isLocalRoot(Span span) {
    return SdkSpans.isLocalRoot(span);
  }

  RequestAccumulator(Span root) {
    this(root, null);
  }

  private RequestAccumulator(@Nullable Span strongRoot, @Nullable WeakReference<Span> weakRoot) {
    this.strongRoot = strongRoot;
    this.weakRoot = weakRoot;
  }

  /**
   * Adds {@code amount} to the decimal total under {@code key} and writes the new total onto the
   * local root span (as a double).
   *
   * @param key the attribute the total is written to, e.g. {@code oteltoolkit.gen_ai.total.cost}
   * @param amount the amount to add
   * @return the new total; the unchanged total when this accumulator is no longer active
   */
  public BigDecimal addDecimal(AttributeKey<Double> key, BigDecimal amount) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(amount, "amount");
    synchronized (lock) {
      if (decimals == null) {
        decimals = new HashMap<>();
      }
      BigDecimal total = decimals.getOrDefault(key, BigDecimal.ZERO);
      if (!isActive()) {
        return total;
      }
      total = total.add(amount);
      decimals.put(key, total);
      rootSpan().setAttribute(key, total.doubleValue());
      return total;
    }
  }

  /**
   * Adds {@code amount} to the long total under {@code key} and writes the new total onto the local
   * root span.
   *
   * @param key the attribute the total is written to, e.g. {@code
   *     oteltoolkit.gen_ai.total.input_tokens}
   * @param amount the amount to add
   * @return the new total; the unchanged total when this accumulator is no longer active
   * @throws ArithmeticException if the total overflows a long
   */
  public long addLong(AttributeKey<Long> key, long amount) {
    Objects.requireNonNull(key, "key");
    synchronized (lock) {
      if (longs == null) {
        longs = new HashMap<>();
      }
      long total = longs.getOrDefault(key, 0L);
      if (!isActive()) {
        return total;
      }
      total = Math.addExact(total, amount);
      longs.put(key, total);
      rootSpan().setAttribute(key, total);
      return total;
    }
  }

  /**
   * Returns the decimal total under {@code key}.
   *
   * @param key the total's attribute
   * @return the total, zero when nothing was added
   */
  public BigDecimal decimalTotal(AttributeKey<Double> key) {
    Objects.requireNonNull(key, "key");
    synchronized (lock) {
      return decimals == null ? BigDecimal.ZERO : decimals.getOrDefault(key, BigDecimal.ZERO);
    }
  }

  /**
   * Returns the long total under {@code key}.
   *
   * @param key the total's attribute
   * @return the total, zero when nothing was added
   */
  public long longTotal(AttributeKey<Long> key) {
    Objects.requireNonNull(key, "key");
    synchronized (lock) {
      return longs == null ? 0L : longs.getOrDefault(key, 0L);
    }
  }

  /**
   * Returns the local root span the totals are written to; an invalid span for an inactive
   * accumulator. Modules use it to mark the request, e.g. with an event when a budget is exceeded.
   *
   * @return the local root span
   */
  public Span rootSpan() {
    if (strongRoot != null) {
      return strongRoot;
    }
    Span root = weakRoot != null ? weakRoot.get() : null;
    return root != null ? root : Span.getInvalid();
  }

  /**
   * Returns whether additions are still counted: true from the local root's start until it ends.
   *
   * @return whether this accumulator is active
   */
  public boolean isActive() {
    if (closed) {
      return false;
    }
    Span root = rootSpan();
    if (!root.getSpanContext().isValid() || SdkSpans.hasEnded(root)) {
      closed = true;
      return false;
    }
    return true;
  }

  /** Stops counting: called when the local root ends. */
  void close() {
    closed = true;
  }
}
