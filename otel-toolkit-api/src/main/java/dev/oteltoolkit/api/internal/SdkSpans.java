package dev.oteltoolkit.api.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.ReadableSpan;

/**
 * Internal, not for public use: what only an OpenTelemetry SDK span can tell (its parent, whether
 * it has ended), read when the SDK is on the class path and answered "unknown" otherwise. The API
 * artifact compiles against {@code opentelemetry-sdk-trace} in {@code provided} scope; the SDK
 * class is touched only after {@link #AVAILABLE} found it.
 */
public final class SdkSpans {

  private static final boolean AVAILABLE = sdkPresent();

  private SdkSpans() {}

  /**
   * Returns whether {@code span} is an SDK span without a parent in this process.
   *
   * @param span any span
   * @return true for an SDK span whose parent is invalid or remote; false otherwise, or without the
   *     SDK
   */
  public static boolean isLocalRoot(Span span) {
    if (!AVAILABLE || !(span instanceof ReadableSpan readableSpan)) {
      return false;
    }
    SpanContext parent = readableSpan.getParentSpanContext();
    return !parent.isValid() || parent.isRemote();
  }

  /**
   * Returns whether {@code span} is an SDK span that has ended.
   *
   * @param span any span
   * @return true for an ended SDK span; false otherwise, or without the SDK
   */
  public static boolean hasEnded(Span span) {
    return AVAILABLE && span instanceof ReadableSpan readableSpan && readableSpan.hasEnded();
  }

  private static boolean sdkPresent() {
    try {
      Class.forName(
          "io.opentelemetry.sdk.trace.ReadableSpan", false, SdkSpans.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
