package dev.oteltoolkit.tests;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP collector for tests: listens on a free loopback port, speaks either OTLP/gRPC or
 * OTLP/HTTP with protobuf bodies, decodes what arrives with the official {@code
 * opentelemetry-proto} classes and keeps it, with the request headers, for assertions.
 *
 * <p>Tests wait for data with the {@code await*} methods (a lock and condition signalled on every
 * request, never polling). The receiver can be told to reject requests the way a collector under
 * pressure does (gRPC {@code UNAVAILABLE}, HTTP 503 with {@code Retry-After}), to answer slowly,
 * and to stop and start again on the same port.
 *
 * <p>The whole-pipeline measures of {@code otel-toolkit-benchmarks} use it through this module's
 * test-jar, in the {@link #discarding} mode: every request is still decoded, trace requests are
 * handed to a callback as they arrive, and nothing is kept (millions of spans would not fit). That
 * is the only public part of this class; the rest is for the tests of this package.
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final Context.Key<Map<String, String>> GRPC_HEADERS = Context.key("otlp-headers");
  private static final HexFormat HEX = HexFormat.of();

  private final Transport transport;

  /** Receives every accepted trace request in discarding mode; null when requests are kept. */
  private final Consumer<? super ExportTraceServiceRequest> traceSink;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<ReceivedLog> logs = new ArrayList<>();
  private final List<ExportMetricsServiceRequest> metricRequests = new ArrayList<>();
  private final Map<Signal, List<Map<String, String>>> headers = new EnumMap<>(Signal.class);
  private final Map<Signal, Integer> failuresToInject = new EnumMap<>(Signal.class);
  private final Map<Signal, Integer> failedRequests = new EnumMap<>(Signal.class);
  private Duration delay = Duration.ZERO;
  private int undecodableRequests;
  private long retryAfterSeconds = 1;
  private int port;
  private Runnable stopServer;
  private ExecutorService executor;

  /**
   * Starts a receiver on a free loopback port.
   *
   * @param transport the OTLP transport to serve
   * @return the running receiver
   */
  static OtlpReceiver start(Transport transport) {
    OtlpReceiver receiver = new OtlpReceiver(transport, null);
    receiver.startServer(0);
    return receiver;
  }

  /**
   * Starts a receiver on a free loopback port that decodes every request and keeps nothing: each
   * accepted trace request is handed to {@code traces} on the receiver's thread, right after it was
   * decoded and before it is answered; metrics and logs are decoded and dropped. {@link #spans()},
   * {@link #logs()}, {@link #metricRequests()} and {@link #headers} stay empty.
   *
   * @param transport the OTLP transport to serve
   * @param traces called with every accepted trace request, possibly from several threads at once
   * @return the running receiver
   */
  public static OtlpReceiver discarding(
      Transport transport, Consumer<? super ExportTraceServiceRequest> traces) {
    OtlpReceiver receiver = new OtlpReceiver(transport, Objects.requireNonNull(traces, "traces"));
    receiver.startServer(0);
    return receiver;
  }

  private OtlpReceiver(Transport transport, Consumer<? super ExportTraceServiceRequest> traceSink) {
    this.transport = transport;
    this.traceSink = traceSink;
    for (Signal signal : Signal.values()) {
      headers.put(signal, new ArrayList<>());
      failuresToInject.put(signal, 0);
      failedRequests.put(signal, 0);
    }
  }

  /** The transport this receiver serves. */
  Transport transport() {
    return transport;
  }

  /** The OTLP base URL to configure an exporter with, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** The port the receiver listens on (the same across {@link #stop()} and {@link #restart()}). */
  public int port() {
    lock.lock();
    try {
      return port;
    } finally {
      lock.unlock();
    }
  }

  /** Every span received so far, in arrival order. */
  List<ReceivedSpan> spans() {
    lock.lock();
    try {
      return List.copyOf(spans);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the spans received so far satisfy {@code condition}.
   *
   * @return the spans received when the condition held
   * @throws AssertionError when it does not hold within {@code timeout}
   */
  List<ReceivedSpan> awaitSpans(Predicate<? super List<ReceivedSpan>> condition, Duration timeout) {
    return await(
        () -> Collections.unmodifiableList(spans), condition, List::copyOf, timeout, "spans");
  }

  /** Every log record received so far, in arrival order. */
  List<ReceivedLog> logs() {
    lock.lock();
    try {
      return List.copyOf(logs);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the log records received so far satisfy {@code condition}.
   *
   * @return the log records received when the condition held
   * @throws AssertionError when it does not hold within {@code timeout}
   */
  List<ReceivedLog> awaitLogs(Predicate<? super List<ReceivedLog>> condition, Duration timeout) {
    return await(
        () -> Collections.unmodifiableList(logs), condition, List::copyOf, timeout, "log records");
  }

  /** Every metrics export request received so far, in arrival order. */
  List<ExportMetricsServiceRequest> metricRequests() {
    lock.lock();
    try {
      return List.copyOf(metricRequests);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the metrics export requests received so far satisfy {@code condition}.
   *
   * @return the requests received when the condition held
   * @throws AssertionError when it does not hold within {@code timeout}
   */
  List<ExportMetricsServiceRequest> awaitMetrics(
      Predicate<? super List<ExportMetricsServiceRequest>> condition, Duration timeout) {
    return await(
        () -> Collections.unmodifiableList(metricRequests),
        condition,
        List::copyOf,
        timeout,
        "metrics");
  }

  /**
   * The number of measurements in the histogram {@code metricName} over every data point whose
   * attribute {@code attributeKey} is {@code attributeValue}, whatever its other attributes.
   * Cumulative streams count their latest point, delta streams the sum of their points.
   */
  long histogramCount(String metricName, String attributeKey, String attributeValue) {
    return histogramCount(metricRequests(), metricName, attributeKey, attributeValue);
  }

  /** As {@link #histogramCount(String, String, String)}, over the given requests. */
  static long histogramCount(
      List<ExportMetricsServiceRequest> requests,
      String metricName,
      String attributeKey,
      String attributeValue) {
    return histogramPoints(requests, metricName, attributeKey, attributeValue).stream()
        .mapToLong(HistogramDataPoint::getCount)
        .sum();
  }

  /**
   * The sum of the measurements in the histogram {@code metricName}, over the same points as {@link
   * #histogramCount(String, String, String)}.
   */
  double histogramSum(String metricName, String attributeKey, String attributeValue) {
    return histogramPoints(metricRequests(), metricName, attributeKey, attributeValue).stream()
        .mapToDouble(HistogramDataPoint::getSum)
        .sum();
  }

  /**
   * The data points of histogram {@code metricName} whose attribute {@code attributeKey} is {@code
   * attributeValue}: every point of delta streams, the latest point of cumulative ones.
   */
  private static List<HistogramDataPoint> histogramPoints(
      List<ExportMetricsServiceRequest> requests,
      String metricName,
      String attributeKey,
      String attributeValue) {
    // Key: resource + scope + point attributes, i.e. one metric stream.
    Map<List<Object>, HistogramDataPoint> latest = new HashMap<>();
    List<HistogramDataPoint> points = new ArrayList<>();
    for (ExportMetricsServiceRequest request : requests) {
      for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
        for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
          for (Metric metric : scopeMetrics.getMetricsList()) {
            if (!metric.getName().equals(metricName) || !metric.hasHistogram()) {
              continue;
            }
            boolean delta =
                metric.getHistogram().getAggregationTemporality()
                    == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
            for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
              if (!attributeValue.equals(stringValue(point.getAttributesList(), attributeKey))) {
                continue;
              }
              if (delta) {
                points.add(point);
              } else {
                List<Object> stream =
                    List.of(
                        resourceMetrics.getResource(),
                        scopeMetrics.getScope(),
                        point.getAttributesList());
                latest.merge(
                    stream, point, (a, b) -> a.getTimeUnixNano() >= b.getTimeUnixNano() ? a : b);
              }
            }
          }
        }
      }
    }
    points.addAll(latest.values());
    return points;
  }

  /**
   * The number of requests that arrived but could not be decoded (HTTP 400, or a gRPC call that
   * failed before the service saw it): each one is a batch of telemetry lost on the wire.
   */
  public int undecodableRequests() {
    lock.lock();
    try {
      return undecodableRequests;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The headers (lower-case names) of every accepted request of {@code signal}, in arrival order.
   */
  List<Map<String, String>> headers(Signal signal) {
    lock.lock();
    try {
      return List.copyOf(headers.get(signal));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the next {@code count} requests of {@code signal} fail with a retryable error: gRPC
   * {@code UNAVAILABLE}, or HTTP 503 with {@code Retry-After} (see {@link #retryAfter}). Failed
   * requests are counted, not recorded.
   */
  void failNext(Signal signal, int count) {
    lock.lock();
    try {
      failuresToInject.put(signal, count);
    } finally {
      lock.unlock();
    }
  }

  /** Sets the {@code Retry-After} of the HTTP 503 answers of {@link #failNext} (default 1 s). */
  void retryAfter(Duration retryAfter) {
    lock.lock();
    try {
      retryAfterSeconds = retryAfter.toSeconds();
    } finally {
      lock.unlock();
    }
  }

  /** The number of requests of {@code signal} rejected so far by {@link #failNext}. */
  int failedRequests(Signal signal) {
    lock.lock();
    try {
      return failedRequests.get(signal);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until at least {@code count} requests of {@code signal} have been rejected.
   *
   * @throws AssertionError when that does not happen within {@code timeout}
   */
  void awaitFailedRequests(Signal signal, int count, Duration timeout) {
    await(
        () -> failedRequests.get(signal),
        n -> n >= count,
        Function.identity(),
        timeout,
        count + " failed " + signal + " requests");
  }

  /**
   * Waits until at least {@code count} requests could not be decoded. gRPC counts a call whose
   * message did not parse when the call is closed, which can come after the client already saw the
   * error: tests wait for the count rather than read it once.
   *
   * @throws AssertionError when that does not happen within {@code timeout}
   */
  void awaitUndecodableRequests(int count, Duration timeout) {
    await(
        () -> undecodableRequests,
        n -> n >= count,
        Function.identity(),
        timeout,
        count + " undecodable requests");
  }

  /** Delays every following request by {@code delay} before it is handled (a slow collector). */
  void delay(Duration delay) {
    lock.lock();
    try {
      this.delay = delay;
    } finally {
      lock.unlock();
    }
  }

  /** Stops listening: connections are refused until {@link #restart()}. Idempotent. */
  void stop() {
    Runnable stop;
    ExecutorService pool;
    lock.lock();
    try {
      stop = stopServer;
      pool = executor;
      stopServer = null;
      executor = null;
    } finally {
      lock.unlock();
    }
    if (stop != null) {
      stop.run();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** Starts listening again on the same port, keeping what was received. */
  void restart() {
    stop();
    startServer(port());
  }

  @Override
  public void close() {
    stop();
  }

  private void startServer(int requestedPort) {
    ExecutorService pool = Executors.newCachedThreadPool(daemonThreads(transport));
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort);
    int boundPort;
    Runnable stop;
    try {
      if (transport == Transport.GRPC) {
        Server server = startGrpc(address, pool);
        boundPort = server.getPort();
        stop =
            () -> {
              server.shutdownNow();
              awaitUninterruptibly(server);
            };
      } else {
        HttpServer server = startHttp(address, pool);
        boundPort = server.getAddress().getPort();
        stop = () -> server.stop(0);
      }
    } catch (IOException e) {
      pool.shutdownNow();
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    lock.lock();
    try {
      port = boundPort;
      stopServer = stop;
      executor = pool;
    } finally {
      lock.unlock();
    }
  }

  private Server startGrpc(InetSocketAddress address, ExecutorService pool) throws IOException {
    ServerInterceptor headerCapture =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
            Map<String, String> captured = new TreeMap<>();
            for (String key : metadata.keys()) {
              if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                Iterable<String> values =
                    metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                captured.put(key, values == null ? "" : String.join(",", values));
              }
            }
            Context context = Context.current().withValue(GRPC_HEADERS, captured);
            ServerCall<Q, R> counting =
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                  @Override
                  public void close(Status status, Metadata trailers) {
                    if (!status.isOk() && status.getCode() != Status.Code.UNAVAILABLE) {
                      countUndecodable(); // e.g. INTERNAL: the request did not parse
                    }
                    super.close(status, trailers);
                  }
                };
            return Contexts.interceptCall(context, counting, metadata, next);
          }
        };
    TraceServiceGrpc.TraceServiceImplBase traces =
        new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(
              ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            respondGrpc(
                Signal.TRACES, request, response, ExportTraceServiceResponse.getDefaultInstance());
          }
        };
    MetricsServiceGrpc.MetricsServiceImplBase metrics =
        new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(
              ExportMetricsServiceRequest request,
              StreamObserver<ExportMetricsServiceResponse> response) {
            respondGrpc(
                Signal.METRICS,
                request,
                response,
                ExportMetricsServiceResponse.getDefaultInstance());
          }
        };
    LogsServiceGrpc.LogsServiceImplBase logsService =
        new LogsServiceGrpc.LogsServiceImplBase() {
          @Override
          public void export(
              ExportLogsServiceRequest request,
              StreamObserver<ExportLogsServiceResponse> response) {
            respondGrpc(
                Signal.LOGS, request, response, ExportLogsServiceResponse.getDefaultInstance());
          }
        };
    return NettyServerBuilder.forAddress(address)
        .executor(pool)
        .addService(ServerInterceptors.intercept(traces, headerCapture))
        .addService(ServerInterceptors.intercept(metrics, headerCapture))
        .addService(ServerInterceptors.intercept(logsService, headerCapture))
        .build()
        .start();
  }

  private <R> void respondGrpc(
      Signal signal, Message request, StreamObserver<R> response, R success) {
    if (accept(signal, GRPC_HEADERS.get(), request)) {
      response.onNext(success);
      response.onCompleted();
    } else {
      response.onError(Status.UNAVAILABLE.withDescription("injected failure").asRuntimeException());
    }
  }

  private HttpServer startHttp(InetSocketAddress address, ExecutorService pool) throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.setExecutor(pool);
    for (Signal signal : Signal.values()) {
      server.createContext(signal.httpPath(), exchange -> respondHttp(signal, exchange));
    }
    server.start();
    return server;
  }

  private void respondHttp(Signal signal, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      Map<String, String> requestHeaders = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> requestHeaders.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      if (!"application/x-protobuf".equals(requestHeaders.get("content-type"))) {
        exchange.sendResponseHeaders(415, -1);
        return;
      }
      String encoding = requestHeaders.getOrDefault("content-encoding", "identity");
      if (!encoding.equals("gzip") && !encoding.equals("identity")) {
        exchange.sendResponseHeaders(415, -1);
        return;
      }
      byte[] body;
      try (InputStream raw = exchange.getRequestBody();
          InputStream in = encoding.equals("gzip") ? new GZIPInputStream(raw) : raw) {
        body = in.readAllBytes();
      }
      Message request;
      try {
        request = signal.parse(body);
      } catch (InvalidProtocolBufferException e) {
        countUndecodable();
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      if (accept(signal, requestHeaders, request)) {
        byte[] response = signal.emptyResponse();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
        exchange.getResponseBody().write(response);
      } else {
        long retryAfter;
        lock.lock();
        try {
          retryAfter = retryAfterSeconds;
        } finally {
          lock.unlock();
        }
        exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
        exchange.sendResponseHeaders(503, -1);
      }
    }
  }

  private void countUndecodable() {
    lock.lock();
    try {
      undecodableRequests++;
    } finally {
      changed.signalAll();
      lock.unlock();
    }
  }

  /** Records the request, or counts it as failed; returns whether it was accepted. */
  private boolean accept(Signal signal, Map<String, String> requestHeaders, Message request) {
    Duration wait;
    lock.lock();
    try {
      wait = delay;
    } finally {
      lock.unlock();
    }
    if (!wait.isZero()) {
      // Simulates a slow collector; this runs on the receiver's own threads.
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    lock.lock();
    try {
      int toFail = failuresToInject.get(signal);
      if (toFail > 0) {
        failuresToInject.put(signal, toFail - 1);
        failedRequests.merge(signal, 1, Integer::sum);
        return false;
      }
      if (traceSink == null) {
        headers.get(signal).add(Map.copyOf(requestHeaders));
        switch (signal) {
          case TRACES -> collectSpans((ExportTraceServiceRequest) request);
          case METRICS -> metricRequests.add((ExportMetricsServiceRequest) request);
          case LOGS -> collectLogs((ExportLogsServiceRequest) request);
        }
      }
    } finally {
      changed.signalAll();
      lock.unlock();
    }
    if (traceSink != null && signal == Signal.TRACES) {
      // outside the lock: concurrent exports are not serialized by the receiver
      traceSink.accept((ExportTraceServiceRequest) request);
    }
    return true;
  }

  private void collectSpans(ExportTraceServiceRequest request) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          spans.add(new ReceivedSpan(resourceSpans.getResource(), scopeSpans.getScope(), span));
        }
      }
    }
  }

  private void collectLogs(ExportLogsServiceRequest request) {
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        for (LogRecord log : scopeLogs.getLogRecordsList()) {
          logs.add(new ReceivedLog(resourceLogs.getResource(), scopeLogs.getScope(), log));
        }
      }
    }
  }

  /**
   * Waits, signalled by every request, until {@code condition} holds for {@code view}; returns
   * {@code copy} of it, taken under the lock.
   */
  private <T, R> R await(
      Supplier<T> view,
      Predicate<? super T> condition,
      Function<? super T, R> copy,
      Duration timeout,
      String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        T current = view.get();
        if (condition.test(current)) {
          return copy.apply(current);
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AssertionError(
              "timed out after "
                  + timeout
                  + " waiting for "
                  + what
                  + " at the "
                  + transport
                  + " receiver; received "
                  + spans.size()
                  + " spans, "
                  + metricRequests.size()
                  + " metric requests, "
                  + logs.size()
                  + " log records, failed requests "
                  + failedRequests
                  + ", undecodable requests "
                  + undecodableRequests);
        }
        changed.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } finally {
      lock.unlock();
    }
  }

  private static void awaitUninterruptibly(Server server) {
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads(Transport transport) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread =
          new Thread(runnable, "otlp-receiver-" + transport + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The string value of attribute {@code key} in {@code attributes}, or null when absent. */
  static String stringValue(List<KeyValue> attributes, String key) {
    Object value = attributes(attributes).get(key);
    return value == null ? null : value.toString();
  }

  /** The attributes as a map of plain Java values (String, Long, Double, Boolean, List, ...). */
  static Map<String, Object> attributes(List<KeyValue> attributes) {
    Map<String, Object> map = new TreeMap<>();
    for (KeyValue kv : attributes) {
      map.put(kv.getKey(), plain(kv.getValue()));
    }
    return map;
  }

  private static Object plain(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case ARRAY_VALUE ->
          value.getArrayValue().getValuesList().stream().map(OtlpReceiver::plain).toList();
      case KVLIST_VALUE -> attributes(value.getKvlistValue().getValuesList());
      case BYTES_VALUE -> HEX.formatHex(value.getBytesValue().toByteArray());
      default -> null;
    };
  }

  /** An OTLP transport, named as in {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
  public enum Transport {
    GRPC("grpc"),
    HTTP_PROTOBUF("http/protobuf");

    private final String protocol;

    Transport(String protocol) {
      this.protocol = protocol;
    }

    /** The protocol name, {@code grpc} or {@code http/protobuf}. */
    public String protocol() {
      return protocol;
    }

    @Override
    public String toString() {
      return protocol;
    }
  }

  /** A telemetry signal and its OTLP/HTTP path. */
  enum Signal {
    TRACES("/v1/traces"),
    METRICS("/v1/metrics"),
    LOGS("/v1/logs");

    private final String httpPath;

    Signal(String httpPath) {
      this.httpPath = httpPath;
    }

    String httpPath() {
      return httpPath;
    }

    Message parse(byte[] body) throws InvalidProtocolBufferException {
      return switch (this) {
        case TRACES -> ExportTraceServiceRequest.parseFrom(body);
        case METRICS -> ExportMetricsServiceRequest.parseFrom(body);
        case LOGS -> ExportLogsServiceRequest.parseFrom(body);
      };
    }

    byte[] emptyResponse() {
      return switch (this) {
        case TRACES -> ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        case METRICS -> ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        case LOGS -> ExportLogsServiceResponse.getDefaultInstance().toByteArray();
      };
    }
  }

  /** A span as received, with the resource and instrumentation scope it was sent under. */
  record ReceivedSpan(Resource resource, InstrumentationScope scope, Span span) {

    String name() {
      return span.getName();
    }

    String traceId() {
      return HEX.formatHex(span.getTraceId().toByteArray());
    }

    String spanId() {
      return HEX.formatHex(span.getSpanId().toByteArray());
    }

    /** The parent span id in hex, or the empty string for a root span. */
    String parentSpanId() {
      return HEX.formatHex(span.getParentSpanId().toByteArray());
    }

    Map<String, Object> attributes() {
      return OtlpReceiver.attributes(span.getAttributesList());
    }

    Map<String, Object> resourceAttributes() {
      return OtlpReceiver.attributes(resource.getAttributesList());
    }

    @Override
    public String toString() {
      return name() + "[" + traceId() + "/" + spanId() + " <- " + parentSpanId() + "]";
    }
  }

  /** A log record as received, with the resource and instrumentation scope it was sent under. */
  record ReceivedLog(Resource resource, InstrumentationScope scope, LogRecord log) {

    String traceId() {
      return HEX.formatHex(log.getTraceId().toByteArray());
    }

    String spanId() {
      return HEX.formatHex(log.getSpanId().toByteArray());
    }

    Map<String, Object> resourceAttributes() {
      return OtlpReceiver.attributes(resource.getAttributesList());
    }

    /** The record's own attributes (MDC entries, exception, thread, ...). */
    Map<String, Object> attributes() {
      return OtlpReceiver.attributes(log.getAttributesList());
    }

    /** The body, when it is a string (what the log appenders send). */
    String body() {
      return log.getBody().getStringValue();
    }
  }
}
