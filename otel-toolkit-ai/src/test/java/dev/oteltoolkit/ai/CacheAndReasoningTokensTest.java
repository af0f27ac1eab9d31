package dev.oteltoolkit.ai;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cache-creation (cache write) and reasoning tokens, end to end: the span attributes of each call,
 * the cost through their own prices, and the request's totals. Every expected value is a literal
 * worked out by hand from the prices below, not recomputed with the price table.
 */
class CacheAndReasoningTokensTest {

  // the semantic-convention names as a backend sees them, spelled out
  private static final AttributeKey<String> OPERATION = stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> PROVIDER = stringKey("gen_ai.provider.name");
  private static final AttributeKey<String> REQUEST_MODEL = stringKey("gen_ai.request.model");
  private static final AttributeKey<Long> INPUT = longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT = longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<Long> CACHE_READ =
      longKey("gen_ai.usage.cache_read.input_tokens");
  private static final AttributeKey<Long> CACHE_CREATION =
      longKey("gen_ai.usage.cache_creation.input_tokens");
  private static final AttributeKey<Long> REASONING =
      longKey("gen_ai.usage.reasoning.output_tokens");
  private static final AttributeKey<Double> COST = doubleKey("gen_ai.usage.cost");
  private static final AttributeKey<Long> TOTAL_INPUT =
      longKey("oteltoolkit.gen_ai.total.input_tokens");
  private static final AttributeKey<Long> TOTAL_OUTPUT =
      longKey("oteltoolkit.gen_ai.total.output_tokens");
  private static final AttributeKey<Double> TOTAL_COST = doubleKey("oteltoolkit.gen_ai.total.cost");

  /**
   * Prices per million tokens, each kind of token at a rate of its own so that a token priced at
   * the wrong rate changes the result: a prompt-caching model (input 3.00, output 15.00, cache read
   * 0.30, cache write 3.75) and a reasoning model (input 2.00, output 8.00, reasoning 12.00).
   */
  private static final PriceTable PRICES =
      PriceTable.of(
          ModelPrice.perMillionTokens("claude-sonnet-4", "3.00", "15.00")
              .cachedInput(new BigDecimal("0.30"))
              .cacheCreationInput(new BigDecimal("3.75")),
          ModelPrice.perMillionTokens("o3", "2.00", "8.00")
              .reasoningOutput(new BigDecimal("12.00")));

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final GenAiTelemetry ai =
      GenAiTelemetry.builder(otel.openTelemetry()).priceTable(PRICES).build();
  private final Tracing tracing = otel.tracing();

  @Test
  void cacheWritesAndReasoningAreRecordedPricedAtTheirRatesAndTotalledPerRequest() {
    GenAiSpan[] calls = new GenAiSpan[2];
    tracing.traced(
        "handle-ticket",
        () -> {
          // 10,000 input tokens: 6,000 read from the prompt cache, 2,000 written to it
          ai.chat("anthropic", "claude-sonnet-4")
              .call(
                  s ->
                      calls[0] =
                          s.usage(10_000, 500)
                              .cacheReadInputTokens(6_000)
                              .cacheCreationInputTokens(2_000));
          // 3,000 output tokens, 2,500 of them reasoning
          ai.chat("openai", "o3")
              .call(s -> calls[1] = s.usage(1_000, 3_000).reasoningOutputTokens(2_500));
        });

    // 2,000 x 3.00 + 6,000 x 0.30 + 2,000 x 3.75 + 500 x 15.00 = 22,800 per million
    assertThat(calls[0].cost()).isEqualByComparingTo("0.0228");
    // 1,000 x 2.00 + 500 x 8.00 + 2,500 x 12.00 = 36,000 per million
    assertThat(calls[1].cost()).isEqualByComparingTo("0.036");

    otel.assertTrace("handle-ticket")
        // input includes the cache reads and writes, output the reasoning: each counted once
        .hasRoot(
            root ->
                root.hasAttributesSatisfyingExactly(
                    equalTo(TOTAL_INPUT, 11_000L),
                    equalTo(TOTAL_OUTPUT, 3_500L),
                    equalTo(TOTAL_COST, 0.0588)))
        .hasChild(
            "chat claude-sonnet-4",
            chat ->
                chat.hasAttributesSatisfyingExactly(
                    equalTo(OPERATION, "chat"),
                    equalTo(PROVIDER, "anthropic"),
                    equalTo(REQUEST_MODEL, "claude-sonnet-4"),
                    equalTo(INPUT, 10_000L),
                    equalTo(OUTPUT, 500L),
                    equalTo(CACHE_READ, 6_000L),
                    equalTo(CACHE_CREATION, 2_000L),
                    equalTo(COST, 0.0228)))
        .hasChild(
            "chat o3",
            chat ->
                chat.hasAttributesSatisfyingExactly(
                    equalTo(OPERATION, "chat"),
                    equalTo(PROVIDER, "openai"),
                    equalTo(REQUEST_MODEL, "o3"),
                    equalTo(INPUT, 1_000L),
                    equalTo(OUTPUT, 3_000L),
                    equalTo(REASONING, 2_500L),
                    equalTo(COST, 0.036)))
        .hasNoOtherSpans();
  }

  @Test
  void theCostMetricCountsCacheWritesAndReasoningAtTheirRates() {
    ai.chat("anthropic", "claude-sonnet-4")
        .call(s -> s.usage(4_000, 0).cacheCreationInputTokens(4_000));
    ai.chat("openai", "o3").call(s -> s.usage(0, 1_000).reasoningOutputTokens(1_000));

    // 4,000 x 3.75 = 15,000 per million; at the input price it would be 12,000
    assertThat(otel.assertGenAi("claude-sonnet-4").costUsd()).isEqualTo(0.015);
    // 1,000 x 12.00 = 12,000 per million; at the output price it would be 8,000
    assertThat(otel.assertGenAi("o3").costUsd()).isEqualTo(0.012);
  }

  @Test
  void withoutTheirOwnPricesCacheWritesAndReasoningCostThePlainRates() {
    GenAiTelemetry plain =
        GenAiTelemetry.builder(otel.openTelemetry())
            .priceTable(PriceTable.of(ModelPrice.perMillionTokens("plain", "1.00", "4.00")))
            .build();
    GenAiSpan[] call = new GenAiSpan[1];
    plain
        .chat("local", "plain")
        .call(
            s ->
                call[0] =
                    s.usage(1_000, 1_000).cacheCreationInputTokens(600).reasoningOutputTokens(700));
    // 1,000 x 1.00 + 1,000 x 4.00 = 5,000 per million
    assertThat(call[0].cost()).isEqualByComparingTo("0.005");
  }
}
