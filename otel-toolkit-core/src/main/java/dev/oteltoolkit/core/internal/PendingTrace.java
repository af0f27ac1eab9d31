package dev.oteltoolkit.core.internal;

import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The buffered spans of one trace of the console view, indexed by parent span id (a consumer
 * continuing a buffered {@code send} span waits under it too), and the log records waiting for
 * their spans.
 */
final class PendingTrace {

  private final String traceId;
  private final Map<String, List<SpanData>> childrenByParentId = new HashMap<>();
  private final Set<String> spanIds = new HashSet<>();
  // Log records waiting for their span, by span id; created on the first.
  private Map<String, List<LogRecordData>> logsBySpanId;
  int size;
  int logCount;
  long lastSpanNanos;

  PendingTrace(String traceId) {
    this.traceId = traceId;
  }

  void add(SpanData span) {
    childrenByParentId
        .computeIfAbsent(span.getParentSpanId(), unused -> new ArrayList<>(4))
        .add(span);
    spanIds.add(span.getSpanId());
    size++;
  }

  void addLog(LogRecordData log) {
    if (logsBySpanId == null) {
      logsBySpanId = new LinkedHashMap<>();
    }
    logsBySpanId
        .computeIfAbsent(log.getSpanContext().getSpanId(), unused -> new ArrayList<>(2))
        .add(log);
    logCount++;
  }

  // Removes and returns the log records of spanId, in a mutable list.
  List<LogRecordData> takeLogs(String spanId) {
    List<LogRecordData> logs = logsBySpanId == null ? null : logsBySpanId.remove(spanId);
    if (logs == null) {
      return new ArrayList<>(0);
    }
    logCount -= logs.size();
    return logs;
  }

  // Removes and returns every log record still waiting, in the order their spans' first arrived.
  List<LogRecordData> takeAllLogs() {
    List<LogRecordData> logs = new ArrayList<>(logCount);
    if (logsBySpanId != null) {
      logsBySpanId.values().forEach(logs::addAll);
      logsBySpanId.clear();
    }
    logCount = 0;
    return logs;
  }

  boolean isEmpty() {
    return size == 0 && logCount == 0;
  }

  boolean holds(String spanId) {
    return spanIds.contains(spanId);
  }

  // Removes and returns the buffered children of spanId, in a mutable list.
  List<SpanData> take(String spanId) {
    List<SpanData> children = childrenByParentId.remove(spanId);
    if (children == null) {
      return new ArrayList<>(0);
    }
    size -= children.size();
    for (SpanData child : children) {
      spanIds.remove(child.getSpanId());
    }
    return children;
  }

  // Returns the buffered spans whose parent is not buffered (all of them if, malformed, they
  // form a cycle), in a mutable list; never empty while the trace holds a span.
  List<SpanData> tops() {
    List<SpanData> tops = new ArrayList<>();
    for (Map.Entry<String, List<SpanData>> entry : childrenByParentId.entrySet()) {
      if (!spanIds.contains(entry.getKey())) {
        tops.addAll(entry.getValue());
      }
    }
    if (tops.isEmpty()) {
      childrenByParentId.values().forEach(tops::addAll);
    }
    return tops;
  }

  @Override
  public String toString() {
    return "PendingTrace{traceId=" + traceId + ", size=" + size + ", logCount=" + logCount + '}';
  }
}
