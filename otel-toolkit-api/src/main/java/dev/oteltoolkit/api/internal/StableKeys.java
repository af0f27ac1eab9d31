package dev.oteltoolkit.api.internal;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Internal, not for public use: the stable semantic-convention keys the API artifact records.
 * Copied rather than taken from {@code opentelemetry-semconv} so this artifact depends on the
 * OpenTelemetry API alone; {@code StableKeysTest} checks each against the semconv constant.
 */
public final class StableKeys {

  /** {@code error.type}. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** {@code exception.type}. */
  public static final AttributeKey<String> EXCEPTION_TYPE =
      AttributeKey.stringKey("exception.type");

  /** {@code exception.message}. */
  public static final AttributeKey<String> EXCEPTION_MESSAGE =
      AttributeKey.stringKey("exception.message");

  /** {@code exception.stacktrace}. */
  public static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");

  private StableKeys() {}
}
