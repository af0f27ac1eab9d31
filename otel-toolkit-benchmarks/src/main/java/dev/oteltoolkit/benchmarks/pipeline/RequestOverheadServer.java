package dev.oteltoolkit.benchmarks.pipeline;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.core.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service of the request-overhead measure, one JVM per configuration, started by {@link
 * RequestOverhead}: a JDK {@code HttpServer} on loopback (4 handler threads) serving {@code GET
 * /order?id=N} with {@link RequestOverheadApp}, telemetry set up by {@code Telemetry.setup()}
 * exporting over OTLP/gRPC to the parent's receiver, Logback with {@link RequestOverheadAppender},
 * and the MDC bridge of {@code otel-toolkit-logging} active (checked).
 *
 * <p>Arguments: {@code --telemetry on|off --sampling RATIO --endpoint URL --run ID}. It prints
 * {@code READY <port>} when it serves, and answers the driver on {@code /mark} (start of the
 * measurement window), {@code /stats} (allocation and requests since the mark, then heap after a
 * full GC, as {@code key=value} lines) and {@code /stop} (flushes telemetry, prints {@code STOPPED
 * handled=N flushed=true|false}, exits).
 */
public final class RequestOverheadServer {

  private final RequestOverheadApp app;
  private final RequestOverheadAppender appender;
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile long markAllocated;
  private volatile long markHandled;
  private volatile long markNanos;
  private volatile long markLogEvents;

  private RequestOverheadServer(RequestOverheadApp app, RequestOverheadAppender appender) {
    this.app = app;
    this.appender = appender;
  }

  /**
   * Runs the service until {@code /stop}.
   *
   * @param args {@code --telemetry on|off --sampling RATIO --endpoint URL --run ID}
   * @throws Exception when the service cannot start; the parent reports it
   */
  public static void main(String[] args) throws Exception {
    // before anything touches the context: the bridge must be the active storage
    PipelineEnvironment.requireMdcBridge(true);
    PipelineEnvironment.requireNoOtelSettings();
    PipelineEnvironment.serverDefaults();
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    boolean on = "on".equals(required(options, "--telemetry"));
    double sampling = Double.parseDouble(required(options, "--sampling"));
    RequestOverheadAppender appender = RequestOverheadAppender.install();

    Telemetry telemetry =
        Telemetry.setup()
            .serviceName("request-overhead")
            .resourceAttribute(ExportReceiver.RUN_KEY, required(options, "--run"))
            .endpoint(required(options, "--endpoint"))
            .protocol("grpc")
            .samplingRatio(sampling)
            .enabled(on)
            .configProperties(Map.of())
            .build();
    RequestOverheadApp app = new RequestOverheadApp(telemetry, RequestOverheadApp.createDatabase());
    RequestOverheadServer server = new RequestOverheadServer(app, appender);
    server.selfCheck(on);

    AtomicInteger threadCount = new AtomicInteger();
    ExecutorService handlers =
        Executors.newFixedThreadPool(
            4, r -> new Thread(r, "order-handler-" + threadCount.incrementAndGet()));
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    http.setExecutor(handlers);
    http.createContext("/order", server::order);
    http.createContext("/mark", server::mark);
    http.createContext("/stats", server::stats);
    http.createContext("/stop", server::stopRequest);
    http.start();
    System.out.println("READY " + http.getAddress().getPort());
    System.out.flush();

    server.stop.await();
    http.stop(0);
    handlers.shutdown();
    handlers.awaitTermination(10, TimeUnit.SECONDS);
    boolean flushed = telemetry.shutdown(Duration.ofSeconds(30));
    app.close();
    System.out.println(
        "STOPPED handled="
            + (server.handled.get() + 1)
            + " failed="
            + server.failed.get()
            + " flushed="
            + flushed);
    System.out.flush();
    System.exit(0);
  }

  /**
   * Runs one request directly and checks it logged its 5 lines, with the trace id in the MDC
   * exactly when telemetry is on (sampled or not, the span context is valid): the bridge and the
   * appender are wired as claimed.
   */
  private void selfCheck(boolean on) throws Exception {
    long events = appender.events();
    long withIds = appender.eventsWithTraceId();
    app.handle(1);
    long logged = appender.events() - events;
    long logIds = appender.eventsWithTraceId() - withIds;
    long expectedIds = on ? RequestOverheadApp.LOG_LINES_PER_REQUEST : 0;
    if (logged != RequestOverheadApp.LOG_LINES_PER_REQUEST || logIds != expectedIds) {
      throw new IllegalStateException(
          "self-check: one request logged "
              + logged
              + " lines, "
              + logIds
              + " with a trace_id in the MDC; expected "
              + RequestOverheadApp.LOG_LINES_PER_REQUEST
              + " and "
              + expectedIds);
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
        body = app.handle(id).getBytes(StandardCharsets.UTF_8);
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
      markNanos = System.nanoTime();
      markHandled = handled.get();
      markLogEvents = appender.events();
      markAllocated = RequestOverheadMemory.allocatedBytes();
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      drain(exchange);
      long allocated = RequestOverheadMemory.allocatedBytes() - markAllocated;
      long requests = handled.get() - markHandled;
      double seconds = (System.nanoTime() - markNanos) / 1e9;
      long logEvents = appender.events() - markLogEvents;
      Map<String, Object> heap = RequestOverheadMemory.heapAfterFullGc();
      StringBuilder text = new StringBuilder();
      text.append("handled=").append(requests).append('\n');
      text.append("failed=").append(failed.get()).append('\n');
      text.append("seconds=").append(seconds).append('\n');
      text.append("allocatedBytes=").append(allocated).append('\n');
      text.append("allocationMethod=")
          .append(RequestOverheadMemory.allocationMethod())
          .append('\n');
      text.append("logEvents=").append(logEvents).append('\n');
      text.append("logEventsWithTraceIdTotal=").append(appender.eventsWithTraceId()).append('\n');
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
