package dev.oteltoolkit.api;

import org.jspecify.annotations.Nullable;

/**
 * A supplier that may throw a checked exception of type {@code E}, which passes through the
 * toolkit's wrappers with its own type, never wrapped.
 *
 * @param <T> the type of the result
 * @param <E> the type of exception the body may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface ThrowingSupplier<T extends @Nullable Object, E extends Throwable> {

  /**
   * Computes the result.
   *
   * @return the result
   * @throws E when the computation fails
   */
  T get() throws E;
}
