package dev.oteltoolkit.testing;

import io.opentelemetry.sdk.testing.assertj.SpanDataAssert;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The assertions {@link TraceTreeAssert} (on a trace's root) and {@link SpanTreeAssert} (on any
 * span of it) share: a span's children by name, its subtree, and the per-request GenAI totals on
 * it. Package-private: users see these methods on the two public classes, returning those classes.
 *
 * @param <SELF> the public assertion class, returned for chaining
 */
abstract class TreeAssertions<SELF extends TreeAssertions<SELF>> {

  final TreeContext context;
  final TraceTree.Node node;

  TreeAssertions(TreeContext context, TraceTree.Node node) {
    this.context = context;
    this.node = node;
  }

  /** This object as its public class. */
  abstract SELF self();

  /**
   * Asserts that exactly one direct child of this span (of the root, for a trace) has this name.
   *
   * @param name the child's span name
   * @return this
   */
  public SELF hasChild(String name) {
    context.child(node, name);
    return self();
  }

  /**
   * Asserts that exactly one direct child of this span (of the root, for a trace) has this name,
   * and that it satisfies {@code assertions}.
   *
   * @param name the child's span name
   * @param assertions assertions on the child, e.g. {@code child -> child.hasKind(SpanKind.CLIENT)}
   * @return this
   */
  public SELF hasChild(String name, Consumer<SpanDataAssert> assertions) {
    context.check(context.child(node, name), assertions);
    return self();
  }

  /**
   * Asserts that exactly one direct child of this span (of the root, for a trace) has this name,
   * then runs {@code subtree} on it, to assert the spans below it.
   *
   * @param name the child's span name
   * @param subtree assertions on the child and the spans below it
   * @return this
   */
  public SELF hasChildTree(String name, Consumer<SpanTreeAssert> subtree) {
    Objects.requireNonNull(subtree, "subtree");
    TraceTree.Node child = context.child(node, name);
    context.run(child, () -> subtree.accept(new SpanTreeAssert(context, child)));
    return self();
  }

  /**
   * Asserts that exactly {@code count} direct children of this span (of the root, for a trace) have
   * this name.
   *
   * @param name the children's span name
   * @param count how many, at least 0
   * @return this
   */
  public SELF hasChildren(String name, int count) {
    context.children(node, name, count);
    return self();
  }

  /**
   * Asserts that exactly {@code count} direct children of this span (of the root, for a trace) have
   * this name, each satisfying {@code each}.
   *
   * @param name the children's span name
   * @param count how many, at least 0
   * @param each assertions every one of them must satisfy
   * @return this
   */
  public SELF hasChildren(String name, int count, Consumer<SpanDataAssert> each) {
    for (TraceTree.Node child : context.children(node, name, count)) {
      context.check(child, each);
    }
    return self();
  }

  /**
   * Asserts that no span has this span (the root, for a trace) as its parent.
   *
   * @return this
   */
  public SELF hasNoChildren() {
    context.noChildren(node);
    return self();
  }

  /**
   * Asserts that every direct child of this span (of the root, for a trace) was named by an
   * assertion above; which of them was asserted first, and in which order they ended, does not
   * matter.
   *
   * @return this
   */
  public SELF hasNoOtherChildren() {
    context.noOtherChildren(node);
    return self();
  }

  /**
   * Asserts the per-request GenAI token totals ({@code oteltoolkit.gen_ai.total.input_tokens} and
   * {@code output_tokens}) on this span, a local root (the first span of a request in its service;
   * the root, for a trace).
   *
   * @param inputTokens the expected input tokens of every GenAI call of the request
   * @param outputTokens the expected output tokens
   * @return this
   */
  public SELF hasGenAiTotals(long inputTokens, long outputTokens) {
    context.genAiTotals(node, inputTokens, outputTokens);
    return self();
  }

  /**
   * Asserts the per-request GenAI cost ({@code oteltoolkit.gen_ai.total.cost}) on this span, a
   * local root (the root, for a trace), exactly as the toolkit computes it (an exact decimal sum).
   *
   * @param usd the expected cost in US dollars, as a decimal, e.g. {@code "0.00301"}
   * @return this
   */
  public SELF hasGenAiTotalCost(String usd) {
    context.genAiTotalCost(node, usd);
    return self();
  }
}
