package dev.oteltoolkit.benchmarks.pipeline;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.management.OperatingSystemMXBean;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service of the stack comparison ({@link StackComparison}), one JVM per configuration: a JDK
 * {@code HttpServer} on loopback (4 handler threads) serving {@code GET /order?id=N}: one SQL query
 * on H2 (a connection per handler thread, as a pool lends), one chat completion through the real
 * OpenAI Java SDK client ({@code openai-java-client-okhttp}) against the driver's fake OpenAI
 * server, and 5 log lines through SLF4J/Logback ({@link RequestOverheadAppender} reads each event's
 * MDC). The same handler runs under every stack; only what {@link ServiceStack} adds differs:
 *
 * <ul>
 *   <li>{@code off}: nothing (no OpenTelemetry class is touched);
 *   <li>{@code toolkit}: {@code Telemetry.setup()}, the official JDK {@code HttpServer} library
 *       instrumentation as the toolkit documents it, {@code JdbcTelemetry}, {@code
 *       OpenAiTelemetry}, the MDC bridge of {@code otel-toolkit-logging};
 *   <li>{@code agent}: nothing in the code; the driver starts this JVM with the OpenTelemetry Java
 *       agent, whose own instrumentations see the server, JDBC, the OpenAI client and Logback's
 *       MDC;
 *   <li>{@code sdk}: the SDK from {@code AutoConfiguredOpenTelemetrySdk} and the same spans,
 *       metrics and MDC keys written by hand ({@link HandBuiltStack}).
 * </ul>
 *
 * <p>Arguments: {@code --stack off|toolkit|agent|sdk --sampling RATIO --endpoint URL --run ID
 * --openai BASE_URL [--jfr FILE]} (with {@code --jfr}, a JFR recording with the JDK's {@code
 * profile} settings runs through the measurement window and is written to FILE). It prints {@code
 * READY <port>} when it serves and answers the driver on {@code /mark} (start of the window),
 * {@code /stats} (since the mark: requests, process CPU time, allocation, log events; then the heap
 * after a full GC; {@code key=value} lines) and {@code /stop} (flushes, prints {@code STOPPED
 * handled=N flushed=...}, exits).
 */
public final class StackService {

  /** The route of the measured requests. */
  static final String ROUTE = "/order";

  /** Rows of the orders table; the load generator asks for ids 1..ORDERS in turn. */
  static final int ORDERS = RequestOverheadApp.ORDERS;

  /** Log lines per request. */
  static final int LOG_LINES_PER_REQUEST = 5;

  /** The statement each request runs. */
  static final String SELECT_ORDER =
      "SELECT status, total FROM orders WHERE id = ? AND region = 'eu-west'";

  private static final Logger log = LoggerFactory.getLogger(StackService.class);

  private final ServiceStack stack;
  private final DataSource database;
  private final OpenAIClient openAi;
  private final RequestOverheadAppender appender;
  private final Object lock = new Object();
  private final List<Connection> connections = new ArrayList<>(); // guarded by lock
  private final ThreadLocal<Connection> connection = new ThreadLocal<>();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private volatile long markAllocated;
  private volatile long markHandled;
  private volatile long markNanos;
  private volatile long markCpuNanos;
  private volatile long markLogEvents;
  private volatile long markLogEventsWithTraceId;
  private java.nio.file.Path jfrFile; // set once before serving
  private jdk.jfr.Recording recording; // guarded by lock

  private StackService(
      ServiceStack stack,
      DataSource database,
      OpenAIClient openAi,
      RequestOverheadAppender appender) {
    this.stack = stack;
    this.database = database;
    this.openAi = openAi;
    this.appender = appender;
  }

