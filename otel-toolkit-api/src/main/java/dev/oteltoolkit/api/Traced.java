package dev.oteltoolkit.api;

import dev.oteltoolkit.api.internal.InstalledTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The methods of {@link Tracing} as static functions over {@link GlobalOpenTelemetry}, for {@code
 * import static dev.oteltoolkit.api.Traced.traced;}:
 *
 * <pre>{@code
 * Telemetry.setup().serviceName("checkout").install();   // once, in main
 * ...
 * Order order = traced("load-order", () -> orders.find(id));
 * }</pre>
 *
 * <p>They record through whatever is installed as the global OpenTelemetry: the SDK of
 * otel-toolkit-core's {@code Telemetry.setup()...install()}, the OpenTelemetry Java agent's, or the
 * no-op default (then bodies just run). Inside a body the span is {@link
 * io.opentelemetry.api.trace.Span#current()}.
 */
public final class Traced {

  private static volatile Cached cached = new Cached(null, Tracing.create(OpenTelemetry.noop()));

  private Traced() {}

  /**
   * Runs {@code body} inside a new span, as {@link Tracing#traced(String, ThrowingSupplier)}.
   *
   * @param name the span name
   * @param body the code to trace
   * @param <T> the type of the result
   * @param <E> the type of checked exception the body may throw
   * @return what {@code body} returned
   * @throws E the very exception {@code body} threw, after it was recorded on the span
   */
  public static <T extends @Nullable Object, E extends Throwable> T traced(
      String name, ThrowingSupplier<T, E> body) throws E {
    return tracing().traced(name, body);
  }

  /**
   * Runs {@code body} inside a new span, as {@link Tracing#traced(String, ThrowingRunnable)}.
   *
   * @param name the span name
   * @param body the code to trace
   * @param <E> the type of checked exception the body may throw
   * @throws E the very exception {@code body} threw, after it was recorded on the span
   */
  public static <E extends Throwable> void traced(String name, ThrowingRunnable<E> body) throws E {
    tracing().traced(name, body);
  }

  /**
   * Traces asynchronous work, as {@link Tracing#tracedAsync(String, Supplier)}.
   *
   * @param name the span name
   * @param body starts the asynchronous work
   * @param <T> the type of the result
   * @return a future completed with the stage's outcome after the span has ended
   */
  public static <T> CompletableFuture<T> tracedAsync(
      String name, Supplier<? extends CompletionStage<T>> body) {
    return tracing().tracedAsync(name, body);
  }

  /**
   * Starts describing a span, as {@link Tracing#span(String)}.
   *
   * @param name the span name
   * @return a builder for the span
   */
  public static TracedSpanBuilder span(String name) {
    return tracing().span(name);
  }

  /**
   * Returns the {@link Tracing} over the current global OpenTelemetry.
   *
   * @return the tracing instance the static methods use
   */
  public static Tracing tracing() {
    OpenTelemetry global = GlobalOpenTelemetry.getOrNoop();
    Cached current = cached;
    if (current.openTelemetry != global) {
      Tracing installed = InstalledTracing.forGlobal(global);
      current = new Cached(global, installed != null ? installed : Tracing.create(global));
      cached = current;
    }
    if (global == OpenTelemetry.noop()) {
      InstalledTracing.warnIfBuiltNotInstalled();
    }
    return current.tracing;
  }

  private static final class Cached {
    final @Nullable OpenTelemetry openTelemetry;
    final Tracing tracing;

    Cached(@Nullable OpenTelemetry openTelemetry, Tracing tracing) {
      this.openTelemetry = openTelemetry;
      this.tracing = tracing;
    }
  }
}
