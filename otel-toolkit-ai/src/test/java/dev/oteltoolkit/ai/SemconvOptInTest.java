package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.semconv.ErrorAttributes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code OTEL_SEMCONV_STABILITY_OPT_IN} for the GenAI names: what each setting puts on the span and
 * which token metrics it records, against a plain SDK.
 */
class SemconvOptInTest {

  private static final PriceTable PRICES =
      PriceTable.of(
          ModelPrice.perMillionTokens("claude-test", "3.00", "15.00")
              .cachedInput(new BigDecimal("0.30"))
              .cacheCreationInput(new BigDecimal("3.75")));

  private final TestSdk otel = new TestSdk();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL | DEFAULT",
        "'' | DEFAULT",
        "database | DEFAULT",
        "gen_ai_latest_experimental | LATEST",
        "' database , gen_ai_latest_experimental ' | LATEST",
        "gen_ai_latest_experimental/dup | BOTH",
        // /dup wins wherever it stands, as in OpenTelemetry's instrumentations
        "gen_ai_latest_experimental/dup,gen_ai_latest_experimental | BOTH",
        "gen_ai_latest_experimental,gen_ai_latest_experimental/dup | BOTH",
        // entries are exact: no prefix or case folding
        "gen_ai_latest_experimental_x | DEFAULT",
        "GEN_AI_LATEST_EXPERIMENTAL | DEFAULT",
        "gen_ai | DEFAULT",
      })
  void theOptInListIsReadAsOpenTelemetryReadsIt(String list, GenAiConventions expected) {
    assertThat(GenAiConventions.parse(list)).isEqualTo(expected);
  }

  @Test
  void theSystemPropertyWinsOverTheEnvironmentVariable() {
    Map<String, String> env = Map.of(GenAiConventions.ENV, "gen_ai_latest_experimental/dup");
    assertThat(GenAiConventions.resolve(key -> null, env::get)).isEqualTo(GenAiConventions.BOTH);
    assertThat(
            GenAiConventions.resolve(
                Map.of(GenAiConventions.PROPERTY, "gen_ai_latest_experimental")::get, env::get))
        .isEqualTo(GenAiConventions.LATEST);
    // set but naming no GenAI entry: the property still decides (default names)
    assertThat(GenAiConventions.resolve(Map.of(GenAiConventions.PROPERTY, "http")::get, env::get))
        .isEqualTo(GenAiConventions.DEFAULT);
  }

  @Test
  void defaultEmitsTheNamesOfSemconv144() {
    call(null);

    assertThat(otel.span("chat claude-test"))
        .hasAttributesSatisfyingExactly(
            withUsage(equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 100L)));
    assertThat(metricNames())
        .contains("gen_ai.client.token.usage", "gen_ai.client.operation.duration")
        .noneMatch(name -> name.startsWith("gen_ai.client.inference."));
  }

  @Test
  void latestExperimentalEmitsTheNewestNamesInPlaceOfTheRenamedOnes() {
    call("gen_ai_latest_experimental");

    assertThat(otel.span("chat claude-test"))
        .hasAttributesSatisfyingExactly(
            withUsage(equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, 100L)));
    assertThat(metricNames())
        .doesNotContain("gen_ai.client.token.usage")
        .contains("gen_ai.client.operation.duration", "oteltoolkit.gen_ai.cost");
    assertLatestTokenMetrics();
  }

  @Test
  void dupEmitsBothSetsOfNames() {
    call("gen_ai_latest_experimental/dup");

    assertThat(otel.span("chat claude-test"))
        .hasAttributesSatisfyingExactly(
            withUsage(
                equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 100L),
                equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, 100L)));
    assertThat(metricNames()).contains("gen_ai.client.token.usage");
    assertLatestTokenMetrics();
  }

  @Test
  void latestHistogramsCarryTheErrorTypeOfAFailedCallThatReportedUsage() {
    GenAiTelemetry ai = ai("gen_ai_latest_experimental");
    assertThatThrownBy(
            () ->
                ai.chat("anthropic", "claude-test")
                    .call(
                        span -> {
                          span.usage(30, 0);
                          throw new IllegalStateException("stream cut");
                        }))
        .hasMessage("stream cut");

    assertThat(otel.metric("gen_ai.client.inference.operation.input_tokens"))
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasSum(30)
                            .hasAttributes(
                                base().toBuilder()
                                    .remove(GenAiAttributes.GEN_AI_RESPONSE_MODEL)
                                    .put(
                                        ErrorAttributes.ERROR_TYPE,
                                        "java.lang.IllegalStateException")
                                    .build())));
  }

  @Test
  void aCallWithoutUsageRecordsNoTokenMetricInAnyMode() {
    GenAiTelemetry ai = ai("gen_ai_latest_experimental/dup");
    ai.executeTool("lookup").call(span -> "ok");

    assertThat(metricNames())
        .contains("gen_ai.client.operation.duration")
        .noneMatch(name -> name.contains("token"));
  }

  /** The usage attributes every mode shares, plus the mode's cache-write attribute(s). */
  private static List<AttributeAssertion> withUsage(AttributeAssertion... cacheWrite) {
    List<AttributeAssertion> expected = new ArrayList<>();
    expected.add(equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"));
    expected.add(equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic"));
    expected.add(equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "claude-test"));
    expected.add(equalTo(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "claude-test"));
    expected.add(equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 1000L));
    expected.add(equalTo(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 200L));
    expected.add(equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 400L));
    expected.add(equalTo(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 50L));
    // (500 x 3.00 + 400 x 0.30 cached + 100 x 3.75 written + 200 x 15.00) / 1e6
    expected.add(equalTo(GenAiAttributes.GEN_AI_USAGE_COST, 0.004995));
    expected.addAll(List.of(cacheWrite));
    return expected;
  }

  private void call(String optIn) {
    GenAiTelemetry ai = ai(optIn);
    Tracing.create(otel.sdk)
        .traced(
            "request",
            () ->
                ai.chat("anthropic", "claude-test")
                    .call(
                        span ->
                            span.responseModel("claude-test")
                                .usage(1000, 200)
                                .cacheReadInputTokens(400)
                                .cacheCreationInputTokens(100)
                                .reasoningOutputTokens(50)));
  }

  private GenAiTelemetry ai(String optIn) {
    return GenAiTelemetry.builder(otel.sdk)
        .priceTable(PRICES)
        .configSource(key -> GenAiConventions.PROPERTY.equals(key) ? optIn : null, key -> null)
        .build();
  }

  private void assertLatestTokenMetrics() {
    Attributes usage =
        base().toBuilder().put(GenAiAttributes.GEN_AI_TOKEN_MODALITY, "unknown").build();
    assertCounter("gen_ai.client.inference.usage.input_tokens", 1000, usage);
    assertCounter("gen_ai.client.inference.usage.output_tokens", 200, usage);
    assertCounter("gen_ai.client.inference.usage.cache_read.input_tokens", 400, usage);
    assertCounter("gen_ai.client.inference.usage.cache_write.input_tokens", 100, usage);
    assertCounter("gen_ai.client.inference.usage.reasoning.output_tokens", 50, usage);
    assertHistogram("gen_ai.client.inference.operation.input_tokens", 1000);
    assertHistogram("gen_ai.client.inference.operation.output_tokens", 200);
  }

  private void assertCounter(String name, long value, Attributes attributes) {
    MetricData metric = otel.metric(name);
    assertThat(metric).hasUnit("{token}");
    assertThat(metric.getInstrumentationScopeInfo().getName()).isEqualTo("dev.oteltoolkit.ai");
    assertThat(metric)
        .hasLongSumSatisfying(
            sum ->
                sum.isMonotonic()
                    .hasPointsSatisfying(p -> p.hasValue(value).hasAttributes(attributes)));
  }

  private void assertHistogram(String name, long sum) {
    assertThat(otel.metric(name))
        .hasUnit("{token}")
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasSum(sum)
                            .hasCount(1)
                            .hasBucketBoundaries(
                                1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
                                4194304, 16777216, 67108864)
                            .hasAttributes(base())));
  }

  private static Attributes base() {
    return Attributes.builder()
        .put(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat")
        .put(GenAiAttributes.GEN_AI_PROVIDER_NAME, "anthropic")
        .put(GenAiAttributes.GEN_AI_REQUEST_MODEL, "claude-test")
        .put(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "claude-test")
        .build();
  }

  private List<String> metricNames() {
    return otel.metrics.collectAllMetrics().stream()
        .map(MetricData::getName)
        .collect(Collectors.toList());
  }
}
