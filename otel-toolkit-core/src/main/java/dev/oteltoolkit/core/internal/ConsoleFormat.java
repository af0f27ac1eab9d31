package dev.oteltoolkit.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.ExceptionEventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How the console tree view writes a trace header, a span line and its exception lines. */
final class ConsoleFormat {

  /** Attribute values (and names, messages) longer than this are cut with an ellipsis. */
  static final int MAX_VALUE_LENGTH = 120;

  static final String EXCEPTION_EVENT_NAME = "exception";
  static final String ELLIPSIS = "\u2026";
  static final String BRANCH = "\u251c\u2500 ";
  static final String LAST_BRANCH = "\u2514\u2500 ";
  static final String CONTINUATION = "\u2502  ";
  static final String BLANK = "   ";
  static final String INCOMPLETE = "(incomplete: root not ended";
  static final String PRINTED_ABOVE = "(printed above)";
  static final String LOG_MARK = "\u00b7 ";

  // Incubating semantic-convention keys (GenAI, messaging), semconv 1.44.0; only their names
  // are needed here, to pick the attributes shown.
  private static final String GEN_AI_USAGE_PREFIX = "gen_ai.usage.";
  private static final String TOTALS_PREFIX = "oteltoolkit.gen_ai.total.";

  /** Key attributes in display order; the two prefix groups follow, each sorted by key. */
  private static final List<String> KEY_ATTRIBUTES =
      List.of(
          TailSamplingSpanProcessor.KEPT_BY.getKey(),
          ErrorAttributes.ERROR_TYPE.getKey(),
          DbAttributes.DB_SYSTEM_NAME.getKey(),
          "gen_ai.provider.name",
          "gen_ai.request.model",
          "messaging.destination.name",
          HttpAttributes.HTTP_REQUEST_METHOD.getKey(),
          HttpAttributes.HTTP_RESPONSE_STATUS_CODE.getKey(),
          ServerAttributes.SERVER_ADDRESS.getKey(),
          UrlAttributes.URL_FULL.getKey(),
          DbAttributes.DB_QUERY_TEXT.getKey(),
          "gen_ai.usage.input_tokens",
          "gen_ai.usage.output_tokens",
          "gen_ai.usage.cost");

  private static final Map<String, Integer> KEY_ATTRIBUTE_RANKS = ranks(KEY_ATTRIBUTES);
  private static final int GEN_AI_USAGE_RANK = KEY_ATTRIBUTES.size();
  private static final int TOTALS_RANK = KEY_ATTRIBUTES.size() + 1;

  static void appendHeader(StringBuilder sb, SpanData span) {
    sb.append("trace ").append(span.getTraceId());
    String service = span.getResource().getAttribute(ServiceAttributes.SERVICE_NAME);
    if (service != null) {
      sb.append("  service=");
      appendText(sb, service, Quoting.WHEN_NEEDED);
    }
  }

  static void appendSpanLine(StringBuilder sb, SpanData span) {
    appendText(sb, span.getName(), Quoting.NEVER);
    long nanos = span.getEndEpochNanos() - span.getStartEpochNanos();
    sb.append("  ").append(String.format(Locale.ROOT, "%.2f", nanos / 1_000_000.0)).append(" ms");
    if (span.getKind() != SpanKind.INTERNAL) {
      sb.append("  ").append(span.getKind());
    }
    StatusData status = span.getStatus();
    if (status.getStatusCode() == StatusCode.OK) {
      sb.append("  OK");
    } else if (status.getStatusCode() == StatusCode.ERROR) {
      sb.append("  ERROR");
      if (!status.getDescription().isEmpty()) {
        sb.append(' ');
        appendText(sb, status.getDescription(), Quoting.ALWAYS);
      }
    }
    appendKeyAttributes(sb, span.getAttributes());
  }

  static void appendKeyAttributes(StringBuilder sb, Attributes attributes) {
    List<Map.Entry<AttributeKey<?>, Object>> shown = new ArrayList<>();
    attributes.forEach(
        (key, value) -> {
          if (rank(key.getKey()) >= 0) {
            shown.add(Map.entry(key, value));
          }
        });
    if (shown.isEmpty()) {
      return;
    }
    shown.sort(
        Comparator.<Map.Entry<AttributeKey<?>, Object>>comparingInt(e -> rank(e.getKey().getKey()))
            .thenComparing(e -> e.getKey().getKey()));
    sb.append(' ');
    for (Map.Entry<AttributeKey<?>, Object> entry : shown) {
      sb.append(' ').append(entry.getKey().getKey()).append('=');
      appendValue(sb, entry.getValue());
    }
  }

  static int rank(String key) {
    Integer rank = KEY_ATTRIBUTE_RANKS.get(key);
    if (rank != null) {
      return rank;
    }
    if (key.startsWith(GEN_AI_USAGE_PREFIX)) {
      return GEN_AI_USAGE_RANK;
    }
    if (key.startsWith(TOTALS_PREFIX)) {
      return TOTALS_RANK;
    }
    return -1;
  }

  static void appendValue(StringBuilder sb, Object value) {
    if (value instanceof String string) {
      appendText(sb, string, Quoting.WHEN_NEEDED);
    } else if (value instanceof List) {
      StringBuilder list = new StringBuilder("[");
      for (Object element : (List<?>) value) {
        if (list.length() > 1) {
          list.append(", ");
        }
        appendValue(list, element);
        if (list.length() > MAX_VALUE_LENGTH) {
          break;
        }
      }
      list.append(']');
      if (list.length() > MAX_VALUE_LENGTH) {
        list.setLength(cut(list, MAX_VALUE_LENGTH));
        list.append(ELLIPSIS);
      }
      sb.append(list);
    } else if (value instanceof Double boxed) {
      double d = boxed;
      sb.append(
          Double.isFinite(d)
              ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
              : Double.toString(d));
    } else {
      sb.append(value);
    }
  }

