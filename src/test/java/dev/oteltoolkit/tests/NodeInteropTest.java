package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.javahttpclient.JavaHttpClientTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One trace across Java and Node.js, for real. A Node.js storefront instrumented with
 * OpenTelemetry's own JavaScript SDK ({@code @opentelemetry/sdk-node}, its HTTP instrumentation and
 * its OTLP/HTTP protobuf exporter; {@code src/test/node}, installed from the committed lockfile)
 * calls a Java order service set up with {@code Telemetry.setup()} and the official Java HTTP
 * instrumentations, which calls back into Node.js. Both export to the same in-process OTLP
 * receiver, which decodes the bytes each SDK sent:
 *
 * <pre>
 * node-storefront  SERVER GET /checkout        (root: the test's own client is not traced)
 * node-storefront    CLIENT GET ──────────────► java-orders SERVER GET /orders
 *                                               java-orders   INTERNAL reserve-stock
 * node-storefront  SERVER GET /stock/42 ◄────── java-orders     CLIENT GET
 * </pre>
 *
 * <p>Asserted: one trace id, each span's parent across both hops, baggage Node.js → Java ({@code
 * tenant}) and Java → Node.js ({@code tenant} carried on, {@code warehouse} added), each side's
 * resource ({@code service.name}, {@code service.version}, {@code deployment.environment.name},
 * {@code telemetry.sdk.language}), and the stable HTTP attribute names both SDKs use by default
 * (the JavaScript HTTP instrumentation 0.223.0 no longer needs {@code
 * OTEL_SEMCONV_STABILITY_OPT_IN=http} for them).
 */
@Timeout(180)
class NodeInteropTest {

  private static final String NODE_SERVICE = "node-storefront";
  private static final String JAVA_SERVICE = "java-orders";

