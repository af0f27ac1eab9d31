package dev.oteltoolkit.tests;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.ModelPrice;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import dev.oteltoolkit.messaging.MessagingTelemetry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application of the cross-module scenario, written the way a user writes one with the
 * toolkit's public API only: a support request is handled by an agent that asks a model, runs a
 * tool that reads the order from the database and publishes a refund request to a queue, and asks
 * the model again; a worker consumes the queue and updates the order. Every step logs through
 * SLF4J.
 */
final class SupportDesk {

  static final String MODEL = "gpt-e2e";

  /** What the fake provider answers with: a dated name, priced as {@link #MODEL}. */
  static final String RESPONSE_MODEL = "gpt-e2e-2025-06-01";

  static final String PROVIDER = "openai";
  static final String AGENT = "support-agent";
  static final String TOOL = "lookup_order";

  /** {@code messaging.system} of the in-memory queue. */
  static final String QUEUE_SYSTEM = "e2e_queue";

  static final String QUEUE = "refunds";
  static final long ORDER_ID = 42;

  /** The tool's query: prepared, with a literal written into its text. */
  static final String SELECT_ORDER =
      "SELECT status FROM orders WHERE id = ? AND region = 'eu-west'";

  /** The worker's update: a plain statement, literals and all. */
  static final String UPDATE_ORDER =
      "UPDATE orders SET status = 'refunding', note = 'customer 555-0199' WHERE id = 42";

  /** USD per million tokens: 2.50 input, 1.25 cached input, 10.00 output. */
  static final PriceTable PRICES =
      PriceTable.of(
          ModelPrice.perMillionTokens(MODEL, "2.50", "10.00")
              .cachedInput(new BigDecimal("1.25"))
              .provider(PROVIDER));

  /** The planning call: 1200 input tokens of which 200 cached, 300 output. */
  static final long PLAN_INPUT = 1200;

  static final long PLAN_CACHED = 200;
  static final long PLAN_OUTPUT = 300;

  /** The answering call: 800 input tokens, 200 output. */
  static final long ANSWER_INPUT = 800;

  static final long ANSWER_OUTPUT = 200;

  /** (1000 * 2.50 + 200 * 1.25 + 300 * 10.00) / 1e6. */
  static final BigDecimal PLAN_COST = new BigDecimal("0.00575");

  /** (800 * 2.50 + 200 * 10.00) / 1e6. */
  static final BigDecimal ANSWER_COST = new BigDecimal("0.004");

  private static final Logger log = LoggerFactory.getLogger(SupportDesk.class);

  private final Tracing tracing;
  private final GenAiTelemetry ai;
  private final MessagingTelemetry messaging;
  private final DataSource database;
  private final Broker broker;

  /**
   * The application, wired to the toolkit's modules, with an in-memory queue.
   *
   * @param telemetry the toolkit
   * @param database the application's database, not instrumented: it is wrapped here
   */
  SupportDesk(Telemetry telemetry, DataSource database) {
    this(telemetry, database, new InMemoryBroker());
  }

  /**
   * The application, wired to the toolkit's modules.
   *
   * @param telemetry the toolkit
   * @param database the application's database, not instrumented: it is wrapped here
   * @param broker where refund requests are queued (the in-memory queue, or a real broker)
   */
  SupportDesk(Telemetry telemetry, DataSource database, Broker broker) {
    this.broker = broker;
    this.tracing = telemetry.tracing();
    this.ai = GenAiTelemetry.builder(telemetry.openTelemetry()).priceTable(PRICES).build();
    this.messaging = MessagingTelemetry.create(telemetry.openTelemetry());
    this.database = JdbcTelemetry.create(telemetry.openTelemetry()).wrap(database);
  }

