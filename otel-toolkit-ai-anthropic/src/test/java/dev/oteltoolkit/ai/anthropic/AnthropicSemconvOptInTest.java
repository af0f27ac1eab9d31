package dev.oteltoolkit.ai.anthropic;

import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.json;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.message;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.usage;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code otel.semconv-stability.opt-in=gen_ai_latest_experimental}, set as a user sets it (a system
 * property read when the {@code GenAiTelemetry} is built): Anthropic's cache writes are recorded
 * under the renamed {@code gen_ai.usage.cache_write.input_tokens}, with the newest token counters.
 */
class AnthropicSemconvOptInTest {

  private static final String OPT_IN = "otel.semconv-stability.opt-in";
  private static final AttributeKey<Long> CACHE_WRITE =
      longKey("gen_ai.usage.cache_write.input_tokens");

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final FakeAnthropic server;
  private final AnthropicClient raw;

  AnthropicSemconvOptInTest() throws Exception {
    server = new FakeAnthropic();
    raw =
        AnthropicOkHttpClient.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test-key")
            .maxRetries(0)
            .build();
  }

  @AfterEach
  void tearDown() {
    System.clearProperty(OPT_IN);
    server.close();
    raw.close();
  }

  @Test
  void cacheWritesUseTheNewNameWhenTheLatestConventionsAreOptedInto() {
    System.setProperty(OPT_IN, "gen_ai_latest_experimental");
    AnthropicClient client =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry())).wrap(raw);
    server.reply(
        json(
            200,
            message(
                "msg_01",
                "claude-sonnet-4-5-20250929",
                "Traces.",
                "end_turn",
                usage(1000, 300, 2000, 500))));

    otel.tracing()
        .traced(
            "handle-question",
            () -> client.messages().create(AnthropicMessagesTest.question().build()));

    otel.assertTrace("handle-question")
        .hasChild(
            "chat claude-sonnet-4-5",
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, "chat"),
                    equalTo(GEN_AI_PROVIDER_NAME, "anthropic"),
                    equalTo(GEN_AI_REQUEST_MODEL, "claude-sonnet-4-5"),
                    equalTo(GEN_AI_REQUEST_MAX_TOKENS, 1024L),
                    equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
                    equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
                    equalTo(GEN_AI_RESPONSE_ID, "msg_01"),
                    equalTo(GEN_AI_RESPONSE_MODEL, "claude-sonnet-4-5-20250929"),
                    equalTo(GEN_AI_RESPONSE_FINISH_REASONS, List.of("end_turn")),
                    equalTo(GEN_AI_USAGE_INPUT_TOKENS, 3500L),
                    equalTo(GEN_AI_USAGE_OUTPUT_TOKENS, 300L),
                    equalTo(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 2000L),
                    equalTo(CACHE_WRITE, 500L),
                    equalTo(Keys.COST, 0.009975)));
    assertThat(otel.metric("gen_ai.client.inference.usage.cache_write.input_tokens"))
        .hasLongSumSatisfying(sum -> sum.hasPointsSatisfying(point -> point.hasValue(500)));
  }
}
