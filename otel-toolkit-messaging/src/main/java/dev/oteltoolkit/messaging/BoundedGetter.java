package dev.oteltoolkit.messaging;

import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Wraps any getter so that what reaches the propagator is safe to parse:
 *
 * <ul>
 *   <li>oversized values read as absent: {@code traceparent} over {@value #MAX_TRACEPARENT_LENGTH}
 *       characters, any other header over {@value #MAX_HEADER_LENGTH};
 *   <li>a {@code traceparent} with a character outside printable ASCII reads as absent (it is
 *       invalid anyway, and OpenTelemetry API 1.65.0's parser throws {@code
 *       ArrayIndexOutOfBoundsException} on {@code U+FFFF});
 *   <li>the members of a {@code baggage} header with a malformed percent-encoding are left out, the
 *       others kept (OpenTelemetry's parser would log a warning with a stack trace for every such
 *       member: a log flood any sender could trigger);
 *   <li>at most {@value #MAX_VALUES} values of a repeated header are read;
 *   <li>a getter that throws (anything but a {@link VirtualMachineError} or {@link ThreadDeath})
 *       reads as an absent header, and the failure is reported.
 * </ul>
 *
 * <p>Dropped values and failures go to a {@link HeaderProblems}: at most one log line a minute.
 */
final class BoundedGetter<C> implements TextMapGetter<C> {

  static final int MAX_TRACEPARENT_LENGTH = 512;
  static final int MAX_HEADER_LENGTH = 8192;
  static final int MAX_VALUES = 16;

  private static final String TRACEPARENT = "traceparent";
  private static final String BAGGAGE = "baggage";

  private final TextMapGetter<? super C> delegate;
  private final HeaderProblems problems;

  BoundedGetter(TextMapGetter<? super C> delegate, HeaderProblems problems) {
    this.delegate = delegate;
    this.problems = problems;
  }

  /** The getter this one reads through. */
  TextMapGetter<? super C> delegate() {
    return delegate;
  }

  @Override
  public Iterable<String> keys(C carrier) {
    try {
      Iterable<String> keys = delegate.keys(carrier);
      return keys == null ? Collections.emptyList() : keys;
    } catch (Throwable t) {
      failed(t);
      return Collections.emptyList();
    }
  }

  @Override
  public String get(C carrier, String key) {
    String value;
    try {
      value = delegate.get(carrier, key);
    } catch (Throwable t) {
      failed(t);
      return null;
    }
    return guard(key, value);
  }

  @Override
  public Iterator<String> getAll(C carrier, String key) {
    List<String> kept = null;
    try {
      Iterator<String> values = delegate.getAll(carrier, key);
      for (int read = 0; values != null && read < MAX_VALUES && values.hasNext(); read++) {
        String value = guard(key, values.next());
        if (value != null) {
          if (kept == null) {
            kept = new ArrayList<>(2);
          }
          kept.add(value);
        }
      }
    } catch (Throwable t) {
      failed(t);
    }
    return kept == null ? Collections.emptyIterator() : kept.iterator();
  }

  private void failed(Throwable t) {
    HeaderProblems.rethrowIfFatal(t);
    problems.failure(t);
  }

  /** The value as the propagator may see it: itself, without its bad baggage members, or null. */
  private String guard(String key, String value) {
    if (value == null) {
      return null;
    }
    if (TRACEPARENT.equals(key)) {
      if (value.length() > MAX_TRACEPARENT_LENGTH) {
        problems.malformed(key, value.length() + " characters (at most 512 read)");
        return null;
      }
      if (!isPrintableAscii(value)) {
        problems.malformed(key, "a character outside printable ASCII");
        return null;
      }
      return value;
    }
    if (value.length() > MAX_HEADER_LENGTH) {
      problems.malformed(key, value.length() + " characters (at most 8192 read)");
      return null;
    }
    return BAGGAGE.equals(key) ? withoutBrokenMembers(value) : value;
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

  /**
   * The baggage without the list members whose value or properties (what follows the first {@code
   * =}, the part OpenTelemetry percent-decodes) have a {@code %} not followed by two hexadecimal
   * digits; {@code null} when no member is left. Members are split at commas, as the W3C baggage
   * format and OpenTelemetry's parser do.
   */
  String withoutBrokenMembers(String baggage) {
    if (baggage.indexOf('%') < 0) {
      return baggage;
    }
    StringBuilder kept = null;
    int dropped = 0;
    int start = 0;
    int length = baggage.length();
    while (start <= length) {
      int end = baggage.indexOf(',', start);
      if (end < 0) {
        end = length;
      }
      int equals = indexOf(baggage, '=', start, end);
      boolean broken = equals >= 0 && !hasValidPercentEncoding(baggage, equals, end);
      if (broken) {
        dropped++;
      } else {
        if (kept == null) {
          kept = new StringBuilder(length);
        } else {
          kept.append(',');
        }
        kept.append(baggage, start, end);
      }
      start = end + 1;
    }
    if (dropped == 0) {
      return baggage;
    }
    problems.malformed(BAGGAGE, dropped + " member(s) with a broken percent-encoding left out");
    return kept == null ? null : kept.toString();
  }

  /** Whether every {@code %} in {@code [from, to)} is followed by two hexadecimal digits. */
  static boolean hasValidPercentEncoding(String value, int from, int to) {
    int percent = indexOf(value, '%', from, to);
    while (percent >= 0) {
      if (percent + 2 >= to
          || !isHexDigit(value.charAt(percent + 1))
          || !isHexDigit(value.charAt(percent + 2))) {
        return false;
      }
      percent = indexOf(value, '%', percent + 3, to);
    }
    return true;
  }

  /** The first {@code c} in {@code [from, to)}, else -1: never scans past {@code to}. */
  private static int indexOf(String value, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (value.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
