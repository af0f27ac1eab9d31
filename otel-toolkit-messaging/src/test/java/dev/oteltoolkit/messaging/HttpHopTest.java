package dev.oteltoolkit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.javahttpclient.JavaHttpClientTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP hops between two agents over loopback with the official OpenTelemetry library
 * instrumentations (the README's three-line wiring), pinned at 2.23.0-alpha and running on our
 * 2.31.1 instrumentation API: the client and server spans, attribute by attribute, and the trace
 * continuing from agent A into agent B. A change of behaviour in a new version of those libraries
 * fails here.
 */
@SuppressWarnings("try") // scopes closed by try-with-resources are never read
class HttpHopTest {

  private TestService agentA;
  private TestService agentB;
  private HttpServer server;
  private HttpClient client;
  private int port;
  private final AtomicReference<String> traceparentSeenByB = new AtomicReference<>();
  private final AtomicReference<String> tenantSeenByB = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    agentA = TestService.withPlainSdk("agent-a");
    agentB = TestService.withPlainSdk("agent-b");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    port = server.getAddress().getPort();
    JavaHttpServerTelemetry serverTelemetry = JavaHttpServerTelemetry.create(agentB.openTelemetry);
    serverTelemetry.configure(server.createContext("/answer", respond(200, "42")));
    serverTelemetry.configure(server.createContext("/broken", respond(500, "")));
    HttpContext failing =
        server.createContext(
            "/throws",
            exchange -> {
              throw new IllegalStateException("handler failed");
            });
    serverTelemetry.configure(failing);
    serverTelemetry.configure(
        server.createContext(
            "/orders/",
            exchange -> {
              HttpRoutes.route("/orders/{id}");
              respond(200, "order").handle(exchange);
            }));
    server.start();
    client =
        JavaHttpClientTelemetry.create(agentA.openTelemetry)
            .newHttpClient(HttpClient.newHttpClient());
  }

  @AfterEach
  void stop() {
    server.stop(0);
    agentA.close();
    agentB.close();
  }

  @Test
  void theTraceContinuesFromTheClientIntoTheServerWithExactAttributes() throws Exception {
    HttpResponse<String> response;
    try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      response =
          Tracing.create(agentA.openTelemetry)
              .traced("ask", () -> client.send(get("/answer?q=life"), ofString()));
    }

    Assertions.assertThat(response.statusCode()).isEqualTo(200);
    Assertions.assertThat(response.body()).isEqualTo("42");
    SpanData ask = agentA.span("ask");
    SpanData clientSpan = agentA.span("GET");
    SpanData serverSpan = agentB.awaitSpan("GET /answer");
    assertThat(clientSpan)
        .hasKind(SpanKind.CLIENT)
        .hasParent(ask)
        .hasAttributesSatisfyingExactly(
            equalTo(HttpAttributes.HTTP_REQUEST_METHOD, "GET"),
            equalTo(UrlAttributes.URL_FULL, "http://127.0.0.1:" + port + "/answer?q=life"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) port),
            equalTo(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1"),
            equalTo(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L));
    assertThat(serverSpan)
        .hasKind(SpanKind.SERVER)
        .hasParent(clientSpan)
        .hasTraceId(ask.getTraceId())
        .hasAttributesSatisfyingExactly(
            equalTo(HttpAttributes.HTTP_REQUEST_METHOD, "GET"),
            equalTo(HttpAttributes.HTTP_ROUTE, "/answer"),
            equalTo(UrlAttributes.URL_SCHEME, "http"),
            equalTo(UrlAttributes.URL_PATH, "/answer"),
            equalTo(UrlAttributes.URL_QUERY, "q=life"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) port),
            equalTo(ClientAttributes.CLIENT_ADDRESS, "127.0.0.1"),
            equalTo(NetworkAttributes.NETWORK_PEER_ADDRESS, "127.0.0.1"),
            satisfies(NetworkAttributes.NETWORK_PEER_PORT, peerPort -> peerPort.isPositive()),
            equalTo(NetworkAttributes.NETWORK_PROTOCOL_VERSION, "1.1"),
            satisfies(
                UserAgentAttributes.USER_AGENT_ORIGINAL,
                agent -> agent.startsWith("Java-http-client/")),
            equalTo(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L));
    Assertions.assertThat(traceparentSeenByB.get()).contains(clientSpan.getSpanId());
    Assertions.assertThat(tenantSeenByB.get()).isEqualTo("acme");
  }

  @Test
  void theHandlerSetsTheRouteTemplateInOneLine() throws Exception {
    HttpResponse<String> response = client.send(get("/orders/42"), ofString());

    Assertions.assertThat(response.statusCode()).isEqualTo(200);
    // without HttpRoutes.route the span is "GET /orders/" (the context path)
    SpanData serverSpan = agentB.awaitSpan("GET /orders/{id}");
    assertThat(serverSpan)
        .hasKind(SpanKind.SERVER)
        .hasAttributesSatisfying(
            equalTo(HttpAttributes.HTTP_ROUTE, "/orders/{id}"),
            equalTo(UrlAttributes.URL_PATH, "/orders/42"));
    Assertions.assertThat(agentB.spans())
        .extracting(SpanData::getName)
        .doesNotContain("GET /orders/");
  }

  @Test
  void asyncCallsKeepTheirParent() throws Exception {
    int status =
        Tracing.create(agentA.openTelemetry)
            .traced("ask", () -> client.sendAsync(get("/answer"), ofString()).join().statusCode());

    Assertions.assertThat(status).isEqualTo(200);
    assertThat(agentA.span("GET")).hasParent(agentA.span("ask"));
    assertThat(agentB.awaitSpan("GET /answer")).hasParent(agentA.span("GET"));
  }

  @Test
  void aServerErrorMarksBothSpans() throws Exception {
    HttpResponse<String> response = client.send(get("/broken"), ofString());

    Assertions.assertThat(response.statusCode()).isEqualTo(500);
    assertThat(agentA.span("GET"))
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "500");
    assertThat(agentB.awaitSpan("GET /broken"))
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "500");
  }

  @Test
  void aThrowingHandlerIsRecordedOnTheServerSpan() throws Exception {
    try {
      client.send(get("/throws"), ofString());
    } catch (IOException expected) {
      // the JDK server drops the connection when a handler throws
    }

    // the JDK client retries a GET once on a dropped connection: one or two server spans
    agentB.awaitSpans("GET /throws", 1);
    Assertions.assertThat(agentB.spans())
        .filteredOn(span -> span.getName().equals("GET /throws"))
        .isNotEmpty()
        .allSatisfy(
            span ->
                assertThat(span)
                    .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException")
                    .hasEventsSatisfying(
                        events ->
                            Assertions.assertThat(events)
                                .extracting("name")
                                .contains("exception")));
  }

  @Test
  void aRefusedConnectionIsAnErrorWithTheExceptionType() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/")).build();

    assertThatThrownBy(() -> client.send(request, ofString())).isInstanceOf(ConnectException.class);

    assertThat(agentA.span("GET"))
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "java.net.ConnectException");
  }

  private HttpHandler respond(int status, String body) {
    return exchange -> {
      traceparentSeenByB.set(exchange.getRequestHeaders().getFirst("traceparent"));
      tenantSeenByB.set(Baggage.current().getEntryValue("tenant"));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    };
  }

  private HttpRequest get(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }
}
