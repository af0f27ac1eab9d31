package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spans a full batch queue dropped never pass silently: every span assertion fails saying so. The
 * queue here is made tiny (8 spans) so that a burst overflows it.
 */
class DroppedSpansTest {

  private static final String DROPPED = "spans ended in this test were dropped before the capture";

  @RegisterExtension
  final TelemetryExtension otel =
      TelemetryExtension.builder()
          .global(false)
          .configure(
              b ->
                  b.configProperties(
                      Map.of(
                          "otel.bsp.max.queue.size", "8", "otel.bsp.max.export.batch.size", "8")))
          .build();

  @Test
  void everySpanAssertionFailsNamingTheDropsAndTheSetting() throws Exception {
    ManySpansTest.endSpans(otel.openTelemetry().getTracer("burst"), 2, 20_000);

    assertThatThrownBy(otel::spans)
        .hasMessageMatching(
            "(?s)\\d+ "
                + DROPPED
                + " got them: a batch span processor's queue was"
                + " full \\(otel.bsp.max.queue.size, .*")
        .hasMessageMatching(
            "(?s).*Captured by TelemetryExtension: \\d+ spans in \\d+ traces, 0 log records, \\d+"
                + " more spans dropped by a full batch processor queue.*");
    assertThatThrownBy(() -> otel.spans("burst")).hasMessageContaining(DROPPED);
    assertThatThrownBy(() -> otel.span("burst")).hasMessageContaining(DROPPED);
    assertThatThrownBy(() -> otel.assertTraces("burst", 100_000)).hasMessageContaining(DROPPED);
    assertThatThrownBy(otel::assertNoSpans).hasMessageContaining(DROPPED);
    // lost spans do not come back: the wait fails at once with the reason, not with a timeout
    assertThatThrownBy(() -> otel.awaitTrace("burst"))
        .hasMessageContaining(DROPPED)
        .hasMessageNotContaining("waited");
    // the metrics, recorded whether or not spans are exported, are still there to assert
    assertThat(otel.metric(SpanDrops.LEGACY_METRIC)).isNotNull();
  }

  @Test
  void aTestThatStaysWithinTheQueueIsNotAffected() {
    otel.tracing().traced("checkout", () -> {});

    otel.assertTrace("checkout").hasNoOtherSpans();
  }
}
