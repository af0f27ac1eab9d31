package dev.oteltoolkit.core.internal;

import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import io.opentelemetry.sdk.common.internal.ExceptionAttributeResolver;
import java.util.function.UnaryOperator;

/**
 * Internal, not for public use. The exception attributes of log records ({@code exception.type},
 * {@code exception.message}, {@code exception.stacktrace}) with the messages of exception types
 * known to quote secrets passed through their redactor, exactly as {@link FailureRecorder} does on
 * spans: a {@code java.sql.SQLException} anywhere in the chain, once {@code otel-toolkit-jdbc} has
 * registered its SQL sanitizer, gets its literals replaced by {@code ?} in the message and in every
 * message of the stack trace. Other failures get the SDK's default attributes.
 */
public final class RedactingExceptionAttributes implements ExceptionAttributeResolver {

  /** The one instance. */
  public static final RedactingExceptionAttributes INSTANCE = new RedactingExceptionAttributes();

  private static final ExceptionAttributeResolver DEFAULT = ExceptionAttributeResolver.getDefault();

  private RedactingExceptionAttributes() {}

  @Override
  public void setExceptionAttributes(
      AttributeSetter attributes, Throwable throwable, int maxAttributeLength) {
    UnaryOperator<String> redactor = FailureRecorder.redactorFor(throwable);
    if (redactor == null) {
      DEFAULT.setExceptionAttributes(attributes, throwable, maxAttributeLength);
      return;
    }
    attributes.setAttribute(EXCEPTION_TYPE, throwable.getClass().getName());
    String message = FailureRecorder.redact(redactor, throwable.getMessage());
    if (message != null) {
      attributes.setAttribute(EXCEPTION_MESSAGE, message);
    }
    String stackTrace = FailureRecorder.stackTrace(throwable, redactor);
    if (maxAttributeLength > 0 && stackTrace.length() > maxAttributeLength) {
      stackTrace = stackTrace.substring(0, maxAttributeLength);
    }
    attributes.setAttribute(EXCEPTION_STACKTRACE, stackTrace);
  }
}