  /**
   * Runs the service until {@code /stop}.
   *
   * @param args {@code --stack off|toolkit|agent|sdk --sampling RATIO --endpoint URL --run ID
   *     --openai BASE_URL}
   * @throws Exception when the service cannot start; the driver reports it
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    String stackName = required(options, "--stack");
    double sampling = Double.parseDouble(required(options, "--sampling"));
    String endpoint = required(options, "--endpoint");
    String run = required(options, "--run");
    if (stackName.equals("toolkit")) {
      // before anything touches the context: the bridge must be the active storage
      PipelineEnvironment.requireMdcBridge(true);
    }
    if (!stackName.equals("agent")) {
      PipelineEnvironment.requireNoOtelSettings(); // the agent's are given on its command line
    }
    PipelineEnvironment.serverDefaults();
    RequestOverheadAppender appender = RequestOverheadAppender.install(StackService.class);

    ServiceStack stack =
        switch (stackName) {
          case "off", "agent" -> new ServiceStack() {};
          case "toolkit" -> new ToolkitStack(sampling, endpoint, run);
          case "sdk" -> {
            PipelineEnvironment.requireMdcBridge(false);
            yield new HandBuiltStack(sampling, endpoint, run, required(options, "--openai"));
          }
          default ->
              throw new IllegalArgumentException(
                  "--stack " + stackName + ": must be off, toolkit, agent or sdk");
        };
    OpenAIClient openAi =
        stack.openAi(
            OpenAIOkHttpClient.builder()
                .baseUrl(required(options, "--openai"))
                .apiKey("sk-stack-comparison")
                .maxRetries(0)
                .build());
    StackService service =
        new StackService(stack, stack.database(createDatabase()), openAi, appender);
    if (options.containsKey("--jfr")) {
      service.jfrFile = java.nio.file.Path.of(options.get("--jfr"));
    }

    AtomicInteger threadCount = new AtomicInteger();
    ExecutorService handlers =
        Executors.newFixedThreadPool(
            4, r -> new Thread(r, "order-handler-" + threadCount.incrementAndGet()));
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    http.setExecutor(handlers);
    HttpContext orders = http.createContext(ROUTE, service::order);
    stack.instrument(orders);
    http.createContext("/mark", service::mark);
    http.createContext("/stats", service::stats);
    http.createContext("/stop", service::stopRequest);
    http.start();
    System.out.println("READY " + http.getAddress().getPort());
    System.out.flush();

    service.stop.await();
    http.stop(0);
    handlers.shutdown();
    handlers.awaitTermination(10, TimeUnit.SECONDS);
    Boolean flushed = stack.shutdown(Duration.ofSeconds(30));
    openAi.close();
    service.closeConnections();
    System.out.println(
        "STOPPED handled="
            + service.handled.get()
            + " failed="
            + service.failed.get()
            + " flushed="
            + flushed);
    System.out.flush();
    System.exit(0);
  }

  /** An in-memory H2 database with the orders table, not instrumented. */
  static DataSource createDatabase() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:stack-comparison;DB_CLOSE_DELAY=-1");
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
          insert.setBigDecimal(3, BigDecimal.valueOf(id * 1999L, 2));
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
    return h2;
  }

  /** The request: validate, query, ask the model, answer; 5 log lines on the way. */
  String handle(long orderId) throws SQLException {
    log.info("order request {}", orderId);
    if (orderId < 1 || orderId > ORDERS) {
      throw new IllegalArgumentException("no order " + orderId);
    }
    log.info("order id {} is valid", orderId);
    String status;
    try (PreparedStatement statement = connection().prepareStatement(SELECT_ORDER)) {
      statement.setLong(1, orderId);
      try (ResultSet rows = stack.executeQuery(statement)) {
        if (!rows.next()) {
          throw new IllegalStateException("order " + orderId + " is missing");
        }
        status = rows.getString(1);
      }
    }
    log.info("order {} is {}", orderId, status);
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model(ChatModel.GPT_4O)
            .addUserMessage(
                "Write one line for the customer: order " + orderId + " is " + status + ".")
            .temperature(0.2)
            .maxCompletionTokens(200)
            .build();
    ChatCompletion completion = stack.chat(openAi, params);
    String answer = completion.choices().get(0).message().content().orElse("");
    log.info("model answered for order {}", orderId);
    log.info("order {} answered", orderId);
    return "{\"id\":" + orderId + ",\"status\":\"" + status + "\",\"answer\":\"" + answer + "\"}";
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

  private void closeConnections() throws SQLException {
    synchronized (lock) {
      for (Connection c : connections) {
        c.close();
      }
      connections.clear();
    }
  }

  private void order(HttpExchange exchange) throws IOException {
    try (exchange) {
      drain(exchange);
      String query = exchange.getRequestURI().getRawQuery();
      byte[] body;
      int status;
      try {
        long id = Long.parseLong(query.substring(query.indexOf("id=") + 3));
        body = handle(id).getBytes(StandardCharsets.UTF_8);
        status = 200;
        handled.incrementAndGet();
      } catch (Exception e) {
        failed.incrementAndGet();
        body = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
        status = 500;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void mark(HttpExchange exchange) throws IOException {
    try (exchange) {
      drain(exchange);
      if (jfrFile != null) { // started first: its own start-up is not counted in the window
        synchronized (lock) {
          recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
          recording.start();
        }
      }
      markNanos = System.nanoTime();
      markHandled = handled.get();
      markLogEvents = appender.events();
      markLogEventsWithTraceId = appender.eventsWithTraceId();
      markAllocated = RequestOverheadMemory.allocatedBytes();
      markCpuNanos = os.getProcessCpuTime();
      exchange.sendResponseHeaders(204, -1);
    } catch (java.text.ParseException e) {
      throw new IOException("the JDK's JFR profile settings", e);
    }
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      drain(exchange);
      long cpu = os.getProcessCpuTime() - markCpuNanos;
      long allocated = RequestOverheadMemory.allocatedBytes() - markAllocated;
      long requests = handled.get() - markHandled;
      double seconds = (System.nanoTime() - markNanos) / 1e9;
      long logEvents = appender.events() - markLogEvents;
      long withTraceId = appender.eventsWithTraceId() - markLogEventsWithTraceId;
      synchronized (lock) {
        if (recording != null) {
          recording.stop();
          recording.dump(jfrFile);
          recording.close();
          recording = null;
        }
      }
      Map<String, Object> heap = RequestOverheadMemory.heapAfterFullGc();
      StringBuilder text = new StringBuilder();
      text.append("handled=").append(requests).append('\n');
      text.append("failed=").append(failed.get()).append('\n');
      text.append("seconds=").append(seconds).append('\n');
      text.append("cpuNanos=").append(cpu).append('\n');
      text.append("allocatedBytes=").append(allocated).append('\n');
      text.append("allocationMethod=")
          .append(RequestOverheadMemory.allocationMethod())
          .append('\n');
      text.append("logEvents=").append(logEvents).append('\n');
      text.append("logEventsWithTraceId=").append(withTraceId).append('\n');
      text.append("threads=")
          .append(ManagementFactory.getThreadMXBean().getThreadCount())
          .append('\n');
      text.append("loadedClasses=")
          .append(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount())
          .append('\n');
      heap.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void stopRequest(HttpExchange exchange) throws IOException {
    try (exchange) {
      drain(exchange);
      exchange.sendResponseHeaders(204, -1);
    }
    stop.countDown();
  }

  private static void drain(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }
}