  static void appendExceptions(StringBuilder sb, SpanData span, String prefix) {
    for (EventData event : span.getEvents()) {
      if (!EXCEPTION_EVENT_NAME.equals(event.getName())) {
        continue;
      }
      String type = event.getAttributes().get(ExceptionAttributes.EXCEPTION_TYPE);
      String message = event.getAttributes().get(ExceptionAttributes.EXCEPTION_MESSAGE);
      if (event instanceof ExceptionEventData exceptionEventData) {
        // The SDK's recordException writes the canonical name (Outer.Inner, null for anonymous
        // classes); error.type holds Class.getName() (Outer$Inner, see FailureRecorder): name the
        // class the same way on both lines.
        Throwable exception = exceptionEventData.getException();
        type = exception.getClass().getName();
        message = message == null ? exception.getMessage() : message;
      }
      sb.append(prefix).append("! ");
      appendText(sb, type == null ? "exception" : type, Quoting.NEVER);
      if (message != null) {
        sb.append(": ");
        appendText(sb, message, Quoting.NEVER);
      }
      sb.append('\n');
    }
  }

  /** The time of a log record: when it happened, else when it was observed. */
  static long timestamp(LogRecordData log) {
    long timestamp = log.getTimestampEpochNanos();
    return timestamp != 0 ? timestamp : log.getObservedTimestampEpochNanos();
  }

  // A record under its span: "· +1.20 ms  INFO  message", then its exception, if any.
  static void appendLogLine(
      StringBuilder sb, String prefix, LogRecordData log, long spanStartEpochNanos) {
    long offsetNanos = timestamp(log) - spanStartEpochNanos;
    sb.append(prefix)
        .append(LOG_MARK)
        .append(offsetNanos < 0 ? '-' : '+')
        .append(String.format(Locale.ROOT, "%.2f", Math.abs(offsetNanos) / 1_000_000.0))
        .append(" ms");
    appendLogText(sb, log);
    sb.append('\n');
    appendLogException(sb, prefix + "  ", log);
  }

  // A record on its own line: "log  INFO  message  (context)", then its exception, if any.
  static void appendStandaloneLog(StringBuilder sb, LogRecordData log, String context) {
    sb.append("log");
    appendLogText(sb, log);
    if (context != null) {
      sb.append("  (").append(context).append(')');
    }
    sb.append('\n');
    appendLogException(sb, "   ", log);
  }

  private static void appendLogText(StringBuilder sb, LogRecordData log) {
    String severity = log.getSeverityText();
    if (severity == null || severity.isEmpty()) {
      Severity number = log.getSeverity();
      severity = number == Severity.UNDEFINED_SEVERITY_NUMBER ? null : number.name();
    }
    if (severity != null) {
      sb.append("  ");
      appendText(sb, severity, Quoting.NEVER);
    }
    Value<?> body = log.getBodyValue();
    sb.append("  ");
    appendText(sb, body == null ? "" : body.asString(), Quoting.NEVER);
  }

  private static void appendLogException(StringBuilder sb, String prefix, LogRecordData log) {
    String type = log.getAttributes().get(ExceptionAttributes.EXCEPTION_TYPE);
    if (type == null) {
      return;
    }
    String message = log.getAttributes().get(ExceptionAttributes.EXCEPTION_MESSAGE);
    sb.append(prefix).append("! ");
    appendText(sb, type, Quoting.NEVER);
    if (message != null) {
      sb.append(": ");
      appendText(sb, message, Quoting.NEVER);
    }
    sb.append('\n');
  }

  // Appends text cut at MAX_VALUE_LENGTH characters, with control characters escaped so that it
  // stays on one line, quoted as the quoting says.
  static void appendText(StringBuilder sb, String text, Quoting quoting) {
    int length = text.length() > MAX_VALUE_LENGTH ? cut(text, MAX_VALUE_LENGTH) : text.length();
    boolean quoted =
        quoting == Quoting.ALWAYS
            || (quoting == Quoting.WHEN_NEEDED && (text.isEmpty() || needsQuotes(text, length)));
    if (quoted) {
      sb.append('"');
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '"', '\\' -> {
          if (quoted) {
            sb.append('\\');
          }
          sb.append(c);
        }
        default -> {
          if (Character.isISOControl(c)) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (length < text.length()) {
      sb.append(ELLIPSIS);
    }
    if (quoted) {
      sb.append('"');
    }
  }

  private static boolean needsQuotes(String text, int length) {
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || c == '"' || c == '=') {
        return true;
      }
    }
    return false;
  }

  // Returns max, or one less so that a surrogate pair is not split.
  static int cut(CharSequence text, int max) {
    return Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
  }

  static String describe(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private static Map<String, Integer> ranks(List<String> keys) {
    Map<String, Integer> ranks = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      ranks.put(keys.get(i), i);
    }
    return ranks;
  }

  /** When {@link ConsoleFormat#appendText} quotes a text. */
  enum Quoting {
    /** Span names and exception lines: the text runs to the end of its field. */
    NEVER,
    /** Attribute values: when the text is empty or holds a space, a quote or {@code =}. */
    WHEN_NEEDED,
    /** Status descriptions and root names inside a sentence. */
    ALWAYS
  }

  private ConsoleFormat() {}
}
