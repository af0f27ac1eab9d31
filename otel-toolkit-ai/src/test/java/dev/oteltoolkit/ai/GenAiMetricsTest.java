package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GenAiMetricsTest {

  private TestSdk otel = new TestSdk();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private GenAiTelemetry ai() {
    return GenAiTelemetry.builder(otel.sdk).priceTable(GenAiSpansTest.PRICES).build();
  }

  @Test
  void tokenUsageIsOneHistogramWithTheTokenTypeAndSemconvBuckets() {
    ai().chat("openai", "gpt-4o")
        .serverAddress("api.openai.com")
        .serverPort(443)
        .call(s -> s.responseModel("gpt-4o-2024-08-06").usage(1200, 48));

    Attributes base =
        Attributes.builder()
            .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
            .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
            .put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06")
            .put(ServerAttributes.SERVER_ADDRESS, "api.openai.com")
            .put(ServerAttributes.SERVER_PORT, 443L)
            .build();
    MetricData usage = otel.metric("gen_ai.client.token.usage");
    assertThat(usage).hasUnit("{token}");
    assertThat(usage.getInstrumentationScopeInfo().getName()).isEqualTo("dev.oteltoolkit.ai");
    assertThat(usage)
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasSum(1200)
                            .hasCount(1)
                            .hasBucketBoundaries(
                                1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
                                4194304, 16777216, 67108864)
                            .hasAttributes(
                                base.toBuilder()
                                    .put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "input")
                                    .build()),
                    point ->
                        point
                            .hasSum(48)
                            .hasCount(1)
                            .hasAttributes(
                                base.toBuilder()
                                    .put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "output")
                                    .build())));
  }

  @Test
  void operationDurationHasSemconvBucketsAndErrorTypeOnFailure() {
    GenAiTelemetry ai = ai();
    ai.chat("openai", "gpt-4o").call(s -> null);
    assertThatThrownBy(
            () ->
                ai.chat("openai", "gpt-4o")
                    .call(
                        s -> {
                          throw new IllegalStateException("boom");
                        }))
        .hasMessage("boom");

    MetricData duration = otel.metric("gen_ai.client.operation.duration");
    assertThat(duration).hasUnit("s");
    Attributes ok =
        Attributes.builder()
            .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
            .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
            .build();
    assertThat(duration)
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasCount(1)
                            .hasBucketBoundaries(
                                0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
                                20.48, 40.96, 81.92)
                            .hasAttributes(ok),
                    point ->
                        point
                            .hasCount(1)
                            .hasAttributes(
                                ok.toBuilder()
                                    .put(
                                        ErrorAttributes.ERROR_TYPE,
                                        "java.lang.IllegalStateException")
                                    .build())));
  }

  @Test
  void costCounterIsInUsdByProviderAndModel() {
    GenAiTelemetry ai = ai();
    ai.chat("openai", "gpt-4o").call(s -> s.usage(1_000_000, 0));
    ai.chat("openai", "gpt-4o").call(s -> s.usage(0, 100_000));

    MetricData cost = otel.metric("oteltoolkit.gen_ai.cost");
    assertThat(cost).hasUnit("USD");
    assertThat(cost)
        .hasDoubleSumSatisfying(
            sum ->
                sum.isMonotonic()
                    .hasPointsSatisfying(
                        point ->
                            point
                                .hasValue(3.5) // 2.50 + 1.00
                                .hasAttributesSatisfyingExactly(
                                    equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                                    equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o"))));
  }

  @Test
  void metricsAndCostAreRecordedForUnsampledSpans() {
    otel.close();
    otel = new TestSdk(Sampler.alwaysOff());
    GenAiTelemetry ai = ai();
    for (int i = 0; i < 3; i++) {
      ai.chat("openai", "gpt-4o").call(s -> s.usage(100, 10));
    }

    assertThat(otel.finished()).isEmpty();
    assertThat(otel.metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(3)));
    List<Long> tokenSums =
        otel.metric("gen_ai.client.token.usage").getHistogramData().getPoints().stream()
            .map(p -> (long) p.getSum())
            .sorted()
            .collect(Collectors.toList());
    assertThat(tokenSums).containsExactly(30L, 300L);
    // the counter sums doubles; the exact sum is on the request's root (see RequestTotalsTest)
    double cost =
        otel.metric("oteltoolkit.gen_ai.cost")
            .getDoubleSumData()
            .getPoints()
            .iterator()
            .next()
            .getValue();
    assertThat(cost).isCloseTo(0.00105, org.assertj.core.data.Offset.offset(1e-15));
  }

  @Test
  void toolAndAgentDurationsCarryNoProviderWhenThereIsNone() {
    GenAiTelemetry ai = ai();
    ai.executeTool("search").call(s -> null);
    List<HistogramPointData> points =
        List.copyOf(otel.metric("gen_ai.client.operation.duration").getHistogramData().getPoints());
    assertThat(points).hasSize(1);
    assertThat(points.get(0).getAttributes())
        .isEqualTo(Attributes.of(GenAiAttributes.GEN_AI_OPERATION_NAME, "execute_tool"));
    // no usage, no token histogram, no cost
    assertThat(otel.metrics.collectAllMetrics().stream().map(MetricData::getName))
        .doesNotContain("gen_ai.client.token.usage", "oteltoolkit.gen_ai.cost");
  }
}
