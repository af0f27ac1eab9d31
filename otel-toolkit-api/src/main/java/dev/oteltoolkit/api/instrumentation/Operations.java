package dev.oteltoolkit.api.instrumentation;

import dev.oteltoolkit.api.ThrowingFunction;
import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.api.ThrowingSupplier;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The one template every instrumented operation of the toolkit runs through: make the operation's
 * context current, run the body, end the operation with the body's failure (or none), and hand back
 * the body's result or the very exception it threw.
 *
 * <pre>{@code
 * Context context = parent.with(span);
 * return Operations.call(context, span, MyInstrumentation::end, body);
 * }</pre>
 *
 * <p>The {@link Ending} records the outcome (status, {@code error.type}, metrics) and ends the
 * span. It runs exactly once per operation; if it throws, the exception is logged (once per JVM at
 * WARNING, then at FINE) and never replaces what the body returned or threw.
 */
public final class Operations {

  private static final InstrumentationFailures ENDING_FAILURES =
      new InstrumentationFailures(Logger.getLogger(Operations.class.getName()), "otel-toolkit");

  private Operations() {}

  /**
   * Ends an operation: records its outcome and ends its span. Implementations should not throw.
   *
   * @param <S> the operation's state
   */
  @FunctionalInterface
  public interface Ending<S> {

    /**
     * Ends {@code operation}.
     *
     * @param operation the state the operation was started with
     * @param failure what the body threw (or the stage failed with), or null on success
     */
    void end(S operation, @Nullable Throwable failure);
  }

  /**
   * Runs {@code body} with {@code context} current, then ends {@code operation}.
   *
   * @param context the operation's context (its span inside)
   * @param operation the operation's state, handed to {@code ending}
   * @param ending records the outcome and ends the span
   * @param body the code to run
   * @param <S> the operation's state
   * @param <T> the body's result
   * @param <E> the body's checked exception
   * @return what {@code body} returned
   * @throws E the very exception {@code body} threw
   */
  @SuppressWarnings("try") // the scope is held for its side effect
  public static <S, T extends @Nullable Object, E extends Throwable> T call(
      Context context, S operation, Ending<? super S> ending, ThrowingSupplier<T, E> body)
      throws E {
    @Nullable Throwable failure = null;
    try (Scope ignored = context.makeCurrent()) {
      return body.get();
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      end(ending, operation, failure);
    }
  }

  /**
   * Runs {@code body} with {@code context} current, then ends {@code operation}.
   *
   * @param context the operation's context (its span inside)
   * @param operation the operation's state, handed to {@code ending}
   * @param ending records the outcome and ends the span
   * @param body the code to run
   * @param <S> the operation's state
   * @param <E> the body's checked exception
   * @throws E the very exception {@code body} threw
   */
  @SuppressWarnings("try")
  public static <S, E extends Throwable> void run(
      Context context, S operation, Ending<? super S> ending, ThrowingRunnable<E> body) throws E {
    @Nullable Throwable failure = null;
    try (Scope ignored = context.makeCurrent()) {
      body.run();
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      end(ending, operation, failure);
    }
  }

  /**
   * Runs {@code body} on {@code argument} with {@code context} current, then ends {@code
   * operation}.
   *
   * @param context the operation's context (its span inside)
   * @param operation the operation's state, handed to {@code ending}
   * @param ending records the outcome and ends the span
   * @param body the code to run
   * @param argument what {@code body} is applied to (for example the operation's span handle)
   * @param <S> the operation's state
   * @param <A> the argument's type
   * @param <T> the body's result
   * @param <E> the body's checked exception
   * @return what {@code body} returned
   * @throws E the very exception {@code body} threw
   */
  @SuppressWarnings("try")
  public static <S, A extends @Nullable Object, T extends @Nullable Object, E extends Throwable>
      T apply(
          Context context,
          S operation,
          Ending<? super S> ending,
          ThrowingFunction<A, T, E> body,
          A argument)
          throws E {
    @Nullable Throwable failure = null;
    try (Scope ignored = context.makeCurrent()) {
      return body.apply(argument);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      end(ending, operation, failure);
    }
  }

  /**
   * Calls {@code body} with {@code context} current and ends {@code operation} when the stage it
   * returns completes.
   *
   * <p>If {@code body} throws, the operation ends with that failure and the exception is thrown
   * here, synchronously. A stage that completes exceptionally ends it with the cause unwrapped from
   * {@link CompletionException} and {@link ExecutionException} ({@link #unwrap}); the returned
   * future fails with that cause. Cancelling the returned future cancels the body's stage when that
   * stage supports it.
   *
   * @param context the operation's context (its span inside)
   * @param operation the operation's state, handed to {@code ending}
   * @param ending records the outcome and ends the span
   * @param body starts the asynchronous work
   * @param name the operation's name, for the message when {@code body} returns null
   * @param <S> the operation's state
   * @param <T> the stage's result
   * @return a future completed with the stage's outcome after the operation has ended
   */
  // whenComplete callbacks complete the returned future themselves; the stages whenComplete
  // derives are not needed (the callbacks catch what they can throw)
  @SuppressWarnings({"try", "FutureReturnValueIgnored"})
  public static <S, T> CompletableFuture<T> callAsync(
      Context context,
      S operation,
      Ending<? super S> ending,
      Supplier<? extends CompletionStage<T>> body,
      String name) {
    CompletionStage<T> stage;
    try (Scope ignored = context.makeCurrent()) {
      stage = body.get();
      if (stage == null) {
        throw new NullPointerException(
            "body of \"" + name + "\" returned null instead of a CompletionStage");
      }
    } catch (Throwable t) {
      end(ending, operation, t);
      throw t;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          if (error == null) {
            end(ending, operation, null);
            result.complete(value);
          } else {
            Throwable cause = unwrap(error);
            end(ending, operation, cause);
            result.completeExceptionally(cause);
          }
        });
    result.whenComplete(
        (value, error) -> {
          if (result.isCancelled()) {
            try {
              stage.toCompletableFuture().cancel(false);
            } catch (UnsupportedOperationException ignored) {
              // the stage cannot be cancelled from outside: it completes on its own
            }
          }
        });
    return result;
  }

  /**
   * Returns the cause a {@link CompletionException} or {@link ExecutionException} wraps (through
   * any depth of them), or {@code error} itself.
   *
   * @param error what a stage failed with
   * @return the underlying failure
   */
  public static Throwable unwrap(Throwable error) {
    Throwable current = error;
    int depth = 0;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null
        && depth++ < 64) {
      current = current.getCause();
    }
    return current;
  }

  private static <S> void end(Ending<? super S> ending, S operation, @Nullable Throwable failure) {
    try {
      ending.end(operation, failure);
    } catch (RuntimeException | LinkageError e) {
      ENDING_FAILURES.failed(e);
    }
  }
}
