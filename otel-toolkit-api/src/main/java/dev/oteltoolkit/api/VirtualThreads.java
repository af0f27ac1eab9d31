package dev.oteltoolkit.api;

import io.opentelemetry.context.Context;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads (Java 21+) that carry the OpenTelemetry context of the code that submits work.
 *
 * <p>A virtual thread starts with an empty context, like any new thread: a task submitted from
 * inside {@code traced("checkout", ...)} to a plain {@code
 * Executors.newVirtualThreadPerTaskExecutor()} records its spans as new traces, not as children of
 * {@code checkout}, and adds nothing to the request's totals. The executor of {@link
 * #newVirtualThreadPerTaskExecutor()} runs each task in the context current at submission, and
 * restores nothing afterwards (each task has its own thread):
 *
 * <pre>{@code
 * try (ExecutorService executor = VirtualThreads.newVirtualThreadPerTaskExecutor()) {
 *   tracing.traced("checkout", () -> {
 *     Future<Price> price = executor.submit(() -> tracing.traced("price", pricing::quote));
 *     ...                                   // "price" is a child of "checkout"
 *   });
 * }
 * }</pre>
 *
 * <p>It is OpenTelemetry's own {@link Context#taskWrapping(ExecutorService)} around the JDK's
 * executor, made in one call; the library compiles for Java 17, so the JDK method is looked up when
 * called. Use {@code Context.taskWrapping(...)} for any other executor.
 */
public final class VirtualThreads {

  private VirtualThreads() {}

  /**
   * Returns whether this JVM has virtual threads (Java 21 or later).
   *
   * @return true on Java 21+
   */
  public static boolean isAvailable() {
    return Runtime.version().feature() >= 21;
  }

  /**
   * Returns a new executor that starts one virtual thread per task and runs each task in the
   * OpenTelemetry context current when it was submitted: {@code
   * Context.taskWrapping(Executors.newVirtualThreadPerTaskExecutor())}. Close it (it is {@code
   * AutoCloseable} on Java 21+) or shut it down when done, as the JDK's.
   *
   * @return the executor
   * @throws UnsupportedOperationException on Java 17 to 20, which have no virtual threads
   */
  public static ExecutorService newVirtualThreadPerTaskExecutor() {
    if (!isAvailable()) {
      throw new UnsupportedOperationException(
          "Virtual threads need Java 21 or later; this JVM is Java "
              + Runtime.version().feature()
              + ". Wrap a platform-thread executor instead: Context.taskWrapping(executor)");
    }
    try {
      Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return Context.taskWrapping((ExecutorService) factory.invoke(null));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new UnsupportedOperationException(
          "Executors.newVirtualThreadPerTaskExecutor() is not available on this JVM", e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtimeException) {
        throw runtimeException;
      }
      throw new IllegalStateException("Executors.newVirtualThreadPerTaskExecutor() failed", cause);
    }
  }
}
