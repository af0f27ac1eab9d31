package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a test's reader sees when a kit assertion fails, and how long it takes to fail. */
class FailureMessagesTest {

  // an instance field: a telemetry per test, not global, and a short wait for the failure cases
  @RegisterExtension
  final TelemetryExtension otel =
      TelemetryExtension.builder().global(false).awaitTimeout(Duration.ofMillis(300)).build();

  private final Tracing tracing = otel.tracing();

  @Test
  void aTraceThatNeverArrivesFailsAfterTheTimeoutWithWhatDidArrive() {
    tracing.traced("warm up", () -> {});
    long start = System.nanoTime();

    assertThatThrownBy(() -> otel.awaitTrace("never sent"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "waited 300 ms for a trace with root 'never sent' and it did not arrive; last check:"
                + " expected 1 trace with a root span named 'never sent' but found 0")
        .hasMessageContaining("Captured by TelemetryExtension: 1 span in 1 trace")
        .hasMessageContaining("\nwarm up  ");
    // bounded: the timeout, plus one poll and a flush, not the default 10 s
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aTraceWithASpanWhoseParentHasNotEndedIsNotConnectedUntilItEnds() throws Exception {
    Span[] slowChild = new Span[1];
    tracing.traced(
        "request",
        () -> {
          slowChild[0] =
              otel.openTelemetry().getTracer("test").spanBuilder("slow child").startSpan();
          tracing.span("grandchild").parent(Context.current().with(slowChild[0])).run(() -> {});
        });
    // the request and the grandchild ended; the grandchild's parent did not
    assertThatThrownBy(() -> otel.assertTrace("request"))
        .hasMessageStartingWith(
            "the trace with root 'request' is not connected yet: spans whose parent has not"
                + " arrived (not ended, or recorded elsewhere): ['grandchild' (parent "
                + slowChild[0].getSpanContext().getSpanId()
                + ")]; awaitTrace waits for them")
        .hasMessageContaining("(2 roots: not connected)");

    CountDownLatch go = new CountDownLatch(1);
    Thread ender =
        new Thread(
            () -> {
              try {
                go.await();
                slowChild[0].end();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    ender.start();
    go.countDown();
    otel.awaitTrace("request")
        .hasChildTree("slow child", child -> child.hasChild("grandchild").hasNoOtherChildren())
        .hasNoOtherSpans();
    ender.join(10_000);
  }

  @Test
  void aNestedSpanAssertionFailureNamesThePathOfTheSpan() {
    tracing.traced(
        "checkout",
        () -> {
          tracing.traced(
              "charge card",
              () -> {
                Span.current().setAttribute(AttributeKey.stringKey("card.brand"), "visa");
              });
        });
    assertThatThrownBy(
            () ->
                otel.assertTrace("checkout")
                    .hasChildTree(
                        "charge card",
                        card -> card.satisfiesSpan(span -> span.hasKind(SpanKind.CLIENT))))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("span 'checkout' > 'charge card': ")
        .hasMessageContaining("CLIENT")
        .hasMessageContaining("└─ charge card  ")
        .hasMessageContaining("card.brand=visa");
  }

  @Test
  void unassertedSpansAreNamedByHasNoOtherSpans() {
    tracing.traced(
        "checkout",
        () -> {
          tracing.traced("charge card", () -> {});
          tracing.traced("audit", () -> {});
          tracing.traced("audit", () -> {});
        });
    assertThatThrownBy(() -> otel.assertTrace("checkout").hasChild("charge card").hasNoOtherSpans())
        .hasMessageStartingWith("trace ")
        .hasMessageContaining("(root 'checkout') has spans no assertion named: [audit, audit]");
    assertThatThrownBy(() -> otel.assertTrace("checkout").hasChild("audit"))
        .hasMessageContaining(
            "span 'checkout' has 2 children named 'audit', expected one (hasChildren(\"audit\", 2)"
                + " asserts several)");
    otel.assertTrace("checkout").hasChild("charge card").hasChildren("audit", 2).hasNoOtherSpans();
  }

  @Test
  void metricFailuresListWhatWasRecorded() {
    tracing.traced("pay", () -> {});
    assertThatThrownBy(() -> otel.assertOperation("pay").hasCount(2))
        .hasMessageStartingWith(
            "operation 'pay' (oteltoolkit.operation.duration): expected 2 calls but 1 were"
                + " recorded; its calls by outcome: {ok=1}; operations recorded in this test:"
                + " {pay=1}")
        .hasMessageContaining("\npay  ");
    assertThatThrownBy(() -> otel.assertGenAi().hasInputTokens(10))
        .hasMessageStartingWith(
            "GenAI usage: expected 10 input tokens but 0 were recorded; calls recorded in this"
                + " test by requested model: {}");
  }

  @Test
  void theTreeStaysBoundedWhateverWasCaptured() {
    tracing.traced(
        "bulk",
        () -> {
          for (int i = 0; i < 2_000; i++) {
            tracing.traced(
                "item " + i,
                () -> {
                  Span.current().setAttribute("payload", "x".repeat(10_000));
                });
          }
        });
    String tree = otel.consoleTree();
    assertThat(tree.lines().count()).isLessThanOrEqualTo(Snapshot.MAX_LINES + 1);
    assertThat(tree.lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(Snapshot.MAX_LINE));
    assertThat(tree).endsWith("… (cut at 300 lines; 2001 spans in all)");
    assertThat(tree).contains("payload=xxxxxxxx").doesNotContain("x".repeat(100));
  }

  @Test
  void aDeepTreeRendersWithoutRecursion() {
    Context parent = Context.root();
    Span[] spans = new Span[3_000]; // below the batch queue (4096): none dropped
    for (int i = 0; i < spans.length; i++) {
      spans[i] =
          otel.openTelemetry()
              .getTracer("test")
              .spanBuilder("level " + i)
              .setParent(parent)
              .startSpan();
      parent = parent.with(spans[i]);
    }
    for (int i = spans.length - 1; i >= 0; i--) {
      spans[i].end();
    }
    otel.assertTrace("level 0").hasSpanCount(3_000);
    String tree = otel.consoleTree();
    assertThat(tree.lines().count()).isLessThanOrEqualTo(Snapshot.MAX_LINES + 1);
    assertThat(tree)
        .contains("└─ level 20  ")
        .contains("└─ (depth 21) level 21  ")
        .contains("(depth 250) level 250  ")
        .doesNotContain("level 2999");
  }
}
