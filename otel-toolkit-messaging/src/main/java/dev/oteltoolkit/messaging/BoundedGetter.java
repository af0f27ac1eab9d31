package dev.oteltoolkit.messaging;

import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Collections;
import java.util.Map;

/**
 * Wraps any getter so that what reaches the propagator is safe to parse:
 *
 * <ul>
 *   <li>oversized values read as absent: {@code traceparent} over {@value
 *       #MAX_TRACEPARENT_LENGTH} characters, any other header over {@value #MAX_HEADER_LENGTH};
 *   <li>a {@code traceparent} with a character outside printable ASCII reads as absent (it is
 *       invalid anyway, and OpenTelemetry API 1.65.0's parser throws {@code
 *       ArrayIndexOutOfBoundsException} on {@code U+FFFF});
 *   <li>a {@code baggage} header with a malformed percent-encoding reads as absent
 *       (OpenTelemetry's parser would log a warning with a stack trace for every such member: a
 *       log flood any producer could trigger);
 *   <li>a getter that throws reads as an empty carrier.
 * </ul>
 */
final class BoundedGetter<C> implements TextMapGetter<C> {

  static final int MAX_TRACEPARENT_LENGTH = 512;
  static final int MAX_HEADER_LENGTH = 8192;

  static final BoundedGetter<Map<String, ?>> MAP =
      new BoundedGetter<>(MessageCarriers.mapGetter());

  private static final String TRACEPARENT = "traceparent";
  private static final String BAGGAGE = "baggage";

  private final TextMapGetter<? super C> delegate;

  BoundedGetter(TextMapGetter<? super C> delegate) {
    this.delegate = delegate;
  }

  @Override
  public Iterable<String> keys(C carrier) {
    try {
      Iterable<String> keys = delegate.keys(carrier);
      return keys == null ? Collections.emptyList() : keys;
    } catch (RuntimeException e) {
      return Collections.emptyList();
    }
  }

  @Override
  public String get(C carrier, String key) {
    String value;
    try {
      value = delegate.get(carrier, key);
    } catch (RuntimeException e) {
      return null;
    }
    if (value == null) {
      return null;
    }
    if (TRACEPARENT.equals(key)) {
      return value.length() <= MAX_TRACEPARENT_LENGTH && isPrintableAscii(value) ? value : null;
    }
    if (value.length() > MAX_HEADER_LENGTH) {
      return null;
    }
    if (BAGGAGE.equals(key) && !hasValidPercentEncoding(value)) {
      return null;
    }
    return value;
  }

  private static boolean isPrintableAscii(String value) {
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Whether every {@code %} is followed by two hexadecimal digits. */
  static boolean hasValidPercentEncoding(String value) {
    int percent = value.indexOf('%');
    while (percent >= 0) {
      if (percent + 2 >= value.length()
          || !isHexDigit(value.charAt(percent + 1))
          || !isHexDigit(value.charAt(percent + 2))) {
        return false;
      }
      percent = value.indexOf('%', percent + 3);
    }
    return true;
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
