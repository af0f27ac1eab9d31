package dev.oteltoolkit.testing;

import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The spans of one trace as a tree, linked by parent span id across threads and services (a server
 * span whose remote parent is a client span captured in the same test hangs under that client
 * span). A root is a span whose parent was not captured: no parent, a remote parent outside the
 * test, or a local parent that has not ended yet. A trace with one root is <em>connected</em>.
 */
final class TraceTree {

  private static final Comparator<Node> BY_START =
      Comparator.comparingLong((Node n) -> n.span.getStartEpochNanos())
          .thenComparing(n -> n.span.getName());

  final String traceId;
  final List<Node> roots;
  final List<SpanData> spans;

  private TraceTree(String traceId, List<Node> roots, List<SpanData> spans) {
    this.traceId = traceId;
    this.roots = roots;
    this.spans = spans;
  }

  /** Groups {@code spans} by trace, traces in the order their first span started. */
  static List<TraceTree> of(List<SpanData> spans) {
    Map<String, List<SpanData>> byTrace = new LinkedHashMap<>();
    for (SpanData span : spans) {
      byTrace.computeIfAbsent(span.getTraceId(), id -> new ArrayList<>()).add(span);
    }
    List<TraceTree> trees = new ArrayList<>(byTrace.size());
    byTrace.forEach((traceId, traceSpans) -> trees.add(build(traceId, traceSpans)));
    trees.sort(
        Comparator.comparingLong(
            (TraceTree t) ->
                t.spans.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(0)));
    return trees;
  }

  private static TraceTree build(String traceId, List<SpanData> spans) {
    Map<String, Node> bySpanId = new HashMap<>();
    List<Node> nodes = new ArrayList<>(spans.size());
    for (SpanData span : spans) {
      Node node = new Node(span);
      nodes.add(node);
      bySpanId.putIfAbsent(span.getSpanId(), node);
    }
    List<Node> roots = new ArrayList<>();
    for (Node node : nodes) {
      String parentId = node.span.getParentSpanId();
      Node parent = SpanId.isValid(parentId) ? bySpanId.get(parentId) : null;
      if (parent == null || parent == node) {
        roots.add(node);
      } else {
        node.parent = parent;
        parent.children.add(node);
      }
    }
    // spans in a parent cycle (only with colliding ids) are unreachable from the roots: break it
    Set<Node> reachable = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node root : roots) {
      root.forEach(reachable::add);
    }
    for (Node node : nodes) {
      if (!reachable.contains(node)) {
        Node parent = node.parent;
        if (parent != null) {
          parent.children.remove(node);
        }
        node.parent = null;
        roots.add(node);
        node.forEach(reachable::add);
      }
    }
    for (Node node : nodes) {
      node.children.sort(BY_START);
    }
    roots.sort(BY_START);
    return new TraceTree(traceId, roots, List.copyOf(spans));
  }

  boolean connected() {
    return roots.size() == 1;
  }

  /** One span and the spans whose parent it is. */
  static final class Node {
    final SpanData span;
    final List<Node> children = new ArrayList<>();
    @Nullable Node parent;

    Node(SpanData span) {
      this.span = span;
    }

    String name() {
      return span.getName();
    }

    /** Visits this node and its descendants, parents first, without recursion. */
    void forEach(java.util.function.Consumer<Node> action) {
      Deque<Node> stack = new ArrayDeque<>();
      stack.push(this);
      while (!stack.isEmpty()) {
        Node node = stack.pop();
        action.accept(node);
        for (int i = node.children.size() - 1; i >= 0; i--) {
          stack.push(node.children.get(i));
        }
      }
    }
  }
}
