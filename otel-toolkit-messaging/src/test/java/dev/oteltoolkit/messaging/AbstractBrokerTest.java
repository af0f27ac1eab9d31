package dev.oteltoolkit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.javahttpclient.JavaHttpClientTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One trace across a broker, the same tests for every broker: a producer service (set up through
 * the toolkit's {@code Telemetry}) publishes through the broker's real client, a consumer service
 * (a plain SDK built by hand) receives through the real client. Each service has its own
 * OpenTelemetry and exporter; nothing is global.
 */
@SuppressWarnings("try") // close() of broker clients may throw InterruptedException
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractBrokerTest {

  private TestBroker broker;
  private BrokerAvailability.Unavailable unavailable;
  private TestService producer;
  private TestService consumer;
  private final List<AutoCloseable> opened = new ArrayList<>();

  /**
   * Connects to the broker; a subclass that needs a server checks it through {@link
   * BrokerAvailability} first.
   */
  abstract TestBroker connect() throws Exception;

  @BeforeAll
  void connectBroker() throws Exception {
    try {
      broker = connect();
    } catch (BrokerAvailability.Unavailable e) {
      unavailable = e;
    }
  }

  @AfterAll
  void closeBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void startServices() {
    BrokerAvailability.skipIfUnavailable(unavailable);
    producer = TestService.withTelemetry("producer");
    consumer = TestService.withPlainSdk("consumer");
  }

  @AfterEach
  void stopServices() throws Exception {
    if (producer == null) {
      return;
    }
    // last opened, first closed: the HTTP server stops before the services it records into
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
    producer.close();
    consumer.close();
    producer = null;
    consumer = null;
  }

  @Test
  void theConsumerContinuesTheProducersTrace() throws Exception {
    TestBroker.Destination destination = open();

    destination.publish(producer.messaging, "order-1");
    TestBroker.Delivery delivery = destination.receive();
    String handled = delivery.process(consumer.messaging, () -> "handled " + delivery.body());

    Assertions.assertThat(handled).isEqualTo("handled order-1");
    SpanData send = producer.span("send " + destination.name());
    SpanData process = consumer.span("process " + destination.name());
    assertThat(send)
        .hasKind(SpanKind.PRODUCER)
        .hasNoParent()
        .hasAttributesSatisfyingExactly(standardAttributes(destination, "send"));
    assertThat(process)
        .hasKind(SpanKind.CONSUMER)
        .hasTraceId(send.getTraceId())
        .hasParent(send)
        .hasTotalRecordedLinks(0)
        .hasAttributesSatisfyingExactly(standardAttributes(destination, "process"));
    Assertions.assertThat(producer.spans()).hasSize(1);
    Assertions.assertThat(consumer.spans()).hasSize(1);
  }

  @Test
  void baggageCrossesTheBroker() throws Exception {
    TestBroker.Destination destination = open();

    try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      destination.publish(producer.messaging, "order-1");
    }
    TestBroker.Delivery delivery = destination.receive();
    String tenant =
        delivery.process(consumer.messaging, () -> Baggage.current().getEntryValue("tenant"));

    Assertions.assertThat(tenant).isEqualTo("acme");
  }

  @Test
  void malformedHeadersFromTheBrokerStartANewTrace() throws Exception {
    TestBroker.Destination destination = open();

    destination.publishRaw(
        Map.of(
            "traceparent", "00-0af7651916cd43dd8448eb211c80319c-00000000000000000-01",
            "tracestate", "=,=,",
            "baggage", "tenant=%zz"),
        "hostile");
    destination.publishRaw(Map.of("traceparent", "00-" + "a".repeat(600)), "oversized");
    for (int i = 0; i < 2; i++) {
      TestBroker.Delivery delivery = destination.receive();
      delivery.process(
          consumer.messaging, () -> Assertions.assertThat(Baggage.current().isEmpty()).isTrue());
    }

    Assertions.assertThat(consumer.spans())
        .hasSize(2)
        .allSatisfy(span -> assertThat(span).hasNoParent().hasTotalRecordedLinks(0));
  }

  @Test
  void aBatchIsOneSpanWithALinkPerMessage() throws Exception {
    TestBroker.Destination destination = open();
    for (int i = 0; i < 3; i++) {
      destination.publish(producer.messaging, "order-" + i);
    }

    ConsumerSpanBuilder batch = consumer.messaging.consumer(broker.system(), destination.name());
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestBroker.Delivery delivery = destination.receive();
      delivery.addTo(batch);
      bodies.add(delivery.body());
    }
    batch.run(() -> {});

    Assertions.assertThat(bodies).containsExactly("order-0", "order-1", "order-2");
    List<SpanData> sends = producer.spans();
    Assertions.assertThat(sends.stream().map(SpanData::getTraceId).distinct()).hasSize(3);
    assertThat(consumer.span("process " + destination.name()))
        .hasNoParent()
        .hasLinks(sends.stream().map(AbstractBrokerTest::linkTo).collect(Collectors.toList()))
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, broker.system()),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, destination.name()),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_BATCH_MESSAGE_COUNT, 3L));
  }

  @Test
  void aLongLivedConsumerStartsANewTraceLinkedToTheProducer() throws Exception {
    TestBroker.Destination destination = open();
    MessagingTelemetry linking =
        MessagingTelemetry.builder(consumer.openTelemetry).newTraceWithLink(true).build();

    destination.publish(producer.messaging, "order-1");
    TestBroker.Delivery delivery = destination.receive();
    delivery.process(linking, () -> null);

    SpanData send = producer.span("send " + destination.name());
    SpanData process = consumer.span("process " + destination.name());
    assertThat(process)
        .hasNoParent()
        .hasLinks(linkTo(send))
        .hasAttributesSatisfyingExactly(standardAttributes(destination, "process"));
    Assertions.assertThat(process.getTraceId()).isNotEqualTo(send.getTraceId());
  }

  /**
   * Agent A calls agent B over HTTP (JDK {@code HttpClient} and {@code HttpServer}, both
   * instrumented); B publishes through the broker; worker C processes the message: one trace, each
   * span the child of the one before.
   */
  @Test
  void anHttpHopThenTheBrokerIsOneTrace() throws Exception {
    TestBroker.Destination destination = open();
    TestService agentA = TestService.withPlainSdk("agent-a");
    opened.add(agentA);
    // plain SDK: its server span, which ends after the response went out, can be awaited
    TestService agentB = TestService.withPlainSdk("agent-b");
    opened.add(agentB);
    TestService workerC = consumer;

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpContext orders =
        server.createContext(
            "/orders",
            exchange -> {
              try {
                String body =
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                destination.publish(agentB.messaging, body);
                exchange.sendResponseHeaders(202, -1);
              } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
              } finally {
                exchange.close();
              }
            });
    JavaHttpServerTelemetry.create(agentB.openTelemetry).configure(orders);
    server.start();
    opened.add(() -> server.stop(0));
    HttpClient client =
        JavaHttpClientTelemetry.create(agentA.openTelemetry)
            .newHttpClient(HttpClient.newHttpClient());
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");

    int status =
        Tracing.create(agentA.openTelemetry)
            .traced(
                "plan-order",
                () ->
                    client
                        .send(
                            HttpRequest.newBuilder(uri)
                                .POST(HttpRequest.BodyPublishers.ofString("order-1"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode());
    TestBroker.Delivery delivery = destination.receive();
    String body = delivery.process(workerC.messaging, delivery::body);

    Assertions.assertThat(status).isEqualTo(202);
    Assertions.assertThat(body).isEqualTo("order-1");
    SpanData root = agentA.span("plan-order");
    SpanData clientSpan = agentA.span("POST");
    SpanData serverSpan = agentB.awaitSpan("POST /orders");
    SpanData send = agentB.span("send " + destination.name());
    SpanData process = workerC.span("process " + destination.name());
    assertThat(root).hasNoParent();
    assertThat(clientSpan).hasKind(SpanKind.CLIENT).hasParent(root);
    assertThat(serverSpan).hasKind(SpanKind.SERVER).hasParent(clientSpan);
    assertThat(send).hasKind(SpanKind.PRODUCER).hasParent(serverSpan);
    assertThat(process).hasKind(SpanKind.CONSUMER).hasParent(send);
    Set<String> traceIds =
        List.of(root, clientSpan, serverSpan, send, process).stream()
            .map(SpanData::getTraceId)
            .collect(Collectors.toSet());
    Assertions.assertThat(traceIds).hasSize(1);
    Assertions.assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
    Assertions.assertThat(process.getParentSpanContext().isRemote()).isTrue();
  }

  private TestBroker.Destination open() throws Exception {
    TestBroker.Destination destination = broker.open();
    opened.add(destination);
    return destination;
  }

  private List<AttributeAssertion> standardAttributes(
      TestBroker.Destination destination, String operation) {
    return List.of(
        equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, broker.system()),
        equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, destination.name()),
        equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, operation),
        equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, operation));
  }

  /** The link a consumer records to a message sent in {@code send}: a remote span context. */
  private static LinkData linkTo(SpanData send) {
    SpanContext sent = send.getSpanContext();
    return LinkData.create(
        SpanContext.createFromRemoteParent(
            sent.getTraceId(), sent.getSpanId(), sent.getTraceFlags(), sent.getTraceState()));
  }
}
