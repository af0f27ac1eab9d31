package dev.oteltoolkit.api;

/**
 * A runnable that may throw a checked exception of type {@code E}, which passes through the
 * toolkit's wrappers with its own type, never wrapped.
 *
 * @param <E> the type of exception the body may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface ThrowingRunnable<E extends Throwable> {

  /**
   * Runs the body.
   *
   * @throws E when the body fails
   */
  void run() throws E;
}
