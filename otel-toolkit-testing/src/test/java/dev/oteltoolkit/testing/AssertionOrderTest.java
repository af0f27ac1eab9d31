package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code hasNoOtherSpans()} and {@code hasNoOtherChildren()} depend only on which spans were named,
 * not on the order the assertions named them in, nor on the order the spans ended (here: children
 * that end in the reverse of their start order, one of them on another thread after its own child).
 */
class AssertionOrderTest {

  @RegisterExtension
  static final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  /** Every order of naming the root's three children and the grandchild. */
  static Stream<List<String>> orders() {
    List<List<String>> orders = new ArrayList<>();
    permute(new ArrayList<>(List.of("a", "b", "c", "a1")), 0, orders);
    return orders.stream();
  }

  @ParameterizedTest
  @MethodSource("orders")
  void anyOrderOfNamingTheSpansPasses(List<String> order) throws Exception {
    recordTrace();
    TraceTreeAssert trace = otel.assertTrace("root");
    for (String name : order) {
      name(trace, name);
    }
    trace.hasNoOtherSpans().hasNoOtherChildren();
  }

  @ParameterizedTest
  @MethodSource("orders")
  void anyOrderThatLeavesOneOutFailsNamingIt(List<String> order) throws Exception {
    recordTrace();
    TraceTreeAssert trace = otel.assertTrace("root");
    String left = order.get(order.size() - 1);
    for (String name : order.subList(0, order.size() - 1)) {
      name(trace, name);
    }
    assertThatThrownBy(trace::hasNoOtherSpans)
        .hasMessageContaining("has spans no assertion named: [" + left + "]");
  }

  @Test
  void aGrandchildNamedInsideItsParentsSubtreeCountsForTheWholeTrace() throws Exception {
    recordTrace();
    otel.assertTrace("root")
        .hasChildTree("a", a -> a.hasChild("a1").hasNoOtherChildren())
        .hasChildren("c", 1)
        .hasChild("b")
        .hasNoOtherChildren()
        .hasNoOtherSpans();
  }

  private static void name(TraceTreeAssert trace, String name) {
    Consumer<TraceTreeAssert> naming =
        switch (name) {
          case "a1" -> t -> t.hasSpan("a1", span -> {});
          case "b" -> t -> t.hasChildren("b", 1);
          default -> t -> t.hasChild(name);
        };
    naming.accept(trace);
  }

  /** root > (a > a1), b, c: c ends first, then b, then a1 on another thread after a ended. */
  private static void recordTrace() throws Exception {
    otel.reset();
    Tracing tracing = otel.tracing();
    Tracer tracer = otel.openTelemetry().getTracer("order");
    tracing.traced(
        "root",
        () -> {
          Span a = tracer.spanBuilder("a").startSpan();
          Span a1 = tracer.spanBuilder("a1").setParent(Context.current().with(a)).startSpan();
          Span b = tracer.spanBuilder("b").startSpan();
          tracing.traced("c", () -> {});
          b.end();
          a.end();
          Thread other = new Thread(a1::end);
          other.start();
          other.join();
        });
  }

  private static void permute(List<String> items, int from, List<List<String>> out) {
    if (from == items.size()) {
      out.add(List.copyOf(items));
      return;
    }
    for (int i = from; i < items.size(); i++) {
      java.util.Collections.swap(items, from, i);
      permute(items, from + 1, out);
      java.util.Collections.swap(items, from, i);
    }
  }
}
