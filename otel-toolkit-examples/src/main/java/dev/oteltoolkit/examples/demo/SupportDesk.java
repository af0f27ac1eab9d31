package dev.oteltoolkit.examples.demo;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.ai.openai.OpenAiTelemetry;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.examples.scaffold.FakeChatServer;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import dev.oteltoolkit.messaging.MessagingTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A small LLM-backed support desk, the system the demo runs in one JVM:
 *
 * <pre>
 * customer ──HTTP──▶ gateway (POST /ask) ──▶ support-agent ──OpenAI SDK──▶ LLM (fake, OpenAI's API)
 *                        │                        └──▶ tools ──JDBC──▶ H2 (orders, refunds)
 *                        └──queue──▶ transcript worker ──JDBC──▶ H2 (transcripts)
 * </pre>
 *
 * <p>Every part is wired to the same {@link OpenTelemetry} once, where it is built: the HTTP server
 * and client through the official OpenTelemetry instrumentations, the official OpenAI SDK client
 * through otel-toolkit-ai-openai (one {@code wrap}), the agent and its tools through
 * otel-toolkit-ai, the database through otel-toolkit-jdbc, the queue through
 * otel-toolkit-messaging. The business code itself only names its steps.
 */
public final class SupportDesk implements AutoCloseable {

  private final FakeChatServer llm;
  private final OpenAIClient openAi;
  private final SupportDatabase database;
  private final TranscriptQueue transcripts;
  private final Gateway gateway;

  private SupportDesk(
      FakeChatServer llm,
      OpenAIClient openAi,
      SupportDatabase database,
      TranscriptQueue transcripts,
      Gateway gateway) {
    this.llm = llm;
    this.openAi = openAi;
    this.database = database;
    this.transcripts = transcripts;
    this.gateway = gateway;
  }

  /**
   * Starts the support desk: the fake LLM, the database, the transcript worker and the gateway,
   * each on a loopback port or thread of its own.
   *
   * @param telemetry the telemetry every part records with
   * @return the running support desk; close it to stop everything
   * @throws Exception if a part cannot start
   */
  public static SupportDesk start(Telemetry telemetry) throws Exception {
    OpenTelemetry openTelemetry = telemetry.openTelemetry();
    FakeChatServer llm = FakeOpenAi.start();
    OpenAIClient openAi = null;
    SupportDatabase database = null;
    TranscriptQueue transcripts = null;
    try {
      database = SupportDatabase.create(JdbcTelemetry.create(openTelemetry));
      GenAiTelemetry ai =
          GenAiTelemetry.builder(openTelemetry).priceTable(PriceTable.defaults()).build();
      // the official OpenAI SDK, wrapped once: every call a chat span with its tokens and cost
      openAi =
          OpenAiTelemetry.create(ai)
              .wrap(
                  OpenAIOkHttpClient.builder()
                      .baseUrl(llm.baseUrl())
                      .apiKey("sk-demo-not-a-real-key")
                      .timeout(Duration.ofSeconds(30))
                      .build());
      SupportAgent agent = new SupportAgent(ai, openAi, new OrderTools(database.dataSource()));
      transcripts =
          TranscriptQueue.start(MessagingTelemetry.create(openTelemetry), database.dataSource());
      Gateway gateway = Gateway.start(openTelemetry, telemetry.tracing(), agent, transcripts);
      return new SupportDesk(llm, openAi, database, transcripts, gateway);
    } catch (Exception e) {
      if (transcripts != null) {
        transcripts.close();
      }
      if (database != null) {
        database.close();
      }
      if (openAi != null) {
        openAi.close();
      }
      llm.close();
      throw e;
    }
  }

  /**
   * Returns the URL of the gateway's {@code POST /ask}.
   *
   * @return the URL questions are posted to
   */
  public URI askUri() {
    return gateway.askUri();
  }

  /**
   * Returns the URL of the fake LLM's chat completions endpoint.
   *
   * @return the URL the agent calls
   */
  public URI llmUri() {
    return llm.chatCompletions();
  }

  /**
   * Waits until the transcript worker has handled every message published so far, so that the spans
   * of the requests answered so far have all ended.
   *
   * @param timeout how long to wait at most
   * @throws InterruptedException if interrupted while waiting
   * @throws TimeoutException if the worker is not done in time
   */
  public void awaitTranscripts(Duration timeout) throws InterruptedException, TimeoutException {
    transcripts.awaitDrained(timeout);
  }

  /**
   * Stops the gateway, the worker, the OpenAI client, the database and the fake LLM.
   *
   * @throws Exception if the database cannot be shut down
   */
  @Override
  public void close() throws Exception {
    try {
      gateway.close();
      transcripts.close();
      openAi.close();
      llm.close();
    } finally {
      database.close();
    }
  }
}
