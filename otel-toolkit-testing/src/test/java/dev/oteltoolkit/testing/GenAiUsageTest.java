package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The GenAI assertions read the metric and attribute names otel-toolkit-ai records (recorded by
 * hand here, so this module does not depend on the ai module; otel-toolkit-ai's own tests use the
 * kit on real GenAiTelemetry calls).
 */
class GenAiUsageTest {

  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<String> TOKEN_TYPE =
      AttributeKey.stringKey("gen_ai.token.type");

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  @Test
  void tokensCallsAndCostByModel() {
    Meter meter = otel.openTelemetry().getMeter("dev.oteltoolkit.ai");
    LongHistogram tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().build();
    DoubleHistogram duration = meter.histogramBuilder("gen_ai.client.operation.duration").build();
    DoubleCounter cost = meter.counterBuilder("oteltoolkit.gen_ai.cost").ofDoubles().build();
    call(tokens, duration, cost, "gpt-4o", 1000, 100, 0.0035);
    call(tokens, duration, cost, "gpt-4o", 200, 20, 0.0007);
    call(tokens, duration, cost, "gpt-4o-mini", 50, 5, 0.0000105);

    otel.assertGenAi("gpt-4o")
        .hasCalls(2)
        .hasInputTokens(1200)
        .hasOutputTokens(120)
        .hasCostUsd("0.0042");
    otel.assertGenAi()
        .hasCalls(3)
        .hasInputTokens(1250)
        .hasOutputTokens(125)
        .hasCostUsd("0.0042105");
    assertThat(otel.assertGenAi("gpt-4o-mini").costUsd()).isEqualTo(0.0000105);
    assertThatThrownBy(() -> otel.assertGenAi("gpt-4o").hasCostUsd("0.0043"))
        .hasMessageStartingWith(
            "GenAI usage of model gpt-4o: expected a cost of 0.0043 USD but 0.0042")
        .hasMessageContaining(
            "calls recorded in this test by requested model: {gpt-4o=2," + " gpt-4o-mini=1}");
  }

  @Test
  void perRequestTotalsOnTheLocalRoot() {
    otel.tracing()
        .traced(
            "ask",
            () -> {
              Span.current().setAttribute("oteltoolkit.gen_ai.total.input_tokens", 1500L);
              Span.current().setAttribute("oteltoolkit.gen_ai.total.output_tokens", 100L);
              Span.current().setAttribute("oteltoolkit.gen_ai.total.cost", 0.00301);
              otel.tracing().traced("answer", () -> {});
            });
    otel.assertTrace("ask")
        .hasGenAiTotals(1500, 100)
        .hasGenAiTotalCost("0.00301")
        .hasChildTree(
            "answer",
            answer ->
                assertThatThrownBy(() -> answer.hasGenAiTotals(0, 0))
                    .hasMessageStartingWith(
                        "span 'ask' > 'answer': expected per-request GenAI totals of 0 input and 0"
                            + " output tokens (oteltoolkit.gen_ai.total.input_tokens,"
                            + " oteltoolkit.gen_ai.total.output_tokens) but found null and null"
                            + " (totals land on the local root span of the request)"));
    assertThatThrownBy(() -> otel.assertTrace("ask").hasGenAiTotalCost("0.003"))
        .hasMessageStartingWith(
            "span 'ask': expected a per-request GenAI cost (oteltoolkit.gen_ai.total.cost) of"
                + " 0.003 USD but found 0.00301 USD");
    assertThatThrownBy(() -> otel.assertTrace("ask").hasGenAiTotalCost("a lot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a decimal amount of USD: \"a lot\"");
  }

  private static void call(
      LongHistogram tokens,
      DoubleHistogram duration,
      DoubleCounter cost,
      String model,
      long input,
      long output,
      double usd) {
    Attributes base = Attributes.of(MODEL, model);
    tokens.record(input, base.toBuilder().put(TOKEN_TYPE, "input").build());
    tokens.record(output, base.toBuilder().put(TOKEN_TYPE, "output").build());
    duration.record(0.5, base);
    cost.add(usd, base);
  }
}
