package dev.oteltoolkit.testing;

import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.assertj.LogRecordDataAssert;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import io.opentelemetry.sdk.testing.assertj.SpanDataAssert;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Assertions on one captured trace as a tree, found by the name of its root span ({@link
 * TelemetryExtension#assertTrace(String)}, {@link TelemetryExtension#awaitTrace(String)}):
 *
 * <pre>{@code
 * otel.assertTrace("checkout")
 *     .hasRoot(root -> root.hasKind(SpanKind.SERVER))
 *     .hasChild("charge card", card -> card.hasKind(SpanKind.CLIENT))
 *     .hasChild("SELECT shop.orders")
 *     .hasNoOtherSpans();
 * }</pre>
 *
 * <p>The root is the span whose parent was not captured; children are linked by parent span id
 * across threads and services. Span-level checks are {@code opentelemetry-sdk-testing}'s {@link
 * SpanDataAssert}. Every failure names the span it is about and shows the console tree of
 * everything captured. The assertions work on what had arrived when the trace was found: a trace is
 * not updated afterwards.
 */
public final class TraceTreeAssert {

  private final TreeContext context;
  private final TraceTree.Node root;

  TraceTreeAssert(Snapshot snapshot, TraceTree trace) {
    this.context = new TreeContext(snapshot, trace);
    this.root = trace.roots.get(0);
    context.markAsserted(root);
  }

  /**
   * Returns the trace id, 32 hex characters.
   *
   * @return the trace id
   */
  public String traceId() {
    return context.trace.traceId;
  }

  /**
   * Returns the root span of the trace.
   *
   * @return the root span
   */
  public SpanData rootSpan() {
    return root.span;
  }

  /**
   * Returns every span of the trace, in the order they were exported.
   *
   * @return the spans
   */
  public List<SpanData> spans() {
    return context.trace.spans;
  }

  /**
   * Returns the log records emitted while a span of this trace was current (they carry its trace
   * id), in the order they were exported.
   *
   * @return the log records of the trace
   */
  public List<LogRecordData> logRecords() {
    List<LogRecordData> logs = new ArrayList<>();
    for (LogRecordData log : context.snapshot.logRecords) {
      if (log.getSpanContext().getTraceId().equals(traceId())) {
        logs.add(log);
      }
    }
    return logs;
  }

  /**
   * Asserts the root span with {@code opentelemetry-sdk-testing}'s span assertions.
   *
   * @param assertions e.g. {@code root -> root.hasKind(SpanKind.SERVER)}
   * @return this
   */
  public TraceTreeAssert hasRoot(Consumer<SpanDataAssert> assertions) {
    context.check(root, assertions);
    return this;
  }

  /**
   * Asserts that exactly one direct child of the root has this name.
   *
   * @param name the child's span name
   * @return this
   */
  public TraceTreeAssert hasChild(String name) {
    context.child(root, name);
    return this;
  }

  /**
   * Asserts that exactly one direct child of the root has this name, and that it satisfies {@code
   * assertions}.
   *
   * @param name the child's span name
   * @param assertions assertions on the child, e.g. {@code child -> child.hasKind(SpanKind.CLIENT)}
   * @return this
   */
  public TraceTreeAssert hasChild(String name, Consumer<SpanDataAssert> assertions) {
    context.check(context.child(root, name), assertions);
    return this;
  }

  /**
   * Asserts that exactly one direct child of the root has this name, then runs {@code subtree} on
   * it, to assert the spans below it.
   *
   * @param name the child's span name
   * @param subtree assertions on the child and its descendants
   * @return this
   */
  public TraceTreeAssert hasChildTree(String name, Consumer<SpanTreeAssert> subtree) {
    Objects.requireNonNull(subtree, "subtree");
    TraceTree.Node child = context.child(root, name);
    context.run(child, () -> subtree.accept(new SpanTreeAssert(context, child)));
    return this;
  }

  /**
   * Asserts that exactly {@code count} direct children of the root have this name.
   *
   * @param name the children's span name
   * @param count how many, at least 0
   * @return this
   */
  public TraceTreeAssert hasChildren(String name, int count) {
    context.children(root, name, count);
    return this;
  }

  /**
   * Asserts that exactly {@code count} direct children of the root have this name, each satisfying
   * {@code each}.
   *
   * @param name the children's span name
   * @param count how many, at least 0
   * @param each assertions every one of them must satisfy
   * @return this
   */
  public TraceTreeAssert hasChildren(String name, int count, Consumer<SpanDataAssert> each) {
    for (TraceTree.Node child : context.children(root, name, count)) {
      context.check(child, each);
    }
    return this;
  }

  /**
   * Asserts that exactly one span of the trace, at any depth, has this name, and that it satisfies
   * {@code assertions}.
   *
   * @param name the span name
   * @param assertions assertions on the span
   * @return this
   */
  public TraceTreeAssert hasSpan(String name, Consumer<SpanDataAssert> assertions) {
    context.check(context.span(name), assertions);
    return this;
  }

  /**
   * Asserts how many spans the trace has, the root included.
   *
   * @param count the expected number of spans
   * @return this
   */
  public TraceTreeAssert hasSpanCount(int count) {
    if (context.trace.spans.size() != count) {
      throw context.failure(
          "trace "
              + traceId()
              + " (root '"
              + root.name()
              + "') has "
              + context.trace.spans.size()
              + " spans, expected "
              + count);
    }
    return this;
  }

  /**
   * Asserts that every span of the trace was named by an assertion above (the root counts): nothing
   * was recorded that the test does not expect.
   *
   * @return this
   */
  public TraceTreeAssert hasNoOtherSpans() {
    List<SpanData> others = context.notAsserted();
    if (!others.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (SpanData span : others) {
        names.add(span.getName());
      }
      throw context.failure(
          "trace "
              + traceId()
              + " (root '"
              + root.name()
              + "') has spans no assertion named: "
              + names);
    }
    return this;
  }

  /**
   * Asserts the per-request GenAI token totals ({@code oteltoolkit.gen_ai.total.input_tokens} and
   * {@code output_tokens}) on the root span.
   *
   * @param inputTokens the expected input tokens of every GenAI call of the request
   * @param outputTokens the expected output tokens
   * @return this
   */
  public TraceTreeAssert hasGenAiTotals(long inputTokens, long outputTokens) {
    context.genAiTotals(root, inputTokens, outputTokens);
    return this;
  }

  /**
   * Asserts the per-request GenAI cost ({@code oteltoolkit.gen_ai.total.cost}) on the root span,
   * exactly as the toolkit computes it (an exact decimal sum).
   *
   * @param usd the expected cost in US dollars, as a decimal, e.g. {@code "0.00301"}
   * @return this
   */
  public TraceTreeAssert hasGenAiTotalCost(String usd) {
    context.genAiTotalCost(root, usd);
    return this;
  }

  /**
   * Asserts that at least one log record of this trace satisfies {@code assertions}.
   *
   * @param assertions e.g. {@code log -> log.hasBody("order placed")}
   * @return this
   */
  public TraceTreeAssert hasLogRecord(Consumer<LogRecordDataAssert> assertions) {
    Objects.requireNonNull(assertions, "assertions");
    List<LogRecordData> logs = logRecords();
    AssertionError last = null;
    for (LogRecordData log : logs) {
      try {
        assertions.accept(OpenTelemetryAssertions.assertThat(log));
        return this;
      } catch (AssertionError e) {
        last = e;
      }
    }
    throw new TelemetryAssertionError(
        "trace "
            + traceId()
            + " (root '"
            + root.name()
            + "'): none of its "
            + logs.size()
            + " log records matches"
            + (last == null ? "" : "; the last one failed with: " + last.getMessage()),
        context.snapshot,
        last);
  }

  @Override
  public String toString() {
    return "TraceTreeAssert{" + traceId() + ", root '" + root.name() + "'}";
  }
}
