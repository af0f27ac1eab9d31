package dev.oteltoolkit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;

import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.api.instrumentation.SemconvOptIn;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.javahttpclient.JavaHttpClientTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import io.opentelemetry.semconv.incubating.HttpIncubatingAttributes;
import io.opentelemetry.semconv.incubating.NetIncubatingAttributes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code OTEL_SEMCONV_STABILITY_OPT_IN=http/dup} on the HTTP hop (the official JDK client and
 * server instrumentations with {@link HttpOldNames} added): the old span attributes and duration
 * histograms beside the stable ones; without it, exactly what the official instrumentations record.
 * The switch is read when the extractors are created: each test sets the system property around
 * that and restores it.
 */
@SuppressWarnings("deprecation") // the old names are deprecated constants of semconv-incubating
class HttpOldNamesTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();

  /** A permit per ended server span: the server ends its span after the client has its answer. */
  private final Semaphore serverSpansEnded = new Semaphore(0);

  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .addSpanProcessor(new ServerSpanCounter())
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .build();
  private HttpServer server;
  private HttpClient client;
  private int port;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    sdk.close();
  }

  @ParameterizedTest
  @NullSource
  // http alone: the 2.x instrumentations have no "stable only" switch for HTTP, it is the default
  @ValueSource(strings = {"http", "database/dup", "HTTP/dup", "http/dup2", " , "})
  void withoutHttpDupExactlyTheStableNames(String optIn) throws Exception {
    start(optIn);

    Assertions.assertThat(send("/answer?q=life").statusCode()).isEqualTo(200);

    assertThat(clientSpan()).hasAttributesSatisfyingExactly(stableClient(200));
    assertThat(serverSpan()).hasAttributesSatisfyingExactly(stableServer(200));
    Assertions.assertThat(metricNames())
        .containsExactlyInAnyOrder("http.client.request.duration", "http.server.request.duration");
  }

  @Test
  void httpDupRecordsTheOldNamesBesideTheStableOnes() throws Exception {
    start(" database/dup ,http/dup");

    Assertions.assertThat(send("/answer?q=life").statusCode()).isEqualTo(200);

    List<AttributeAssertion> client = stableClient(200);
    client.add(equalTo(HttpIncubatingAttributes.HTTP_METHOD, "GET"));
    client.add(
        equalTo(HttpIncubatingAttributes.HTTP_URL, "http://127.0.0.1:" + port + "/answer?q=life"));
    client.add(equalTo(NetIncubatingAttributes.NET_PEER_NAME, "127.0.0.1"));
    client.add(equalTo(NetIncubatingAttributes.NET_PEER_PORT, (long) port));
    client.add(equalTo(HttpIncubatingAttributes.HTTP_STATUS_CODE, 200L));
    assertThat(clientSpan()).hasAttributesSatisfyingExactly(client);

    List<AttributeAssertion> server = stableServer(200);
    server.add(equalTo(HttpIncubatingAttributes.HTTP_METHOD, "GET"));
    server.add(equalTo(HttpIncubatingAttributes.HTTP_SCHEME, "http"));
    server.add(equalTo(HttpIncubatingAttributes.HTTP_TARGET, "/answer?q=life"));
    server.add(equalTo(NetIncubatingAttributes.NET_HOST_NAME, "127.0.0.1"));
    server.add(equalTo(NetIncubatingAttributes.NET_HOST_PORT, (long) port));
    server.add(
        satisfies(
            HttpIncubatingAttributes.HTTP_USER_AGENT,
            agent -> agent.startsWith("Java-http-client/")));
    server.add(equalTo(HttpIncubatingAttributes.HTTP_STATUS_CODE, 200L));
    assertThat(serverSpan()).hasAttributesSatisfyingExactly(server);

    Assertions.assertThat(metricNames())
        .containsExactlyInAnyOrder(
            "http.client.request.duration",
            "http.server.request.duration",
            HttpOldNames.CLIENT_DURATION,
            HttpOldNames.SERVER_DURATION);
    MetricData clientDuration = metric(HttpOldNames.CLIENT_DURATION);
    Assertions.assertThat(clientDuration.getUnit()).isEqualTo("ms");
    Assertions.assertThat(onlyPoint(clientDuration).getAttributes())
        .isEqualTo(
            Attributes.builder()
                .put(HttpIncubatingAttributes.HTTP_METHOD, "GET")
                .put(NetIncubatingAttributes.NET_PEER_NAME, "127.0.0.1")
                .put(NetIncubatingAttributes.NET_PEER_PORT, (long) port)
                .put(HttpIncubatingAttributes.HTTP_STATUS_CODE, 200L)
                .build());
    MetricData serverDuration = metric(HttpOldNames.SERVER_DURATION);
    Assertions.assertThat(serverDuration.getUnit()).isEqualTo("ms");
    Assertions.assertThat(onlyPoint(serverDuration).getAttributes())
        .isEqualTo(
            Attributes.builder()
                .put(HttpIncubatingAttributes.HTTP_METHOD, "GET")
                .put(HttpIncubatingAttributes.HTTP_SCHEME, "http")
                .put(NetIncubatingAttributes.NET_HOST_NAME, "127.0.0.1")
                .put(NetIncubatingAttributes.NET_HOST_PORT, (long) port)
                .put(HttpIncubatingAttributes.HTTP_STATUS_CODE, 200L)
                .build());
    // the stable histograms keep the stable names only
    Assertions.assertThat(keys(onlyPoint(metric("http.client.request.duration")).getAttributes()))
        .noneMatch(key -> key.startsWith("net.") || key.equals("http.method"));
    Assertions.assertThat(keys(onlyPoint(metric("http.server.request.duration")).getAttributes()))
        .noneMatch(key -> key.startsWith("net.") || key.equals("http.method"));
  }

  @Test
  void everyRequestIsTimedOnce() throws Exception {
    start("http/dup");

    for (int i = 0; i < 5; i++) {
      Assertions.assertThat(send("/answer").statusCode()).isEqualTo(200);
    }
    Assertions.assertThat(send("/missing").statusCode()).isEqualTo(404);
    awaitServerSpans(5);

    Assertions.assertThat(
            metric(HttpOldNames.CLIENT_DURATION).getHistogramData().getPoints().stream()
                .mapToLong(HistogramPointData::getCount)
                .sum())
        .isEqualTo(6);
    // 404 comes from the JDK server's default context, outside the instrumented one
    Assertions.assertThat(onlyPoint(metric(HttpOldNames.SERVER_DURATION)).getCount()).isEqualTo(5);
    Assertions.assertThat(
            metric(HttpOldNames.CLIENT_DURATION).getHistogramData().getPoints().stream()
                .map(point -> point.getAttributes().get(HttpIncubatingAttributes.HTTP_STATUS_CODE))
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(200L, 404L);
  }

  /** One immutable request sent many times at once: every call is timed once, none lost. */
  @Test
  void theSameRequestSentConcurrentlyIsTimedEveryTime() throws Exception {
    start("http/dup");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/answer")).build();

    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    for (java.util.concurrent.CompletableFuture<HttpResponse<String>> call : calls) {
      Assertions.assertThat(call.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    awaitServerSpans(8);

    Assertions.assertThat(onlyPoint(metric(HttpOldNames.CLIENT_DURATION)).getCount()).isEqualTo(8);
    Assertions.assertThat(onlyPoint(metric(HttpOldNames.SERVER_DURATION)).getCount()).isEqualTo(8);
  }

  private void start(String optIn) throws IOException {
    String before = System.getProperty(SemconvOptIn.PROPERTY);
    JavaHttpServerTelemetry serverTelemetry;
    try {
      if (optIn == null) {
        System.clearProperty(SemconvOptIn.PROPERTY);
      } else {
        System.setProperty(SemconvOptIn.PROPERTY, optIn);
      }
      serverTelemetry =
          JavaHttpServerTelemetry.builder(sdk)
              .addAttributesExtractor(HttpOldNames.server(sdk))
              .build();
      client =
          JavaHttpClientTelemetry.builder(sdk)
              .addAttributesExtractor(HttpOldNames.client(sdk))
              .build()
              .newHttpClient(HttpClient.newHttpClient());
    } finally {
      if (before == null) {
        System.clearProperty(SemconvOptIn.PROPERTY);
      } else {
        System.setProperty(SemconvOptIn.PROPERTY, before);
      }
    }
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    port = server.getAddress().getPort();
    serverTelemetry.configure(
        server.createContext(
            "/answer",
            exchange -> {
              byte[] body = "42".getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
              exchange.close();
            }));
    server.start();
  }

  private HttpResponse<String> send(String pathAndQuery) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<AttributeAssertion> stableClient(long status) {
    List<AttributeAssertion> expected = new ArrayList<>();
    expected.add(equalTo(HttpAttributes.HTTP_REQUEST_METHOD, "GET"));
    expected.add(equalTo(UrlAttributes.URL_FULL, "http://127.0.0.1:" + port + "/answer?q=life"));
    expected.add(equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"));
    expected.add(equalTo(ServerAttributes.SERVER_PORT, (long) port));
    expected.add(equalTo(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1"));
    expected.add(equalTo(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status));
    return expected;
  }

  private List<AttributeAssertion> stableServer(long status) {
    List<AttributeAssertion> expected = new ArrayList<>();
    expected.add(equalTo(HttpAttributes.HTTP_REQUEST_METHOD, "GET"));
    expected.add(equalTo(HttpAttributes.HTTP_ROUTE, "/answer"));
    expected.add(equalTo(UrlAttributes.URL_SCHEME, "http"));
    expected.add(equalTo(UrlAttributes.URL_PATH, "/answer"));
    expected.add(equalTo(UrlAttributes.URL_QUERY, "q=life"));
    expected.add(equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"));
    expected.add(equalTo(ServerAttributes.SERVER_PORT, (long) port));
    expected.add(equalTo(ClientAttributes.CLIENT_ADDRESS, "127.0.0.1"));
    expected.add(equalTo(NetworkAttributes.NETWORK_PEER_ADDRESS, "127.0.0.1"));
    expected.add(satisfies(NetworkAttributes.NETWORK_PEER_PORT, peer -> peer.isPositive()));
    expected.add(equalTo(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1"));
    expected.add(
        satisfies(
            UserAgentAttributes.USER_AGENT_ORIGINAL,
            agent -> agent.startsWith("Java-http-client/")));
    expected.add(equalTo(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status));
    return expected;
  }

  private SpanData clientSpan() {
    return span(SpanKind.CLIENT);
  }

  private SpanData serverSpan() throws InterruptedException {
    awaitServerSpans(1);
    return span(SpanKind.SERVER);
  }

  /** Waits for {@code count} more server spans to end (a generous liveness bound). */
  private void awaitServerSpans(int count) throws InterruptedException {
    Assertions.assertThat(serverSpansEnded.tryAcquire(count, 10, TimeUnit.SECONDS))
        .as("%s server spans ended within 10 s: %s", count, spans.getFinishedSpanItems())
        .isTrue();
    serverSpansEnded.release(count); // a later wait for the same spans passes at once
  }

  private SpanData span(SpanKind kind) {
    List<SpanData> found = spansOf(kind);
    Assertions.assertThat(found).hasSize(1);
    return found.get(0);
  }

  private List<SpanData> spansOf(SpanKind kind) {
    return spans.getFinishedSpanItems().stream()
        .filter(span -> span.getKind() == kind)
        .collect(Collectors.toList());
  }

  private Set<String> metricNames() throws InterruptedException {
    serverSpan(); // the server records its metric as its span ends
    return metrics.collectAllMetrics().stream()
        .map(MetricData::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private MetricData metric(String name) {
    return metrics.collectAllMetrics().stream()
        .filter(metric -> metric.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  private static HistogramPointData onlyPoint(MetricData metric) {
    Assertions.assertThat(metric.getHistogramData().getPoints()).hasSize(1);
    return metric.getHistogramData().getPoints().iterator().next();
  }

  /** Releases a permit as each server span ends. */
  private final class ServerSpanCounter implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      if (span.getKind() == SpanKind.SERVER) {
        serverSpansEnded.release();
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  private static Set<String> keys(Attributes attributes) {
    Set<String> keys = new TreeSet<>();
    attributes.forEach((key, value) -> keys.add(key.getKey()));
    return keys;
  }
}
