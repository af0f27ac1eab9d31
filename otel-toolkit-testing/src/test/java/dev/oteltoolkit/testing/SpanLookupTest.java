package dev.oteltoolkit.testing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spans found by name: across everything captured, and anywhere in one trace. */
class SpanLookupTest {

  @RegisterExtension
  static final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final Tracing tracing = otel.tracing();

  @Test
  void spanFindsTheOneSpanOfThatNameInAnyTrace() {
    placeOrder();
    tracing.traced("nightly report", () -> tracing.traced("SELECT orders", () -> {}));

    SpanData charge = otel.span("charge card");
    assertThat(charge).hasKind(SpanKind.CLIENT);
    Assertions.assertThat(charge.getParentSpanId()).isEqualTo(otel.span("place order").getSpanId());
    Assertions.assertThat(otel.spans("SELECT orders")).hasSize(3);
    Assertions.assertThat(otel.spans("no such span")).isEmpty();
  }

  @Test
  void spanFailsWhenTheNameIsMissingOrNotUniqueSayingWhatWasCaptured() {
    placeOrder();

    assertThatThrownBy(() -> otel.span("refund"))
        .hasMessageStartingWith(
            "expected one span named 'refund' but 0 were captured; span names: [SELECT orders,"
                + " charge card, deep, place order, reserve]")
        .hasMessageContaining("Captured by TelemetryExtension: 6 spans in 1 trace");
    assertThatThrownBy(() -> otel.span("SELECT orders"))
        .hasMessageStartingWith(
            "expected one span named 'SELECT orders' but 2 were captured (spans(\"SELECT"
                + " orders\") returns them all)");
  }

  @Test
  void aTraceFindsItsSpansAtAnyDepthAndTheOneFoundCountsAsNamed() {
    placeOrder();

    TraceTreeAssert trace = otel.assertTrace("place order");
    SpanData deep = trace.span("deep");
    Assertions.assertThat(deep.getParentSpanId()).isEqualTo(trace.span("reserve").getSpanId());
    // a plain lookup names nothing
    Assertions.assertThat(trace.spans("SELECT orders")).hasSize(2);
    assertThatThrownBy(trace::hasNoOtherSpans)
        .hasMessageStartingWith(
            "trace "
                + trace.traceId()
                + " (root 'place order') has spans no assertion named: [SELECT orders,"
                + " charge card, SELECT orders]");
    trace
        .hasSpans("SELECT orders", 2, query -> query.hasKind(SpanKind.CLIENT))
        .hasSpan("charge card", card -> card.hasKind(SpanKind.CLIENT))
        .hasNoOtherSpans();

    assertThatThrownBy(() -> otel.assertTrace("place order").span("SELECT orders"))
        .hasMessageStartingWith(
            "trace " + trace.traceId() + " has 2 spans named 'SELECT orders', expected one");
    assertThatThrownBy(() -> otel.assertTrace("place order").hasSpans("deep", 2))
        .hasMessageStartingWith(
            "trace " + trace.traceId() + " has 1 spans named 'deep', expected 2");
  }

  @Test
  void awaitSpanWaitsForASpanEndedByAnotherThread() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    Thread worker =
        new Thread(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              tracing.traced("process message", () -> {});
            });
    worker.start();
    go.countDown();

    assertThat(otel.awaitSpan("process message")).hasKind(SpanKind.INTERNAL);
    worker.join();
  }

  private void placeOrder() {
    tracing.traced(
        "place order",
        () -> {
          tracing.span("charge card").kind(SpanKind.CLIENT).run(() -> query());
          tracing.traced("reserve", () -> tracing.traced("deep", this::query));
        });
  }

  private void query() {
    tracing.span("SELECT orders").kind(SpanKind.CLIENT).run(() -> {});
  }
}
