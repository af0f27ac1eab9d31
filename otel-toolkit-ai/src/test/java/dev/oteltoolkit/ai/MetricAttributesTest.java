package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The metric attribute sets are cached per combination: reuse must never mix combinations. */
class MetricAttributesTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  @Test
  void eachCombinationOfModelsAndServerKeepsItsOwnPoints() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.openTelemetry()).priceTable(GenAiSpansTest.PRICES).build();
    for (int i = 0; i < 2; i++) {
      ai.chat("openai", "gpt-4o").call(s -> s.responseModel("gpt-4o-2024-08-06").usage(10, 1));
      ai.chat("openai", "gpt-4o").call(s -> s.responseModel("gpt-4o-2024-11-20").usage(20, 2));
      ai.chat("openai", "gpt-4o").call(s -> s.usage(30, 3));
      ai.chat("openai", "gpt-4o").serverPort(443).call(s -> s.usage(40, 4));
      ai.chat("azure.ai.openai", "gpt-4o").call(s -> s.usage(50, 5));
    }

    Map<Attributes, Double> inputSums =
        otel.metric("gen_ai.client.token.usage").getHistogramData().getPoints().stream()
            .filter(p -> "input".equals(p.getAttributes().get(GenAiAttributes.GEN_AI_TOKEN_TYPE)))
            .collect(Collectors.toMap(PointData::getAttributes, HistogramPointData::getSum));
    Attributes gpt4o =
        Attributes.builder()
            .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
            .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
            .put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "input")
            .build();
    assertThat(inputSums)
        .containsOnly(
            Map.entry(
                gpt4o.toBuilder()
                    .put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06")
                    .build(),
                20.0),
            Map.entry(
                gpt4o.toBuilder()
                    .put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-11-20")
                    .build(),
                40.0),
            Map.entry(gpt4o, 60.0),
            Map.entry(gpt4o.toBuilder().put(ServerAttributes.SERVER_PORT, 443L).build(), 80.0),
            Map.entry(
                gpt4o.toBuilder()
                    .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "azure.ai.openai")
                    .build(),
                100.0));
    assertThat(ai.metrics.cachedAttributeSets()).isEqualTo(5);
  }

  @Test
  void setsAreBuiltOncePerCombinationFromEqualStrings() {
    MetricAttributes.Cache cache = new MetricAttributes.Cache();
    MetricAttributes first = cache.get("chat", "openai", "gpt-4o", "gpt-4o-2024-08-06", null, -1);
    // equal strings from elsewhere (a parsed response) find the same sets
    MetricAttributes again =
        cache.get(
            new String("chat"),
            new String("openai"),
            "gpt-4o",
            new String("gpt-4o-2024-08-06"),
            null,
            -1);
    assertThat(again).isSameAs(first);
    assertThat(cache.get("chat", "openai", "gpt-4o", null, null, -1)).isNotSameAs(first);
    assertThat(cache.get("chat", "openai", "gpt-4o", "gpt-4o-2024-08-06", "api.openai.com", -1))
        .isNotSameAs(first);
    assertThat(cache.get("chat", "openai", "gpt-4o", "gpt-4o-2024-08-06", null, 443))
        .isNotSameAs(first);
    assertThat(cache.get("embeddings", "openai", "gpt-4o", "gpt-4o-2024-08-06", null, -1))
        .isNotSameAs(first);

    Attributes base =
        Attributes.builder()
            .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
            .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
            .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o")
            .put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06")
            .build();
    assertThat(first.base).isEqualTo(base);
    assertThat(first.input)
        .isEqualTo(base.toBuilder().put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "input").build());
    assertThat(first.output)
        .isEqualTo(base.toBuilder().put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "output").build());
    assertThat(first.cost)
        .isEqualTo(
            Attributes.of(
                GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai",
                GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o",
                GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-2024-08-06"));
  }

  @Test
  void theCacheIsBoundedAndSetsBeyondItAreStillRight() {
    MetricAttributes.Cache cache = new MetricAttributes.Cache();
    int combinations = MetricAttributes.Cache.MAX_CACHED + 10;
    for (int i = 0; i < combinations; i++) {
      MetricAttributes set = cache.get("chat", "openai", "model-" + i, null, null, -1);
      assertThat(set.base.get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("model-" + i);
    }
    assertThat(cache.cachedCount()).isEqualTo(MetricAttributes.Cache.MAX_CACHED);
    MetricAttributes beyond =
        cache.get("chat", "openai", "model-" + (combinations - 1), null, null, -1);
    assertThat(beyond.input)
        .isEqualTo(
            Attributes.builder()
                .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
                .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai")
                .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "model-" + (combinations - 1))
                .put(GenAiAttributes.GEN_AI_TOKEN_TYPE, "input")
                .build());
    assertThat(cache.cachedCount()).isEqualTo(MetricAttributes.Cache.MAX_CACHED);
  }
}
