package dev.oteltoolkit.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import io.opentelemetry.sdk.testing.assertj.SpanDataAssert;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the assertions on one trace share: the snapshot they were taken from (its tree goes into
 * every failure message), the trace, and the spans asserted so far (for {@code hasNoOtherSpans()}).
 * The checks common to the whole trace and to one of its spans live here.
 */
final class TreeContext {

  static final AttributeKey<Long> TOTAL_INPUT_TOKENS =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.input_tokens");
  static final AttributeKey<Long> TOTAL_OUTPUT_TOKENS =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.output_tokens");
  static final AttributeKey<Double> TOTAL_COST =
      AttributeKey.doubleKey("oteltoolkit.gen_ai.total.cost");

  final Snapshot snapshot;
  final TraceTree trace;
  private final Set<SpanData> asserted = Collections.newSetFromMap(new IdentityHashMap<>());

  TreeContext(Snapshot snapshot, TraceTree trace) {
    this.snapshot = snapshot;
    this.trace = trace;
  }

  TelemetryAssertionError failure(String reason) {
    return new TelemetryAssertionError(reason, snapshot);
  }

  void markAsserted(TraceTree.Node node) {
    asserted.add(node.span);
  }

  List<SpanData> notAsserted() {
    List<SpanData> others = new ArrayList<>();
    for (SpanData span : trace.spans) {
      if (!asserted.contains(span)) {
        others.add(span);
      }
    }
    return others;
  }

  /** Runs the caller's assertions on {@code span}; a failure says where it happened. */
  void check(TraceTree.Node node, Consumer<SpanDataAssert> assertions) {
    Objects.requireNonNull(assertions, "assertions");
    run(node, () -> assertions.accept(OpenTelemetryAssertions.assertThat(node.span)));
  }

  void run(TraceTree.Node node, Runnable assertions) {
    try {
      assertions.run();
    } catch (TelemetryAssertionError e) {
      throw e;
    } catch (AssertionError e) {
      throw new TelemetryAssertionError(path(node) + ": " + e.getMessage(), snapshot, e);
    }
  }

  /** The only child of {@code parent} with this name. */
  TraceTree.Node child(TraceTree.Node parent, String name) {
    Objects.requireNonNull(name, "name");
    List<TraceTree.Node> matching = children(parent, name);
    if (matching.size() != 1) {
      throw failure(
          path(parent)
              + (matching.isEmpty()
                  ? " has no child named '" + name + "'; its children: " + childNames(parent)
                  : " has "
                      + matching.size()
                      + " children named '"
                      + name
                      + "', expected one (hasChildren(\""
                      + name
                      + "\", "
                      + matching.size()
                      + ") asserts several)"));
    }
    markAsserted(matching.get(0));
    return matching.get(0);
  }

  /** Exactly {@code count} children of {@code parent} with this name. */
  List<TraceTree.Node> children(TraceTree.Node parent, String name, int count) {
    Objects.requireNonNull(name, "name");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    List<TraceTree.Node> matching = children(parent, name);
    if (matching.size() != count) {
      throw failure(
          path(parent)
              + " has "
              + matching.size()
              + " children named '"
              + name
              + "', expected "
              + count
              + "; its children: "
              + childNames(parent));
    }
    matching.forEach(this::markAsserted);
    return matching;
  }

  void noChildren(TraceTree.Node parent) {
    if (!parent.children.isEmpty()) {
      throw failure(path(parent) + " has children, expected none: " + childNames(parent));
    }
  }

  void noOtherChildren(TraceTree.Node parent) {
    List<String> others = new ArrayList<>();
    for (TraceTree.Node child : parent.children) {
      if (!asserted.contains(child.span)) {
        others.add(child.name());
      }
    }
    if (!others.isEmpty()) {
      throw failure(path(parent) + " has children no assertion named: " + others);
    }
  }

  /** The only span of the trace with this name, anywhere in the tree. */
  TraceTree.Node span(String name) {
    return spans(name, 1).get(0);
  }

  /** Exactly {@code count} spans of the trace with this name, anywhere in the tree. */
  List<TraceTree.Node> spans(String name, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    List<TraceTree.Node> matching = named(name);
    if (matching.size() != count) {
      throw failure(
          "trace "
              + trace.traceId
              + " has "
              + matching.size()
              + " spans named '"
              + name
              + "', expected "
              + (count == 1 ? "one" : count));
    }
    matching.forEach(this::markAsserted);
    return matching;
  }

  /** The spans of the trace with this name, anywhere in the tree, parents before children. */
  List<TraceTree.Node> named(String name) {
    Objects.requireNonNull(name, "name");
    List<TraceTree.Node> matching = new ArrayList<>();
    for (TraceTree.Node root : trace.roots) {
      root.forEach(
          node -> {
            if (node.name().equals(name)) {
              matching.add(node);
            }
          });
    }
    return matching;
  }

  void genAiTotals(TraceTree.Node node, long inputTokens, long outputTokens) {
    Long input = node.span.getAttributes().get(TOTAL_INPUT_TOKENS);
    Long output = node.span.getAttributes().get(TOTAL_OUTPUT_TOKENS);
    if (input == null || output == null || input != inputTokens || output != outputTokens) {
      throw failure(
          path(node)
              + ": expected per-request GenAI totals of "
              + inputTokens
              + " input and "
              + outputTokens
              + " output tokens ("
              + TOTAL_INPUT_TOKENS.getKey()
              + ", "
              + TOTAL_OUTPUT_TOKENS.getKey()
              + ") but found "
              + input
              + " and "
              + output
              + (input == null && output == null
                  ? " (totals land on the local root span of the request)"
                  : ""));
    }
  }

  void genAiTotalCost(TraceTree.Node node, String usd) {
    BigDecimal expected = decimal(usd);
    Double cost = node.span.getAttributes().get(TOTAL_COST);
    // the toolkit sums exactly and writes the nearest double: compare with the same conversion
    if (cost == null || cost != expected.doubleValue()) {
      throw failure(
          path(node)
              + ": expected a per-request GenAI cost ("
              + TOTAL_COST.getKey()
              + ") of "
              + expected.toPlainString()
              + " USD but found "
              + (cost == null ? "none (unknown models are not priced)" : cost + " USD"));
    }
  }

  static BigDecimal decimal(String usd) {
    Objects.requireNonNull(usd, "usd");
    try {
      return new BigDecimal(usd.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a decimal amount of USD: \"" + usd + "\"", e);
    }
  }

  private static List<TraceTree.Node> children(TraceTree.Node parent, String name) {
    List<TraceTree.Node> matching = new ArrayList<>();
    for (TraceTree.Node child : parent.children) {
      if (child.name().equals(name)) {
        matching.add(child);
      }
    }
    return matching;
  }

  private static List<String> childNames(TraceTree.Node parent) {
    List<String> names = new ArrayList<>(parent.children.size());
    for (TraceTree.Node child : parent.children) {
      names.add(child.name());
    }
    return names;
  }

  /** Where a span sits: {@code 'checkout' > 'charge card'}. */
  static String path(TraceTree.Node node) {
    List<String> names = new ArrayList<>();
    TraceTree.Node n = node;
    for (; n != null && names.size() < 20; n = n.parent) {
      names.add("'" + n.name() + "'");
    }
    if (n != null) {
      names.add("…");
    }
    Collections.reverse(names);
    return "span " + String.join(" > ", names);
  }
}
