package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.trace.SpanKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The module on the toolkit's own Telemetry, asserted with otel-toolkit-testing: the kit's GenAI
 * shortcuts read exactly the metrics and totals this module records (the other tests use a plain
 * SDK built by hand, as users of the Java agent have).
 */
class KitTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final GenAiTelemetry ai =
      GenAiTelemetry.builder(otel.openTelemetry()).priceTable(GenAiSpansTest.PRICES).build();
  private final Tracing tracing = otel.tracing();

  @Test
  void tokensCostAndPerRequestTotalsOfARequest() {
    tracing.traced(
        "handle-question",
        () -> {
          ai.embeddings("openai", "text-embedding-3-small").call(s -> s.usage(500));
          ai.chat("openai", "gpt-4o").call(s -> s.usage(1000, 100).cacheReadInputTokens(400));
        });
    assertThatThrownBy(
            () ->
                tracing.traced(
                    "handle-question",
                    () ->
                        ai.chat("openai", "gpt-4o")
                            .call(
                                s -> {
                                  throw new IllegalStateException("rate limited");
                                })))
        .hasMessage("rate limited");

    // 500 x 0.02 + 600 x 2.50 + 400 x 1.25 + 100 x 10.00 per million = 0.00301
    otel.assertTraces("handle-question", 2)
        .get(0)
        .hasChild("embeddings text-embedding-3-small", span -> span.hasKind(SpanKind.CLIENT))
        .hasChild(
            "chat gpt-4o",
            span ->
                span.hasAttributesSatisfying(
                    equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 1000L)))
        .hasNoOtherSpans()
        .hasGenAiTotals(1500, 100)
        .hasGenAiTotalCost("0.00301");
    otel.assertGenAi().hasCalls(3).hasInputTokens(1500).hasOutputTokens(100).hasCostUsd("0.00301");
    otel.assertGenAi("gpt-4o").hasCalls(2).hasInputTokens(1000).hasCostUsd("0.003");
    otel.assertOperation("handle-question")
        .hasCount(2)
        .hasErrors("java.lang.IllegalStateException", 1);
  }
}
