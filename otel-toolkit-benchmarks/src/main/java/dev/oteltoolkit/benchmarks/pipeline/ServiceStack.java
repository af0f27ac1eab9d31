package dev.oteltoolkit.benchmarks.pipeline;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * What one configuration of the stack comparison adds to {@link StackService}'s handler. The
 * defaults add nothing: the {@code off} configuration, and the agent's, whose instrumentation is
 * woven into the same plain code from outside.
 */
interface ServiceStack {

  /** The data source the handler uses. */
  default DataSource database(DataSource raw) {
    return raw;
  }

  /** The OpenAI client the handler uses. */
  default OpenAIClient openAi(OpenAIClient raw) {
    return raw;
  }

  /** Instruments the {@code /order} route of the server. */
  default void instrument(HttpContext orders) {}

  /** Runs the request's query. */
  default ResultSet executeQuery(PreparedStatement statement) throws SQLException {
    return statement.executeQuery();
  }

  /** Runs the request's chat completion. */
  default ChatCompletion chat(OpenAIClient client, ChatCompletionCreateParams params) {
    return client.chat().completions().create(params);
  }

  /**
   * Flushes and shuts the telemetry down.
   *
   * @return whether everything was exported in time, or null when the stack has nothing of its own
   *     to flush (off; the agent flushes in its shutdown hook)
   */
  default Boolean shutdown(Duration timeout) {
    return null;
  }
}
