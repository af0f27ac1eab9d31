package dev.oteltoolkit.tests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.ModelPrice;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import dev.oteltoolkit.messaging.MessagingTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The application {@link JavaAgentTest} runs in a child JVM under the OpenTelemetry Java agent: a
 * JDK {@code HttpServer} (which the agent instruments) whose handlers use the toolkit's modules
 * over the agent's {@code GlobalOpenTelemetry}. It prints {@code PORT <n>}, serves until a line
 * arrives on its standard input, then returns from main (the agent exports at exit).
 */
final class AgentChildApp {

  static final String MODEL = "gpt-4o-mini";
  static final String QUEUE = "tickets";

  private final Tracing tracing;
  private final GenAiTelemetry ai;
  private final MessagingTelemetry messaging;
  private final DataSource dataSource;
  private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();

  private AgentChildApp(OpenTelemetry openTelemetry, DataSource h2) {
    tracing = Tracing.create(openTelemetry);
    ai =
        GenAiTelemetry.builder(openTelemetry)
            .priceTable(PriceTable.of(ModelPrice.perMillionTokens(MODEL, "0.15", "0.60")))
            .build();
    messaging = MessagingTelemetry.create(openTelemetry);
    dataSource = JdbcTelemetry.create(openTelemetry).wrap(h2);
  }

  public static void main(String[] args) throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:agent;DB_CLOSE_DELAY=-1");
    try (Connection connection = h2.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE tickets (id INT PRIMARY KEY, subject VARCHAR(100))");
      statement.execute("INSERT INTO tickets VALUES (7, 'refund')");
    }
    AgentChildApp app = new AgentChildApp(GlobalOpenTelemetry.get(), h2);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ticket", exchange -> respond(exchange, app::ticket));
    server.createContext("/payment", exchange -> respond(exchange, app::payment));
    server.start();
    System.out.println("PORT " + server.getAddress().getPort());
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    server.stop(0);
  }

  /** A traced step that calls a model, queries the database and sends and handles a message. */
  private String ticket() throws Exception {
    return tracing.traced(
        "handle-ticket",
        () -> {
          String reply =
              ai.chat("openai", MODEL)
                  .call(
                      span -> {
                        span.usage(1_000, 200);
                        return "we will refund you";
                      });
          String subject = subject(7);
          Map<String, Object> headers = new HashMap<>();
          messaging.publish(
              "inmemory", QUEUE, headers, () -> queue.add(new Message(headers, reply)));
          Message message = queue.take();
          messaging.process(
              "inmemory", QUEUE, message.headers(), () -> tracing.traced("store-reply", () -> {}));
          return subject + ": " + message.body();
        });
  }

  /** A step marked forceSample(), in a request the agent's sampler does not sample. */
  private String payment() {
    return tracing
        .span("charge-card")
        .forceSample()
        .call(
            () ->
                ai.chat("openai", MODEL)
                    .call(
                        span -> {
                          span.usage(10, 2);
                          return "charged";
                        }));
  }

  private String subject(int id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT subject FROM tickets WHERE id = ?")) {
      statement.setInt(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : "none";
      }
    }
  }

  private static void respond(HttpExchange exchange, Callable<String> handler) throws IOException {
    int status = 200;
    String body;
    try {
      body = handler.call();
    } catch (Exception e) {
      status = 500;
      body = e.toString();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A message on the in-memory queue: its headers carry the trace context. */
  private record Message(Map<String, Object> headers, String body) {}
}
