package dev.oteltoolkit.api;

import org.jspecify.annotations.Nullable;

/**
 * A function that may throw a checked exception of type {@code E}; modules use it to hand a body
 * its span, as in {@code call(span -> ...)}.
 *
 * @param <A> the type of the argument
 * @param <T> the type of the result
 * @param <E> the type of exception the body may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface ThrowingFunction<
    A extends @Nullable Object, T extends @Nullable Object, E extends Throwable> {

  /**
   * Applies the function.
   *
   * @param argument the argument
   * @return the result
   * @throws E when the function fails
   */
  T apply(A argument) throws E;
}
