package dev.oteltoolkit.testing;

import io.opentelemetry.sdk.testing.assertj.SpanDataAssert;
import io.opentelemetry.sdk.trace.data.SpanData;
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
public final class SpanTreeAssert extends TreeAssertions<SpanTreeAssert> {

  SpanTreeAssert(TreeContext context, TraceTree.Node node) {
    super(context, node);
  }

  @Override
  SpanTreeAssert self() {
    return this;
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

  @Override
  public String toString() {
    return "SpanTreeAssert{" + TreeContext.path(node) + "}";
  }
}
