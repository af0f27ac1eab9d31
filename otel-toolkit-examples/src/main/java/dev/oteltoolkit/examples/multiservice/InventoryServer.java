package dev.oteltoolkit.examples.multiservice;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.ai.openai.OpenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The "inventory" service: {@code POST /scans} with a form body ({@code sku=SKU-100&quantity=2},
 * plus {@code recount=true} for a stock recount) looks the item up, applies the business rules,
 * records the scan and answers with its value. Everything it records goes to its own {@link
 * Telemetry}, under its own service name.
 *
 * <p>Per request, the official JDK {@code HttpServer} instrumentation makes the SERVER span
 * (continuing the scanner's trace), otel-toolkit-jdbc a CLIENT span per statement, and {@code
 * traced("apply-rules")} a span for the logic, and a "restock-advisor" agent ({@code invoke_agent},
 * otel-toolkit-ai) asks a model through the official OpenAI SDK, wrapped by otel-toolkit-ai-openai
 * ({@code chat gpt-4o-mini} with tokens and cost, and the request's totals on the SERVER span). A
 * recount runs the slow query ({@code pg_sleep}); a quantity of 0 breaks the table's CHECK and the
 * request fails with 500 before the agent is asked.
 *
 * <p>It keeps one connection and serves one request at a time, which is all a scenario needs; a
 * real service wraps its pool instead, the same way: {@code JdbcTelemetry.create(otel).wrap(pool)}.
 */
final class InventoryServer implements AutoCloseable {

  /** The route of the scans, {@code http.route} on the SERVER spans. */
  static final String ROUTE = "/scans";

  /** The name of the traced step that stands for the server's business logic. */
  static final String RULES = "apply-rules";

  /** The name of the agent the server asks for restocking advice. */
  static final String ADVISOR = "restock-advisor";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Tracing tracing;
  private final Connection raw;
  private final Connection connection;
  private final GenAiTelemetry ai;
  private final OpenAIClient model;
  private final Supplier<Duration> logicTime;

  private InventoryServer(
      HttpServer server,
      ExecutorService executor,
      Tracing tracing,
      Connection raw,
      Connection connection,
      GenAiTelemetry ai,
      OpenAIClient model,
      Supplier<Duration> logicTime) {
    this.server = server;
    this.executor = executor;
    this.tracing = tracing;
    this.raw = raw;
    this.connection = connection;
    this.ai = ai;
    this.model = model;
    this.logicTime = logicTime;
  }

  /**
   * Starts the server on an ephemeral loopback port, over a database connection it now owns.
   *
   * @param advisorModel the base URL of the advisor's OpenAI-compatible model server
   * @param logicTime how long the business rules of each request take, asked once per request
   */
  static InventoryServer start(
      Telemetry telemetry, Connection database, String advisorModel, Supplier<Duration> logicTime)
      throws IOException {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(telemetry.openTelemetry()).priceTable(PriceTable.defaults()).build();
    // the official OpenAI SDK, wrapped once: each call a chat span with its tokens and cost
    OpenAIClient model =
        OpenAiTelemetry.create(ai)
            .wrap(OpenAIOkHttpClient.builder().baseUrl(advisorModel).apiKey("sk-fake").build());
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
            JdbcTelemetry.create(telemetry.openTelemetry()).wrap(database),
            ai,
            model,
            logicTime);
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
    model.close();
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
        connection.prepareStatement("SELECT name, unit_price FROM inventory_items WHERE sku = ?")) {
      select.setString(1, sku);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("unknown item " + sku);
        }
        name = rs.getString(1);
        unitPrice = rs.getBigDecimal(2);
      }
    }
    Duration work = logicTime.get();
    BigDecimal value = tracing.traced(RULES, () -> applyRules(unitPrice, quantity, work));
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
    String advice = ai.invokeAgent(ADVISOR).call(agent -> advise(sku, quantity));
    return quantity + " x " + name + " = " + value + "; " + advice;
  }

  /** One model call: a {@code chat gpt-4o-mini} span recorded by the wrapped client. */
  private String advise(String sku, int quantity) {
    return model
        .chat()
        .completions()
        .create(
            ChatCompletionCreateParams.builder()
                .model(RestockAdvisor.MODEL)
                .addSystemMessage("You advise a warehouse on restocking. Answer in one line.")
                .addUserMessage("Scanned " + quantity + " of " + sku + ". Reorder?")
                .build())
        .choices()
        .get(0)
        .message()
        .content()
        .orElse("");
  }

  /**
   * The business rules: volume discounts and rounding. The sleep ({@code work}) stands for the work
   * a real service does here (validation, calls into its domain model), so that the logic's share
   * of the request is visible in the trace.
   */
  private static BigDecimal applyRules(BigDecimal unitPrice, int quantity, Duration work)
      throws InterruptedException {
    Thread.sleep(work.toMillis());
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