  private OtlpReceiver receiver;
  private Telemetry telemetry;
  private HttpServer javaServer;
  private NodeService node;
  private final AtomicInteger nodePort = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    String version = NodeService.require();
    System.err.println("[otel-toolkit-tests] NodeInteropTest runs on Node.js " + version);
    receiver = OtlpReceiver.start(Transport.HTTP_PROTOBUF);
    telemetry =
        TestTelemetry.exportingTo(receiver)
            .serviceName(JAVA_SERVICE)
            .serviceVersion("1.2.3")
            .environment("e2e")
            .build();
    javaServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpClient client =
        JavaHttpClientTelemetry.create(telemetry.openTelemetry())
            .newHttpClient(HttpClient.newHttpClient());
    HttpContext orders =
        javaServer.createContext(
            "/orders",
            exchange -> {
              String order = exchange.getRequestURI().getPath().substring("/orders/".length());
              String tenant = Baggage.current().getEntryValue("tenant");
              Span.current().setAttribute("app.baggage.tenant", String.valueOf(tenant));
              String stock;
              try (Scope ignored =
                  Baggage.current().toBuilder().put("warehouse", "eu-west").build().makeCurrent()) {
                stock =
                    telemetry
                        .tracing()
                        .traced(
                            "reserve-stock",
                            () ->
                                client
                                    .send(
                                        HttpRequest.newBuilder(
                                                URI.create(
                                                    "http://127.0.0.1:"
                                                        + nodePort.get()
                                                        + "/stock/"
                                                        + order))
                                            .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                    .body());
              } catch (IOException e) {
                throw e;
              } catch (Exception e) {
                if (e instanceof InterruptedException) {
                  Thread.currentThread().interrupt();
                }
                throw new IOException(e);
              }
              byte[] body =
                  ("{\"order\":\""
                          + order
                          + "\",\"tenant\":\""
                          + tenant
                          + "\",\"stock\":"
                          + stock
                          + "}")
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
              exchange.close();
            });
    JavaHttpServerTelemetry.create(telemetry.openTelemetry()).configure(orders);
    javaServer.start();
    node =
        NodeService.start(
            "interop-service.js",
            Map.of(
                "JAVA_URL",
                "http://127.0.0.1:" + javaServer.getAddress().getPort(),
                "OTEL_SERVICE_NAME",
                NODE_SERVICE,
                "OTEL_RESOURCE_ATTRIBUTES",
                "service.version=4.5.6,deployment.environment.name=e2e",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                receiver.endpoint() + "/v1/traces",
                "OTEL_METRICS_EXPORTER",
                "none",
                "OTEL_LOGS_EXPORTER",
                "none"));
    nodePort.set(node.port());
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (javaServer != null) {
      javaServer.stop(0);
    }
    if (telemetry != null) {
      telemetry.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void oneTraceAcrossNodeAndJavaWithParentsBaggageAndEachSidesResource() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.port() + "/checkout?order=42"))
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode())
        .as("storefront answer %s; node said:%n%s", response.body(), node.output())
        .isEqualTo(200);
    // what each side saw in its baggage, as the application code reads it
    Map<String, Object> checkout = json(response.body());
    @SuppressWarnings("unchecked")
    Map<String, Object> java = (Map<String, Object>) checkout.get("java");
    @SuppressWarnings("unchecked")
    Map<String, Object> stock = (Map<String, Object>) java.get("stock");
    assertThat(java).containsEntry("order", "42").containsEntry("tenant", "acme");
    assertThat(stock)
        .containsEntry("item", "42")
        .containsEntry("baggage", Map.of("tenant", "acme", "warehouse", "eu-west"));

    // Java's spans are exported by its batch processor, Node's as they end: flush one, await both
    assertThat(telemetry.forceFlush()).isTrue();
    List<ReceivedSpan> spans =
        receiver.awaitSpans(
            all ->
                all.stream()
                            .filter(
                                s ->
                                    s.resourceAttributes().get("service.name").equals(NODE_SERVICE))
                            .count()
                        >= 3
                    && all.stream()
                            .filter(
                                s ->
                                    s.resourceAttributes().get("service.name").equals(JAVA_SERVICE))
                            .count()
                        >= 3,
            TestTelemetry.WAIT);

    ReceivedSpan nodeCheckout = nodeServer(spans, "/checkout");
    ReceivedSpan nodeClient = only(spans, NODE_SERVICE, SpanKind.SPAN_KIND_CLIENT);
    ReceivedSpan javaOrders = TestTelemetry.only(spans, "GET /orders");
    ReceivedSpan reserve = TestTelemetry.only(spans, "reserve-stock");
    ReceivedSpan javaClient = only(spans, JAVA_SERVICE, SpanKind.SPAN_KIND_CLIENT);
    ReceivedSpan nodeStock = nodeServer(spans, "/stock/42");

    // one trace, and nothing else in it
    String traceId = nodeCheckout.traceId();
    assertThat(spans.stream().filter(s -> s.traceId().equals(traceId)))
        .containsExactlyInAnyOrder(
            nodeCheckout, nodeClient, javaOrders, reserve, javaClient, nodeStock);
    // parentage, both ways across the language boundary
    assertThat(nodeCheckout.parentSpanId()).isEmpty();
    assertThat(nodeClient.parentSpanId()).isEqualTo(nodeCheckout.spanId());
    assertThat(javaOrders.parentSpanId()).as("Node.js → Java").isEqualTo(nodeClient.spanId());
    assertThat(javaOrders.span().getKind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
    assertThat(reserve.parentSpanId()).isEqualTo(javaOrders.spanId());
    assertThat(javaClient.parentSpanId()).isEqualTo(reserve.spanId());
    assertThat(nodeStock.parentSpanId()).as("Java → Node.js").isEqualTo(javaClient.spanId());

    // baggage both ways, as each side recorded it on its server span
    assertThat(javaOrders.attributes()).containsEntry("app.baggage.tenant", "acme");
    assertThat(nodeStock.attributes())
        .containsEntry("app.baggage.tenant", "acme")
        .containsEntry("app.baggage.warehouse", "eu-west");

    // each side's resource
    for (ReceivedSpan span : List.of(nodeCheckout, nodeClient, nodeStock)) {
      assertThat(span.resourceAttributes())
          .contains(
              entry("service.name", NODE_SERVICE),
              entry("service.version", "4.5.6"),
              entry("deployment.environment.name", "e2e"),
              entry("telemetry.sdk.language", "nodejs"),
              entry("telemetry.sdk.name", "opentelemetry"));
    }
    for (ReceivedSpan span : List.of(javaOrders, reserve, javaClient)) {
      assertThat(span.resourceAttributes())
          .contains(
              entry("service.name", JAVA_SERVICE),
              entry("service.version", "1.2.3"),
              entry("deployment.environment.name", "e2e"),
              entry("telemetry.sdk.language", "java"),
              entry("telemetry.sdk.name", "opentelemetry"));
    }

    // the names a mixed fleet's dashboards group by: the same stable HTTP keys on both sides
    for (ReceivedSpan server : List.of(nodeCheckout, javaOrders, nodeStock)) {
      assertThat(server.attributes())
          .as("server span %s of %s", server, server.resourceAttributes().get("service.name"))
          .containsEntry("http.request.method", "GET")
          .containsEntry("http.response.status_code", 200L)
          .containsEntry("url.scheme", "http")
          .containsKeys("url.path", "server.address", "server.port", "network.peer.address")
          .doesNotContainKeys("http.method", "http.status_code", "http.target");
    }
    for (ReceivedSpan call : List.of(nodeClient, javaClient)) {
      assertThat(call.attributes())
          .as("client span %s of %s", call, call.resourceAttributes().get("service.name"))
          .containsEntry("http.request.method", "GET")
          .containsEntry("http.response.status_code", 200L)
          .containsEntry("server.address", "127.0.0.1")
          .containsKeys("url.full", "server.port")
          .doesNotContainKeys("http.method", "http.status_code", "http.url");
    }
    assertThat(nodeStock.attributes()).containsEntry("url.path", "/stock/42");
    // without a web framework Node.js knows no route: its server spans are named by the method
    assertThat(nodeCheckout.name()).isEqualTo("GET");
    assertThat(nodeStock.attributes()).doesNotContainKey("http.route");
    assertThat(javaOrders.attributes())
        .containsEntry("url.path", "/orders/42")
        .containsEntry("http.route", "/orders");

    assertThat(node.stop()).as("node's exit code; it said:%n%s", node.output()).isZero();
  }

  private static ReceivedSpan nodeServer(List<ReceivedSpan> spans, String path) {
    List<ReceivedSpan> matching =
        spans.stream()
            .filter(s -> NODE_SERVICE.equals(s.resourceAttributes().get("service.name")))
            .filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_SERVER)
            .filter(s -> path.equals(s.attributes().get("url.path")))
            .toList();
    assertThat(matching).as("Node.js server spans for %s in %s", path, spans).hasSize(1);
    return matching.get(0);
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String service, SpanKind kind) {
    List<ReceivedSpan> matching =
        spans.stream()
            .filter(s -> service.equals(s.resourceAttributes().get("service.name")))
            .filter(s -> s.span().getKind() == kind)
            .toList();
    assertThat(matching).as("%s spans of %s in %s", kind, service, spans).hasSize(1);
    return matching.get(0);
  }

  /** JSON is YAML's flow style: SnakeYAML reads the small answers of the two services. */
  private static Map<String, Object> json(String text) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }
}
