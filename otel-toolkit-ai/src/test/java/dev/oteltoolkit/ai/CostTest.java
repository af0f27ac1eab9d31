package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CostTest {

  private final TestSdk otel = new TestSdk();
  private final Logger logger = Logger.getLogger(GenAiTelemetry.class.getName());
  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureWarnings() {
    logger.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    logger.removeHandler(capture);
    otel.close();
  }

  @Test
  void costIsPricedByTheResponseModelAndRecordedOnTheSpan() {
    PriceTable prices =
        PriceTable.of(
            ModelPrice.perMillionTokens("gpt-4o", "2.50", "10.00"),
            ModelPrice.perMillionTokens("gpt-4o-2024-05-13", "5.00", "15.00"));
    GenAiTelemetry ai = GenAiTelemetry.builder(otel.sdk).priceTable(prices).build();

    GenAiSpan[] span = new GenAiSpan[1];
    ai.chat("openai", "gpt-4o")
        .call(s -> span[0] = s.responseModel("gpt-4o-2024-05-13").usage(1000, 1000));

    // the snapshot that answered has its own price: 1000 x 5.00 + 1000 x 15.00 per million
    assertThat(span[0].cost()).isEqualByComparingTo("0.02");
    assertThat(otel.span("chat gpt-4o").getAttributes().get(GenAiAttributes.GEN_AI_USAGE_COST))
        .isEqualTo(0.02);
    assertThat(warnings).isEmpty();
  }

  @Test
  void theShippedTableIsTheDefault() {
    GenAiTelemetry ai = GenAiTelemetry.create(otel.sdk);
    GenAiSpan[] span = new GenAiSpan[1];
    ai.chat("openai", "gpt-4o-mini").call(s -> span[0] = s.usage(1_000_000, 1_000_000));
    ModelPrice shipped = PriceTable.defaults().find("gpt-4o-mini");
    assertThat(span[0].cost()).isEqualByComparingTo(shipped.input().add(shipped.output()));
  }

  @Test
  void anUnknownModelGetsNoCostAndOneWarningPerModel() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .priceTable(PriceTable.of(ModelPrice.perMillionTokens("known", "1", "1")))
            .build();
    for (int i = 0; i < 3; i++) {
      ai.chat("acme", "mystery-model").call(s -> s.usage(10, 10));
    }
    ai.chat("acme", "other-mystery").call(s -> s.usage(10, 10));
    // no usage: nothing to price, nothing to warn about
    ai.chat("acme", "silent-model").call(s -> null);

    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0).getMessage()).contains("\"mystery-model\"").contains("once");
    assertThat(warnings.get(1).getMessage()).contains("\"other-mystery\"");
    for (SpanData span : otel.finished()) {
      assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_COST)).isNull();
    }
    SpanData last = otel.finished().get(0);
    assertThat(last)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "acme"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "mystery-model"),
            equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 10L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 10L),
            // the call is its own request (no parent): tokens are totalled, cost is not guessed
            equalTo(GenAiAttributes.TOTAL_INPUT_TOKENS, 10L),
            equalTo(GenAiAttributes.TOTAL_OUTPUT_TOKENS, 10L));
    assertThat(otel.metrics.collectAllMetrics())
        .noneSatisfy(m -> assertThat(m.getName()).isEqualTo("oteltoolkit.gen_ai.cost"));
  }

  @Test
  void zeroPricedUsageCostsZero() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .priceTable(PriceTable.of(ModelPrice.perMillionTokens("free", "0", "0")))
            .build();
    GenAiSpan[] span = new GenAiSpan[1];
    ai.chat("local", "free").call(s -> span[0] = s.usage(100, 100));
    assertThat(span[0].cost()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(otel.span("chat free").getAttributes().get(GenAiAttributes.GEN_AI_USAGE_COST))
        .isEqualTo(0.0);
  }
}
