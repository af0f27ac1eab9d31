package dev.oteltoolkit.api.instrumentation;

import dev.oteltoolkit.api.internal.StableKeys;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Records a failure on a span the one way the toolkit does: an {@code exception} event (type,
 * message, stack trace), status {@code ERROR} with the message, and {@code error.type}, with the
 * messages of exception types known to quote secrets passed through a redactor first.
 *
 * <p>JDBC drivers quote the failing statement, literals included, in their exception messages, and
 * such an exception usually travels up through every enclosing span, each of which records it. A
 * module that knows such a type registers a redactor for it ({@code otel-toolkit-jdbc} registers
 * its SQL sanitizer for {@link java.sql.SQLException}); whenever a recorded failure or anything in
 * its chain of causes and suppressed exceptions is of that type, every message in the event, its
 * stack trace text and the status description goes through the redactor. A redactor that throws
 * redacts the message away. With nothing registered, recording is {@link
 * Span#recordException(Throwable)}.
 */
public final class FailureRecorder {

  private static final String EXCEPTION_EVENT = "exception";
  private static final int MAX_CHAIN = 64;

  private static final class Rule {
    final Class<? extends Throwable> type;
    final UnaryOperator<String> redactor;

    Rule(Class<? extends Throwable> type, UnaryOperator<String> redactor) {
      this.type = type;
      this.redactor = redactor;
    }
  }

  private static volatile Rule[] rules = new Rule[0];

  private FailureRecorder() {}

  /**
   * Registers {@code redactor} for messages of failures whose chain holds a {@code type}. The first
   * registration for a type stays; later ones for the same type are ignored.
   *
   * @param type the exception type whose messages may quote secrets
   * @param redactor returns the message with the secrets removed (null input never reaches it)
   */
  public static synchronized void registerRedactor(
      Class<? extends Throwable> type, UnaryOperator<String> redactor) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(redactor, "redactor");
    Rule[] current = rules;
    for (Rule rule : current) {
      if (rule.type == type) {
        return;
      }
    }
    Rule[] next = new Rule[current.length + 1];
    System.arraycopy(current, 0, next, 0, current.length);
    next[current.length] = new Rule(type, redactor);
    rules = next;
  }

  /**
   * Records {@code failure} on {@code span} with {@code error.type} from {@link
   * #errorType(Throwable)}. Does nothing when the span is not recording.
   *
   * @param span the span the failure happened in
   * @param failure what was thrown
   */
  public static void record(Span span, Throwable failure) {
    if (span.isRecording()) {
      record(span, failure, errorType(failure), null);
    }
  }

  /**
   * Records {@code failure} on {@code span}: the {@code exception} event, status {@code ERROR} with
   * the (redacted) message as description, and {@code error.type}. Does nothing when the span is
   * not recording. Never throws: if recording fails, the event keeps the type only.
   *
   * @param span the span the failure happened in
   * @param failure what was thrown
   * @param errorType the {@code error.type} value (the exception class, a status code, ...)
   * @param redactor the redactor of every message; null to use the registered ones
   */
  public static void record(
      Span span, Throwable failure, String errorType, @Nullable UnaryOperator<String> redactor) {
    if (!span.isRecording()) {
      return;
    }
    try {
      recordEvent(span, failure, redactor != null ? redactor : redactorFor(failure));
    } catch (RuntimeException | StackOverflowError e) {
      // never let recording replace the application's exception: keep the type, drop the text
      span.addEvent(
          EXCEPTION_EVENT, Attributes.of(StableKeys.EXCEPTION_TYPE, failure.getClass().getName()));
      span.setStatus(StatusCode.ERROR);
    }
    span.setAttribute(StableKeys.ERROR_TYPE, errorType);
  }

  /**
   * Returns the {@code error.type} of a failure: {@code cancelled} for a {@link
   * CancellationException}, else the exception's class name.
   *
   * @param failure what was thrown
   * @return the error type
   */
  public static String errorType(Throwable failure) {
    if (failure instanceof CancellationException) {
      return "cancelled";
    }
    return failure.getClass().getName();
  }

  private static void recordEvent(
      Span span, Throwable failure, @Nullable UnaryOperator<String> redactor) {
    @Nullable String message;
    if (redactor == null) {
      span.recordException(failure);
      message = failure.getMessage();
    } else {
      message = redact(redactor, failure.getMessage());
      AttributesBuilder event =
          Attributes.builder().put(StableKeys.EXCEPTION_TYPE, failure.getClass().getName());
      if (message != null) {
        event.put(StableKeys.EXCEPTION_MESSAGE, message);
      }
      event.put(StableKeys.EXCEPTION_STACKTRACE, stackTrace(failure, redactor));
      span.addEvent(EXCEPTION_EVENT, event.build());
    }
    if (message == null) {
      span.setStatus(StatusCode.ERROR);
    } else {
      span.setStatus(StatusCode.ERROR, message);
    }
  }

  /**
   * Returns the redactor that applies to {@code failure}: the registered ones whose type is in its
   * chain (causes and suppressed exceptions), applied in registration order; null when none.
   *
   * @param failure what was thrown
   * @return the redactor, or null when the messages need none
   */
  public static @Nullable UnaryOperator<String> redactorFor(Throwable failure) {
    Rule[] current = rules;
    if (current.length == 0 || failure == null) {
      return null;
    }
    List<UnaryOperator<String>> matching = null;
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> pending = new ArrayDeque<>();
    pending.add(failure);
    while (!pending.isEmpty() && seen.size() < MAX_CHAIN) {
      Throwable t = pending.poll();
      if (!seen.add(t)) {
        continue;
      }
      for (Rule rule : current) {
        if (rule.type.isInstance(t)) {
          if (matching == null) {
            matching = new ArrayList<>(current.length);
          }
          if (!matching.contains(rule.redactor)) {
            matching.add(rule.redactor);
          }
        }
      }
      if (t.getCause() != null) {
        pending.add(t.getCause());
      }
      for (Throwable suppressed : t.getSuppressed()) {
        pending.add(suppressed);
      }
    }
    if (!pending.isEmpty() && seen.size() >= MAX_CHAIN) {
      // a chain too long to inspect whole: redact with every registered redactor (fail closed)
      matching = new ArrayList<>(current.length);
      for (Rule rule : current) {
        if (!matching.contains(rule.redactor)) {
          matching.add(rule.redactor);
        }
      }
    }
    if (matching == null) {
      return null;
    }
    if (matching.size() == 1) {
      return matching.get(0);
    }
    List<UnaryOperator<String>> all = matching;
    return message -> {
      String text = message;
      for (UnaryOperator<String> redactor : all) {
        text = text == null ? null : redactor.apply(text);
      }
      return text;
    };
  }

  /**
   * Returns {@code message} through {@code redactor}; null for a null message, and null (no
   * message) when the redactor throws.
   *
   * @param redactor the redactor
   * @param message the message, may be null
   * @return the redacted message
   */
  public static @Nullable String redact(UnaryOperator<String> redactor, @Nullable String message) {
    if (message == null) {
      return null;
    }
    try {
      return redactor.apply(message);
    } catch (RuntimeException | StackOverflowError e) {
      return null;
    }
  }

  /**
   * Returns {@code error}'s stack trace in {@link Throwable#printStackTrace()}'s layout, with each
   * message (of the error, its causes and its suppressed exceptions) passed through {@code
   * redactor}.
   *
   * @param error the error
   * @param redactor the redactor for every message
   * @return the stack trace text
   */
  public static String stackTrace(Throwable error, UnaryOperator<String> redactor) {
    StringBuilder out = new StringBuilder(1024);
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    append(out, error, new StackTraceElement[0], "", "", redactor, seen);
    return out.toString();
  }

  private static boolean tooDeep(StringBuilder out, Set<Throwable> seen, String prefix) {
    if (seen.size() < MAX_CHAIN) {
      return false;
    }
    out.append(prefix).append("[... more causes and suppressed exceptions omitted]\n");
    return true;
  }

  private static void append(
      StringBuilder out,
      Throwable t,
      StackTraceElement[] enclosing,
      String caption,
      String prefix,
      UnaryOperator<String> redactor,
      Set<Throwable> seen) {
    if (tooDeep(out, seen, prefix)) {
      return;
    }
    if (!seen.add(t)) {
      out.append(prefix)
          .append(caption)
          .append("[CIRCULAR REFERENCE: ")
          .append(t.getClass().getName())
          .append("]\n");
      return;
    }
    out.append(prefix).append(caption).append(t.getClass().getName());
    String message = redact(redactor, t.getMessage());
    if (message != null) {
      out.append(": ").append(message);
    }
    out.append('\n');
    StackTraceElement[] trace = t.getStackTrace();
    int m = trace.length - 1;
    int n = enclosing.length - 1;
    while (m >= 0 && n >= 0 && trace[m].equals(enclosing[n])) {
      m--;
      n--;
    }
    int inCommon = trace.length - 1 - m;
    for (int i = 0; i <= m; i++) {
      out.append(prefix).append("\tat ").append(trace[i]).append('\n');
    }
    if (inCommon != 0) {
      out.append(prefix).append("\t... ").append(inCommon).append(" more\n");
    }
    for (Throwable suppressed : t.getSuppressed()) {
      append(out, suppressed, trace, "Suppressed: ", prefix + "\t", redactor, seen);
    }
    Throwable cause = t.getCause();
    if (cause != null) {
      append(out, cause, trace, "Caused by: ", prefix, redactor, seen);
    }
  }
}
