package dev.oteltoolkit.benchmarks.pipeline;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request handler of the request-overhead service, written the way a user writes it with the
 * toolkit: a SERVER span per request around 3 traced steps; the second runs one SQL query on H2
 * through {@code JdbcTelemetry}, the third one (fake) LLM chat call with token usage and cost
 * through {@code GenAiTelemetry}; 5 log lines through SLF4J, inside spans, so the MDC bridge puts
 * the ids into each. With telemetry off the very same code runs against the no-op instances ({@code
 * Telemetry.setup().enabled(false)}, what {@code OTEL_ENABLED=false} gives).
 *
 * <p>The fake model answers at once: a real call takes hundreds of milliseconds, which would dilute
 * the overhead ratio to nothing; without it the ratio is telemetry against the floor of an HTTP
 * request, a query and 5 log lines.
 */
final class RequestOverheadApp implements AutoCloseable {

  static final String PROVIDER = "openai";
  static final String MODEL = "gpt-4o";
  static final String RESPONSE_MODEL = "gpt-4o-2024-08-06";

  /** Orders in the table: the load generator asks for ids 1..ORDERS in turn. */
  static final int ORDERS = 100;

  /** Spans per sampled request: server, 3 steps, the query, the chat call. */
  static final int SPANS_PER_REQUEST = 6;

  static final int LOG_LINES_PER_REQUEST = 5;

  private static final String SELECT_ORDER =
      "SELECT status, total FROM orders WHERE id = ? AND region = 'eu-west'";
  private static final Logger log = LoggerFactory.getLogger(RequestOverheadApp.class);

  private final Tracing tracing;
  private final GenAiTelemetry ai;
  private final DataSource database;
  private final Object lock = new Object();
  private final List<Connection> connections = new ArrayList<>(); // guarded by lock

  /** One connection per server thread, as a pool would lend (no pool library here). */
  private final ThreadLocal<Connection> connection = new ThreadLocal<>();

  RequestOverheadApp(Telemetry telemetry, DataSource database) {
    this.tracing = telemetry.tracing();
    this.ai = GenAiTelemetry.create(telemetry.openTelemetry());
    this.database = JdbcTelemetry.create(telemetry.openTelemetry()).wrap(database);
  }

  /** An in-memory H2 database with the orders table, not instrumented. */
  static DataSource createDatabase() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:request-overhead;DB_CLOSE_DELAY=-1");
    try (Connection c = h2.getConnection();
        Statement statement = c.createStatement()) {
      statement.execute(
          "CREATE TABLE orders (id BIGINT PRIMARY KEY, region VARCHAR(20),"
              + " status VARCHAR(20), total DECIMAL(10, 2))");
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO orders VALUES (?, 'eu-west', ?, ?)")) {
        for (int id = 1; id <= ORDERS; id++) {
          insert.setLong(1, id);
          insert.setString(2, id % 3 == 0 ? "shipped" : "delivered");
          insert.setBigDecimal(3, java.math.BigDecimal.valueOf(id * 1999L, 2));
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
    return h2;
  }

  /**
   * Handles {@code GET /order?id=N}.
   *
   * @return the response body
   */
  String handle(long orderId) throws SQLException {
    return tracing
        .span("GET /order")
        .kind(SpanKind.SERVER)
        .attribute("http.request.method", "GET")
        .attribute("url.path", "/order")
        .call(
            () -> {
              log.info("order request {}", orderId);
              long id = tracing.traced("validate", () -> validate(orderId));
              String status = tracing.traced("load-order", () -> loadStatus(id));
              String answer = tracing.traced("summarize", () -> summarize(id, status));
              log.info("order {} answered", id);
              return "{\"id\":"
                  + id
                  + ",\"status\":\""
                  + status
                  + "\",\"answer\":\""
                  + answer
                  + "\"}";
            });
  }

  private static long validate(long orderId) {
    if (orderId < 1 || orderId > ORDERS) {
      throw new IllegalArgumentException("no order " + orderId);
    }
    log.info("order id {} is valid", orderId);
    return orderId;
  }

  private String loadStatus(long id) throws SQLException {
    try (PreparedStatement statement = connection().prepareStatement(SELECT_ORDER)) {
      statement.setLong(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("order " + id + " is missing");
        }
        String status = rows.getString(1);
        log.info("order {} is {}", id, status);
        return status;
      }
    }
  }

  private String summarize(long id, String status) {
    return ai.chat(PROVIDER, MODEL)
        .temperature(0.2)
        .maxTokens(200)
        .call(
            chat -> {
              String answer = "Order " + id + " is " + status + ".";
              chat.responseModel(RESPONSE_MODEL)
                  .responseId("chatcmpl-" + id)
                  .finishReasons("stop")
                  .usage(1200, 300);
              log.info("model answered for order {}", id);
              return answer;
            });
  }

  private Connection connection() throws SQLException {
    Connection current = connection.get();
    if (current == null) {
      current = database.getConnection();
      connection.set(current);
      synchronized (lock) {
        connections.add(current);
      }
    }
    return current;
  }

  @Override
  public void close() throws SQLException {
    synchronized (lock) {
      for (Connection c : connections) {
        c.close();
      }
      connections.clear();
    }
  }
}
