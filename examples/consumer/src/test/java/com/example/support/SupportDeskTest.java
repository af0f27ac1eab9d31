package com.example.support;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import java.sql.Connection;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The user's test of their own service, with otel-toolkit-testing. */
class SupportDeskTest {

  @RegisterExtension
  static final TelemetryExtension otel =
      TelemetryExtension.create(telemetry -> telemetry.serviceName("support-desk"));

  private static final JdbcDataSource h2 = new JdbcDataSource();

  /** A fake LLM: fixed tokens per call, fails on request. */
  private final LlmClient llm = (model, prompt) -> {
    if (prompt.contains("refund")) {
      throw new LlmClient.LlmException("rate limited");
    }
    return new LlmClient.Reply(model + "-2024-07-18", "Reset it from the login page.", 1_000, 50);
  };

  private final SupportDesk desk = new SupportDesk(otel.openTelemetry(), h2, llm);

  @BeforeAll
  static void database() throws Exception {
    h2.setURL("jdbc:h2:mem:support;DB_CLOSE_DELAY=-1");
    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS faq (topic VARCHAR(40) PRIMARY KEY, answer VARCHAR(200))");
      statement.execute("MERGE INTO faq VALUES ('password', 'Use the reset link.')");
    }
  }

  @Test
  void anAnswerIsOneTraceWithTheQueryAndTheModelCall() throws Exception {
    assertThat(desk.answer("password", "How do I reset my password?"))
        .isEqualTo("Reset it from the login page.");

    otel.assertTrace("answer question")
        .hasChild("SELECT faq", query -> query
            .hasKind(SpanKind.CLIENT)
            .hasAttributesSatisfying(
                equalTo(AttributeKey.stringKey("db.system.name"), "h2database"),
                equalTo(AttributeKey.stringKey("db.query.text"),
                    "SELECT answer FROM faq WHERE topic = ?")))
        .hasChild("chat gpt-4o-mini", chat -> chat
            .hasKind(SpanKind.CLIENT)
            .hasAttributesSatisfying(
                equalTo(AttributeKey.longKey("gen_ai.usage.input_tokens"), 1_000L),
                equalTo(AttributeKey.longKey("gen_ai.usage.output_tokens"), 50L)))
        .hasNoOtherSpans()
        // 1000 x 0.15 + 50 x 0.60 per million tokens, the shipped price of gpt-4o-mini
        .hasGenAiTotals(1_000, 50)
        .hasGenAiTotalCost("0.00018");
    otel.assertOperation("answer question").hasCount(1).hasNoErrors();
    otel.assertGenAi("gpt-4o-mini").hasCalls(1).hasInputTokens(1_000).hasOutputTokens(50)
        .hasCostUsd("0.00018");
  }

  @Test
  void aFailedModelCallFailsTheRequestAndIsCounted() {
    assertThatThrownBy(() -> desk.answer("refund", "Can I get a refund?"))
        .isInstanceOf(LlmClient.LlmException.class);

    otel.assertTrace("answer question")
        .hasChild("SELECT faq")
        .hasChild("chat gpt-4o-mini", chat -> chat.hasAttributesSatisfying(equalTo(
            AttributeKey.stringKey("error.type"), LlmClient.LlmException.class.getName())))
        .hasNoOtherSpans();
    otel.assertOperation("answer question")
        .hasCount(1)
        .hasErrors(LlmClient.LlmException.class.getName(), 1);
  }
}
