package dev.oteltoolkit.testing;

import io.opentelemetry.sdk.testing.assertj.SpanDataAssert;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Assertions on one span of a trace and on the spans below it, reached through {@link
 * TraceTreeAssert#hasChildTree(String, Consumer)} or {@link #hasChildTree(String, Consumer)}:
 *
 * <pre>{@code
 * otel.assertTrace("place order")
 *     .hasChildTree("publish orders", publish -> publish
 *         .satisfiesSpan(span -> span.hasKind(SpanKind.PRODUCER))
 *         .hasChild("process orders", process -> process.hasKind(SpanKind.CONSUMER)))
 *     .hasNoOtherSpans();
 * }</pre>
 *
 * <p>Children are the spans whose parent span id is this span's, whatever thread or service ended
 * them. A failure names the path of the span ({@code 'place order' > 'publish orders'}) and shows
 * the console tree of everything captured.
 */
public final class SpanTreeAssert {

  private final TreeContext context;
  private final TraceTree.Node node;

  SpanTreeAssert(TreeContext context, TraceTree.Node node) {
    this.context = context;
    this.node = node;
  }

  /**
   * Returns the span these assertions are about.
   *
   * @return the span
   */
  public SpanData span() {
    return node.span;
  }

  /**
   * Asserts this span with {@code opentelemetry-sdk-testing}'s span assertions.
   *
   * @param assertions e.g. {@code span -> span.hasKind(SpanKind.CLIENT)}
   * @return this
   */
  public SpanTreeAssert satisfiesSpan(Consumer<SpanDataAssert> assertions) {
    context.check(node, assertions);
    return this;
  }

  /**
   * Asserts that exactly one direct child of this span has this name.
   *
   * @param name the child's span name
   * @return this
   */
  public SpanTreeAssert hasChild(String name) {
    context.child(node, name);
    return this;
  }

  /**
   * Asserts that exactly one direct child of this span has this name, and that it satisfies {@code
   * assertions}.
   *
   * @param name the child's span name
   * @param assertions assertions on the child, e.g. {@code child -> child.hasKind(SpanKind.CLIENT)}
   * @return this
   */
  public SpanTreeAssert hasChild(String name, Consumer<SpanDataAssert> assertions) {
    context.check(context.child(node, name), assertions);
    return this;
  }

  /**
   * Asserts that exactly one direct child of this span has this name, then runs {@code subtree} on
   * it, to go one level deeper.
   *
   * @param name the child's span name
   * @param subtree assertions on the child and the spans below it
   * @return this
   */
  public SpanTreeAssert hasChildTree(String name, Consumer<SpanTreeAssert> subtree) {
    Objects.requireNonNull(subtree, "subtree");
    TraceTree.Node child = context.child(node, name);
    context.run(child, () -> subtree.accept(new SpanTreeAssert(context, child)));
    return this;
  }

  /**
   * Asserts that exactly {@code count} direct children of this span have this name.
   *
   * @param name the children's span name
   * @param count how many, at least 0
   * @return this
   */
  public SpanTreeAssert hasChildren(String name, int count) {
    context.children(node, name, count);
    return this;
  }

  /**
   * Asserts that exactly {@code count} direct children of this span have this name, each satisfying
   * {@code each}.
   *
   * @param name the children's span name
   * @param count how many, at least 0
   * @param each assertions every one of them must satisfy
   * @return this
   */
  public SpanTreeAssert hasChildren(String name, int count, Consumer<SpanDataAssert> each) {
    for (TraceTree.Node child : context.children(node, name, count)) {
      context.check(child, each);
    }
    return this;
  }

  /**
   * Asserts that no span has this span as its parent.
   *
   * @return this
   */
  public SpanTreeAssert hasNoChildren() {
    context.noChildren(node);
    return this;
  }

  /**
   * Asserts that every direct child of this span was named by an assertion above.
   *
   * @return this
   */
  public SpanTreeAssert hasNoOtherChildren() {
    context.noOtherChildren(node);
    return this;
  }

  /**
   * Asserts the per-request GenAI token totals ({@code oteltoolkit.gen_ai.total.input_tokens} and
   * {@code output_tokens}) on this span, a local root (the first span of a request in its service).
   *
   * @param inputTokens the expected input tokens of every GenAI call of the request
   * @param outputTokens the expected output tokens
   * @return this
   */
  public SpanTreeAssert hasGenAiTotals(long inputTokens, long outputTokens) {
    context.genAiTotals(node, inputTokens, outputTokens);
    return this;
  }

  /**
   * Asserts the per-request GenAI cost ({@code oteltoolkit.gen_ai.total.cost}) on this span, a
   * local root, exactly as the toolkit computes it (an exact decimal sum).
   *
   * @param usd the expected cost in US dollars, as a decimal, e.g. {@code "0.00301"}
   * @return this
   */
  public SpanTreeAssert hasGenAiTotalCost(String usd) {
    context.genAiTotalCost(node, usd);
    return this;
  }

  @Override
  public String toString() {
    return "SpanTreeAssert{" + TreeContext.path(node) + "}";
  }
}
