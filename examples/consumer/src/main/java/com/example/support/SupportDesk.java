package com.example.support;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A small support service: looks the topic up in its FAQ table, then asks an LLM to phrase the
 * answer. Everything it does is traced: the request, the SQL query, the model call with its
 * tokens and cost.
 */
public final class SupportDesk {

  static final String MODEL = "gpt-4o-mini";

  private final Tracing tracing;
  private final GenAiTelemetry genAi;
  private final DataSource database;
  private final LlmClient llm;

  public SupportDesk(OpenTelemetry openTelemetry, DataSource database, LlmClient llm) {
    this.tracing = Tracing.create(openTelemetry);
    this.genAi = GenAiTelemetry.create(openTelemetry);
    this.database = JdbcTelemetry.create(openTelemetry).wrap(database);
    this.llm = llm;
  }

  /** Answers a question about {@code topic}. */
  public String answer(String topic, String question) throws SQLException {
    return tracing.traced("answer question", () -> {
      String faq = lookUp(topic);
      String prompt = "Using this FAQ entry: " + faq + "\nAnswer: " + question;
      return genAi.chat("openai", MODEL).temperature(0.2).call(span -> {
        LlmClient.Reply reply = llm.complete(MODEL, prompt);
        span.responseModel(reply.model()).usage(reply.inputTokens(), reply.outputTokens());
        return reply.text();
      });
    });
  }

  private String lookUp(String topic) throws SQLException {
    try (Connection connection = database.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT answer FROM faq WHERE topic = ?")) {
      statement.setString(1, topic);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : "(no entry)";
      }
    }
  }
}
