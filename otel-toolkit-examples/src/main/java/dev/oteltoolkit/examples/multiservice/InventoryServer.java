package dev.oteltoolkit.examples.multiservice;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The "inventory" service: {@code POST /scans} with a form body ({@code sku=SKU-100&quantity=2},
 * plus {@code recount=true} for a stock recount) looks the item up, applies the business rules,
 * records the scan and answers with its value. Everything it records goes to its own {@link
 * Telemetry}, under its own service name.
 *
 * <p>Per request, the official JDK {@code HttpServer} instrumentation makes the SERVER span
 * (continuing the scanner's trace), otel-toolkit-jdbc a CLIENT span per statement, and {@code
 * traced("apply-rules")} a span for the logic. A recount runs the slow query ({@code pg_sleep});
 * a quantity of 0 breaks the table's CHECK and the request fails with 500.
 *
 * <p>It keeps one connection and serves one request at a time, which is all a scenario needs; a
 * real service wraps its pool instead, the same way: {@code JdbcTelemetry.create(otel).wrap(pool)}.
 */
final class InventoryServer implements AutoCloseable {

  /** The route of the scans, {@code http.route} on the SERVER spans. */
  static final String ROUTE = "/scans";

  /** The name of the traced step that stands for the server's business logic. */
  static final String RULES = "apply-rules";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Tracing tracing;
  private final Connection raw;
  private final Connection connection;

  private InventoryServer(
      HttpServer server,
      ExecutorService executor,
      Tracing tracing,
      Connection raw,
      Connection connection) {
    this.server = server;
    this.executor = executor;
    this.tracing = tracing;
    this.raw = raw;
    this.connection = connection;
  }

  /** Starts the server on an ephemeral loopback port, over a database connection it now owns. */
  static InventoryServer start(Telemetry telemetry, Connection database) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // one thread: the requests share the one connection
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "inventory-server");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    InventoryServer inventory =
        new InventoryServer(
            server,
            executor,
            telemetry.tracing(),
            database,
            JdbcTelemetry.create(telemetry.openTelemetry()).wrap(database));
    JavaHttpServerTelemetry.create(telemetry.openTelemetry())
        .configure(server.createContext(ROUTE, inventory::handle));
    server.start();
    return inventory;
  }

  /** The URL scans are posted to. */
  URI scansUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + ROUTE);
  }

  /** The connection's database, for the console. */
  String database() throws SQLException {
    return InventoryDatabase.describe(raw);
  }

  @Override
  public void close() throws SQLException {
    server.stop(0);
    executor.shutdownNow();
    InventoryDatabase.close(raw);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> form =
          parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      int status;
      String body;
      try {
        body = scan(form);
        status = 200;
      } catch (SQLException e) {
        // the JDBC span recorded the exception (sanitized); the SERVER span gets error.type 500.
        // The caller learns the SQLSTATE, never the database's message with the row's values.
        status = 500;
        body = "scan refused by the database (SQLSTATE " + e.getSQLState() + ")";
      } catch (RuntimeException e) {
        status = 500;
        body = "scan refused: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = 503;
        body = "shutting down";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private String scan(Map<String, String> form) throws SQLException, InterruptedException {
    String sku = form.getOrDefault("sku", "");
    int quantity = Integer.parseInt(form.getOrDefault("quantity", "1"));
    BigDecimal unitPrice;
    String name;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT name, unit_price FROM inventory_items WHERE sku = ?")) {
      select.setString(1, sku);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("unknown item " + sku);
        }
        name = rs.getString(1);
        unitPrice = rs.getBigDecimal(2);
      }
    }
    BigDecimal value = tracing.traced(RULES, () -> applyRules(unitPrice, quantity));
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO inventory_scans (sku, quantity, amount) VALUES (?, ?, ?)")) {
      insert.setString(1, sku);
      insert.setInt(2, quantity);
      insert.setBigDecimal(3, value);
      insert.executeUpdate();
    }
    if (Boolean.parseBoolean(form.get("recount"))) {
      // the slow query: a recount that takes its time (pg_sleep; on H2 an alias that sleeps)
      try (PreparedStatement recount =
          connection.prepareStatement(
              "SELECT count(*), pg_sleep(0.2) FROM inventory_scans WHERE sku = ?")) {
        recount.setString(1, sku);
        try (ResultSet rs = recount.executeQuery()) {
          rs.next();
        }
      }
    }
    return quantity + " x " + name + " = " + value;
  }

  /**
   * The business rules: volume discounts and rounding. The short sleep stands for the work a real
   * service does here (validation, calls into its domain model), so that the logic's share of the
   * request is visible in the trace.
   */
  private static BigDecimal applyRules(BigDecimal unitPrice, int quantity)
      throws InterruptedException {
    Thread.sleep(15);
    BigDecimal value = unitPrice.multiply(BigDecimal.valueOf(quantity));
    if (quantity >= 5) {
      value = value.multiply(new BigDecimal("0.95"));
    }
    return value.setScale(2, RoundingMode.HALF_EVEN);
  }

  private static Map<String, String> parse(String form) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        fields.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }
}
