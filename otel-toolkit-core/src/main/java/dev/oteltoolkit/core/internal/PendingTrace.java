package dev.oteltoolkit.core.internal;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The buffered spans of one trace of the console view, indexed by parent span id. */
final class PendingTrace {

  private final String traceId;
  private final Map<String, List<SpanData>> childrenByParentId = new HashMap<>();
  int size;
  long lastSpanNanos;

  PendingTrace(String traceId) {
    this.traceId = traceId;
  }

  void add(SpanData span) {
    childrenByParentId
        .computeIfAbsent(span.getParentSpanId(), unused -> new ArrayList<>(4))
        .add(span);
    size++;
  }

  // Removes and returns the buffered children of spanId, in a mutable list.
  List<SpanData> take(String spanId) {
    List<SpanData> children = childrenByParentId.remove(spanId);
    if (children == null) {
      return new ArrayList<>(0);
    }
    size -= children.size();
    return children;
  }

  // Returns the buffered spans whose parent is not buffered (all of them if, malformed, they
  // form a cycle), in a mutable list; never empty while the trace holds a span.
  List<SpanData> tops() {
    Set<String> spanIds = new HashSet<>();
    for (List<SpanData> children : childrenByParentId.values()) {
      for (SpanData span : children) {
        spanIds.add(span.getSpanId());
      }
    }
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
    return "PendingTrace{traceId=" + traceId + ", size=" + size + '}';
  }
}
