package dev.oteltoolkit.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one extension had captured at a moment: spans and log records, and the console tree of them
 * that failure messages carry. The tree is bounded ({@value #MAX_LINES} lines of at most {@value
 * #MAX_LINE} characters), so a failure message stays readable whatever a test produced.
 */
final class Snapshot {

  static final int MAX_LINES = 300;
  static final int MAX_LINE = 240;
  private static final int MAX_ATTRIBUTES = 10;
  private static final int MAX_INDENT = 20;
  private static final int MAX_VALUE = 60;
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  final List<SpanData> spans;
  final List<LogRecordData> logRecords;
  private final long droppedSpans;
  private final long droppedLogRecords;
  private final long queueDroppedSpans;
  private @Nullable List<TraceTree> traces;

  Snapshot(
      List<SpanData> spans,
      List<LogRecordData> logRecords,
      long droppedSpans,
      long droppedLogRecords,
      long queueDroppedSpans) {
    this.spans = List.copyOf(spans);
    this.logRecords = List.copyOf(logRecords);
    this.droppedSpans = droppedSpans;
    this.droppedLogRecords = droppedLogRecords;
    this.queueDroppedSpans = queueDroppedSpans;
  }

  /**
   * Fails when spans of the test were lost (a full batch processor queue, or past the cap of spans
   * kept per test): assertions on part of the spans must not pass as if they were all there.
   */
  Snapshot requireAllSpans() {
    if (queueDroppedSpans > 0) {
      throw new TelemetryAssertionError(
          queueDroppedSpans
              + " spans ended in this test were dropped before the capture got them: a batch span"
              + " processor's queue was full (otel.bsp.max.queue.size, "
              + Sinks.MAX_KEPT
              + " in the extension unless configure(...) passes its own configProperties), so"
              + " assertions on spans would see only part of them. End fewer spans at once, flush"
              + " in between (otel.telemetry().forceFlush()), or raise the queue size",
          this);
    }
    if (droppedSpans > 0) {
      throw new TelemetryAssertionError(
          "more than "
              + Sinks.MAX_KEPT
              + " spans were captured in this test: the extension keeps at most that many per test"
              + " and dropped "
              + droppedSpans
              + ", so assertions on spans would see only part of them",
          this);
    }
    return this;
  }

  /** Fails when log records of the test were lost past the cap of log records kept per test. */
  Snapshot requireAllLogRecords() {
    if (droppedLogRecords > 0) {
      throw new TelemetryAssertionError(
          "more than "
              + Sinks.MAX_KEPT
              + " log records were captured in this test: the extension keeps at most that many"
              + " per test and dropped "
              + droppedLogRecords
              + ", so assertions on log records would see only part of them",
          this);
    }
    return this;
  }

  List<TraceTree> traces() {
    if (traces == null) {
      traces = TraceTree.of(spans);
    }
    return traces;
  }

  /** The traces whose (single) root has this name, in the order they started. */
  List<TraceTree> tracesWithRoot(String rootName) {
    List<TraceTree> matching = new ArrayList<>();
    for (TraceTree trace : traces()) {
      for (TraceTree.Node root : trace.roots) {
        if (root.name().equals(rootName)) {
          matching.add(trace);
          break;
        }
      }
    }
    return matching;
  }

  /** The console tree of everything captured, for failure messages. */
  String render() {
    Lines out = new Lines();
    int traceCount = traces().size();
    out.add(
        "Captured by TelemetryExtension: "
            + plural(spans.size(), "span")
            + " in "
            + plural(traceCount, "trace")
            + ", "
            + plural(logRecords.size(), "log record")
            + (queueDroppedSpans > 0
                ? ", " + queueDroppedSpans + " more spans dropped by a full batch processor queue"
                : "")
            + (droppedSpans > 0 ? ", " + droppedSpans + " more spans dropped past the cap" : "")
            + (droppedLogRecords > 0
                ? ", " + droppedLogRecords + " more log records dropped past the cap"
                : "")
            + (spans.isEmpty() && logRecords.isEmpty() ? " (nothing arrived)" : ""));
    boolean showService = serviceCount() > 1;
    Map<String, List<LogRecordData>> logsBySpan = new HashMap<>();
    List<LogRecordData> looseLogs = new ArrayList<>();
    Set<String> spanIds = new java.util.HashSet<>();
    for (SpanData span : spans) {
      spanIds.add(span.getTraceId() + span.getSpanId());
    }
    for (LogRecordData log : logRecords) {
      String key = log.getSpanContext().getTraceId() + log.getSpanContext().getSpanId();
      if (SpanId.isValid(log.getSpanContext().getSpanId()) && spanIds.contains(key)) {
        logsBySpan.computeIfAbsent(key, k -> new ArrayList<>()).add(log);
      } else {
        looseLogs.add(log);
      }
    }
    for (TraceTree trace : traces()) {
      if (out.full()) {
        break;
      }
      out.add(
          "trace "
              + trace.traceId
              + (trace.connected() ? "" : "  (" + trace.roots.size() + " roots: not connected)"));
      for (int r = 0; r < trace.roots.size(); r++) {
        renderTree(trace.roots.get(r), out, showService, logsBySpan);
      }
    }
    if (!looseLogs.isEmpty() && !out.full()) {
      out.add("log records outside the captured spans:");
      for (LogRecordData log : looseLogs) {
        out.add("  " + describe(log));
      }
    }
    return out.finish(spans.size());
  }

  private static void renderTree(
      TraceTree.Node root,
      Lines out,
      boolean showService,
      Map<String, List<LogRecordData>> logsBySpan) {
    // iterative depth-first walk: a deep tree must not overflow the stack; past MAX_INDENT
    // levels the indentation stops growing and the depth is written instead
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(root, "", true, 0));
    while (!stack.isEmpty() && !out.full()) {
      Frame frame = stack.pop();
      TraceTree.Node node = frame.node;
      boolean isRoot = frame.depth == 0;
      String branch = isRoot ? "" : (frame.last ? "└─ " : "├─ ");
      String depthMark = frame.depth > MAX_INDENT ? "(depth " + frame.depth + ") " : "";
      out.add(frame.indent + branch + depthMark + describe(node.span, showService));
      String childIndent =
          isRoot || frame.depth >= MAX_INDENT
              ? frame.indent
              : frame.indent + (frame.last ? "   " : "│  ");
      List<LogRecordData> logs = logsBySpan.get(node.span.getTraceId() + node.span.getSpanId());
      if (logs != null) {
        String logIndent = childIndent + (node.children.isEmpty() ? "   " : "│  ");
        for (LogRecordData log : logs) {
          out.add(logIndent + "· " + describe(log));
        }
      }
      for (int i = node.children.size() - 1; i >= 0; i--) {
        stack.push(
            new Frame(
                node.children.get(i), childIndent, i == node.children.size() - 1, frame.depth + 1));
      }
    }
  }

  /** A span waiting to be rendered, with the indentation of its line. */
  private record Frame(TraceTree.Node node, String indent, boolean last, int depth) {}

  static String describe(SpanData span, boolean showService) {
    StringBuilder line = new StringBuilder(span.getName());
    if (span.getKind() != SpanKind.INTERNAL) {
      line.append(" (").append(span.getKind()).append(')');
    }
    line.append("  ").append(duration(span.getEndEpochNanos() - span.getStartEpochNanos()));
    if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
      line.append("  ERROR");
      if (!span.getStatus().getDescription().isEmpty()) {
        line.append(" \"").append(shorten(span.getStatus().getDescription())).append('"');
      }
    } else if (span.getStatus().getStatusCode() == StatusCode.OK) {
      line.append("  OK");
    }
    if (showService) {
      String service = span.getResource().getAttribute(SERVICE_NAME);
      line.append("  [").append(service == null ? "?" : service).append(']');
    }
    Map<String, Object> sorted = new TreeMap<>();
    span.getAttributes().forEach((key, value) -> sorted.put(key.getKey(), value));
    int shown = 0;
    for (Map.Entry<String, Object> attribute : sorted.entrySet()) {
      if (shown == MAX_ATTRIBUTES) {
        line.append("  +").append(sorted.size() - shown).append(" more");
        break;
      }
      line.append("  ").append(attribute.getKey()).append('=');
      line.append(shorten(String.valueOf(attribute.getValue())));
      shown++;
    }
    return line.toString();
  }

  private static String describe(LogRecordData log) {
    String severity =
        log.getSeverityText() != null
            ? log.getSeverityText() + " "
            : log.getSeverity() == Severity.UNDEFINED_SEVERITY_NUMBER
                ? ""
                : log.getSeverity().name() + " ";
    String body = log.getBodyValue() == null ? "" : log.getBodyValue().asString();
    return "log " + severity + "\"" + shorten(body) + "\"";
  }

  private int serviceCount() {
    Set<String> services = new LinkedHashSet<>();
    for (SpanData span : spans) {
      services.add(String.valueOf(span.getResource().getAttribute(SERVICE_NAME)));
      if (services.size() > 1) {
        return services.size();
      }
    }
    return services.size();
  }

  static String duration(long nanos) {
    double millis = nanos / 1_000_000.0;
    return String.format(Locale.ROOT, millis < 10 ? "%.2f ms" : "%.1f ms", millis);
  }

  static String shorten(String value) {
    String oneLine = value.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= MAX_VALUE ? oneLine : oneLine.substring(0, MAX_VALUE - 1) + "…";
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  /** The rendered lines, bounded in number and width. */
  private static final class Lines {
    private final StringBuilder text = new StringBuilder();
    private int count;
    private boolean truncated;

    void add(String line) {
      if (count >= MAX_LINES) {
        truncated = true;
        return;
      }
      if (count > 0) {
        text.append('\n');
      }
      text.append(line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE - 1) + "…");
      count++;
    }

    boolean full() {
      if (count >= MAX_LINES) {
        truncated = true;
      }
      return truncated;
    }

    String finish(int spanCount) {
      if (truncated) {
        text.append("\n… (cut at ")
            .append(MAX_LINES)
            .append(" lines; ")
            .append(spanCount)
            .append(" spans in all)");
      }
      return text.toString();
    }
  }
}