  /** Creates the schema and the order, on the database itself (no telemetry). */
  static void createSchema(DataSource database) throws SQLException {
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE orders (id BIGINT PRIMARY KEY, region VARCHAR(20),"
              + " status VARCHAR(20), note VARCHAR(100))");
      statement.execute("INSERT INTO orders VALUES (42, 'eu-west', 'delivered', NULL)");
    }
  }

  /** Handles one support request, on the caller's thread. */
  String handle(String question) throws SQLException {
    return tracing.traced(
        "support-request",
        () -> {
          log.info("request received: {}", question);
          return ai.invokeAgent(AGENT).call(agent -> answer());
        });
  }

  private String answer() throws SQLException {
    log.info("agent started");
    String tool =
        ai.chat(PROVIDER, MODEL)
            .temperature(0.2)
            .call(
                chat -> {
                  log.info("planning with the model");
                  chat.responseModel(RESPONSE_MODEL)
                      .responseId("resp-plan")
                      .finishReasons("tool_calls")
                      .usage(PLAN_INPUT, PLAN_OUTPUT)
                      .cacheReadInputTokens(PLAN_CACHED);
                  return TOOL;
                });
    String status =
        ai.executeTool(tool)
            .callId("call-1")
            .type("function")
            .call(
                span -> {
                  log.info("looking up order {}", ORDER_ID);
                  String delivery = orderStatus(ORDER_ID);
                  Map<String, String> headers = new HashMap<>();
                  messaging.publish(
                      broker.system(),
                      QUEUE,
                      headers,
                      () -> {
                        log.info("publishing refund of order {}", ORDER_ID);
                        broker.send(QUEUE, headers, "refund " + ORDER_ID);
                      });
                  return delivery + ", refund requested";
                });
    return ai.chat(PROVIDER, MODEL)
        .call(
            chat -> {
              log.info("answering with the model");
              chat.responseModel(RESPONSE_MODEL)
                  .responseId("resp-answer")
                  .finishReasons("stop")
                  .usage(ANSWER_INPUT, ANSWER_OUTPUT);
              return "Order " + ORDER_ID + ": " + status;
            });
  }

  /**
   * Takes one message from the queue and processes it: the worker's loop body, run on the worker's
   * own thread.
   *
   * @return the message body
   */
  String consumeOne() throws Exception {
    QueuedMessage message = broker.receive(QUEUE, TestTelemetry.WAIT);
    if (message == null) {
      throw new AssertionError("nothing was published");
    }
    messaging.process(
        broker.system(),
        QUEUE,
        message.headers(),
        () -> {
          log.info("processing {}", message.body());
          try (Connection connection = database.getConnection();
              Statement statement = connection.createStatement()) {
            statement.executeUpdate(UPDATE_ORDER);
          }
        });
    return message.body();
  }

  private String orderStatus(long orderId) throws SQLException {
    try (Connection connection = database.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT_ORDER)) {
      statement.setLong(1, orderId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : "unknown";
      }
    }
  }

  /** A message as received: headers as the broker carried them, and a body. */
  record QueuedMessage(Map<String, ?> headers, String body) {}

  /** Where the tool queues refund requests and the worker takes them from. */
  interface Broker extends AutoCloseable {

    /** The broker's {@code messaging.system}. */
    String system();

    /** Sends {@code body} with {@code headers} to {@code queue}. */
    void send(String queue, Map<String, String> headers, String body);

    /** The next message of {@code queue}, or null when none arrived within {@code wait}. */
    QueuedMessage receive(String queue, Duration wait) throws Exception;

    @Override
    default void close() throws Exception {}
  }

  /** A queue in this process: messages keep their header map. */
  static final class InMemoryBroker implements Broker {
    private final BlockingQueue<QueuedMessage> queue = new LinkedBlockingQueue<>();

    @Override
    public String system() {
      return QUEUE_SYSTEM;
    }

    @Override
    public void send(String queue, Map<String, String> headers, String body) {
      this.queue.add(new QueuedMessage(headers, body));
    }

    @Override
    public QueuedMessage receive(String queue, Duration wait) throws InterruptedException {
      return this.queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
