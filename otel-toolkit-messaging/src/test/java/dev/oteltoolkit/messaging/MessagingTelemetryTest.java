package dev.oteltoolkit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API over two in-process services (a producer and a consumer), no broker. */
@SuppressWarnings("try") // scopes closed by try-with-resources are never read
class MessagingTelemetryTest {

  private static final String VALID_TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private final TestService producer = TestService.withTelemetry("producer");
  private final TestService consumer = TestService.withPlainSdk("consumer");

  @AfterEach
  void tearDown() {
    producer.close();
    consumer.close();
  }

  @Test
  void publishInjectsTheProducerSpanAndRunsTheSendInsideIt() {
    Map<String, String> headers = new HashMap<>();
    AtomicReference<SpanContext> inSend = new AtomicReference<>();
    AtomicReference<String> traceparentAtSend = new AtomicReference<>();

    producer.messaging.publish(
        "rabbitmq",
        "orders",
        headers,
        () -> {
          inSend.set(Span.current().getSpanContext());
          traceparentAtSend.set(headers.get("traceparent"));
        });

    SpanData send = producer.span("send orders");
    assertThat(send)
        .hasKind(SpanKind.PRODUCER)
        .hasNoParent()
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "rabbitmq"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "send"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "send"));
    Assertions.assertThat(send.getInstrumentationScopeInfo().getName())
        .isEqualTo("dev.oteltoolkit.messaging");
    Assertions.assertThat(inSend.get()).isEqualTo(send.getSpanContext());
    Assertions.assertThat(traceparentAtSend.get())
        .isEqualTo(
            "00-"
                + send.getTraceId()
                + "-"
                + send.getSpanId()
                + "-"
                + send.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void processContinuesTheProducersTraceWithExactAttributes() {
    Map<String, Object> headers = new HashMap<>();
    producer.messaging.publish("rabbitmq", "orders", headers, () -> {});

    String result =
        consumer.messaging.process(
            "rabbitmq", "orders", headers, () -> Span.current().getSpanContext().getTraceId());

    SpanData send = producer.span("send orders");
    SpanData process = consumer.span("process orders");
    assertThat(process)
        .hasKind(SpanKind.CONSUMER)
        .hasTraceId(send.getTraceId())
        .hasParent(send)
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "rabbitmq"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "process"));
    Assertions.assertThat(process.getParentSpanContext().isRemote()).isTrue();
    Assertions.assertThat(result).isEqualTo(send.getTraceId());
    Assertions.assertThat(producer.spans()).hasSize(1);
    Assertions.assertThat(consumer.spans()).hasSize(1);
  }

  @Test
  void processWithoutContextIsAChildOfTheCurrentSpanOrANewRoot() {
    consumer.messaging.process("nats", "a", new HashMap<String, String>(), () -> {});
    consumer.messaging.process("nats", "b", null, () -> {});
    Span outer = consumer.openTelemetry.getTracer("test").spanBuilder("loop").startSpan();
    try (Scope ignored = outer.makeCurrent()) {
      consumer.messaging.process("nats", "c", Map.of("traceparent", "garbage"), () -> {});
    } finally {
      outer.end();
    }

    assertThat(consumer.span("process a")).hasNoParent();
    assertThat(consumer.span("process b")).hasNoParent();
    assertThat(consumer.span("process c")).hasParent(consumer.span("loop"));
  }

  @Test
  void baggageTravelsWithTheMessage() {
    Map<String, String> headers = new HashMap<>();
    try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      producer.messaging.publish("kafka", "orders", headers, () -> {});
    }
    Assertions.assertThat(headers).containsEntry("baggage", "tenant=acme");

    String tenant =
        consumer.messaging.process(
            "kafka", "orders", headers, () -> Baggage.current().getEntryValue("tenant"));

    Assertions.assertThat(tenant).isEqualTo("acme");
  }

  @Test
  void propagationUsesTheGivenInstanceNeverTheGlobalOne() {
    try (TestService traceContextOnly =
            TestService.withPlainSdk(
                "trace-context-only", W3CTraceContextPropagator.getInstance());
        TestService noPropagation =
            TestService.withPlainSdk("no-propagation", TextMapPropagator.noop())) {
      Map<String, String> first = new HashMap<>();
      Map<String, String> second = new HashMap<>();
      try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
        traceContextOnly.messaging.publish("kafka", "orders", first, () -> {});
        noPropagation.messaging.publish("kafka", "orders", second, () -> {});
      }
      Assertions.assertThat(first).containsOnlyKeys("traceparent");
      Assertions.assertThat(second).isEmpty();

      noPropagation.messaging.process("kafka", "orders", first, () -> {});
      assertThat(noPropagation.span("process orders")).hasNoParent();
    }
  }

  @Test
  void errorsAreRecordedAndTheSameExceptionIsRethrown() {
    IOException sendFailure = new IOException("broker down");
    IllegalStateException handlerFailure = new IllegalStateException();
    Map<String, String> headers = new HashMap<>();

    assertThatThrownBy(
            () ->
                producer.messaging.publish(
                    "rabbitmq",
                    "orders",
                    headers,
                    () -> {
                      throw sendFailure;
                    }))
        .isSameAs(sendFailure);
    assertThatThrownBy(
            () ->
                consumer.messaging.process(
                    "rabbitmq",
                    "orders",
                    headers,
                    () -> {
                      throw handlerFailure;
                    }))
        .isSameAs(handlerFailure);

    assertThat(producer.span("send orders"))
        .hasStatus(StatusData.create(io.opentelemetry.api.trace.StatusCode.ERROR, "broker down"))
        .hasException(sendFailure)
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "rabbitmq"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "send"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "send"),
            equalTo(ErrorAttributes.ERROR_TYPE, "java.io.IOException"));
    assertThat(consumer.span("process orders"))
        .hasStatus(StatusData.error())
        .hasException(handlerFailure)
        .hasParent(producer.span("send orders"))
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "rabbitmq"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "process"),
            equalTo(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException"));
  }

  @Test
  void checkedExceptionsKeepTheirTypeThroughEveryForm() {
    IOException failure = new IOException("x");
    // these compile only because the checked type passes through: no wrapping, no casts
    assertThatThrownBy(() -> producer.messaging.producer("k", "d").run(() -> fail(failure)))
        .isSameAs(failure);
    assertThatThrownBy(
            () -> producer.messaging.producer("k", "d").call(() -> failWithResult(failure)))
        .isSameAs(failure);
    assertThatThrownBy(() -> consumer.messaging.consumer("k", "d").run(() -> fail(failure)))
        .isSameAs(failure);
    assertThatThrownBy(
            () -> consumer.messaging.consumer("k", "d").call(() -> failWithResult(failure)))
        .isSameAs(failure);
    assertThatThrownBy(
            () -> consumer.messaging.process("k", "d", null, () -> failWithResult(failure)))
        .isSameAs(failure);
    Assertions.assertThat(producer.spans()).hasSize(2);
    Assertions.assertThat(consumer.spans()).hasSize(3);
    for (SpanData span : consumer.spans()) {
      assertThat(span).hasException(failure);
    }
  }

  @Test
  void producerBuilderSetsEveryOptionAtStart() {
    SpanContext linked = remoteContext("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
    Map<String, byte[]> headers = new HashMap<>();
    String ack =
        producer
            .messaging
            .producer("rabbitmq", "orders")
            .operationName("publish")
            .messageId("m-1")
            .conversationId("c-9")
            .bodySize(42)
            .serverAddress("127.0.0.1")
            .serverPort(5672)
            .attribute(
                MessagingIncubatingAttributes.MESSAGING_RABBITMQ_DESTINATION_ROUTING_KEY, "eu")
            .attribute(AttributeKey.stringKey("ignored.null"), null)
            .link(linked)
            .carrier(headers, MessageCarriers.bytesMapSetter())
            .call(() -> "ack");

    Assertions.assertThat(ack).isEqualTo("ack");
    SpanData span = producer.span("publish orders");
    assertThat(span)
        .hasKind(SpanKind.PRODUCER)
        .hasLinks(LinkData.create(linked))
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "rabbitmq"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "send"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "publish"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID, "m-1"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_CONVERSATION_ID, "c-9"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_BODY_SIZE, 42L),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, 5672L),
            equalTo(
                MessagingIncubatingAttributes.MESSAGING_RABBITMQ_DESTINATION_ROUTING_KEY, "eu"));
    Assertions.assertThat(new String(headers.get("traceparent"), StandardCharsets.UTF_8))
        .contains(span.getSpanId());
  }

  @Test
  void consumerBuilderSetsEveryOptionAtStart() {
    Map<String, String> headers = new HashMap<>();
    producer.messaging.publish("nats", "orders", headers, () -> {});

    consumer
        .messaging
        .consumer("nats", "orders")
        .operationName("handle")
        .messageId("m-1")
        .conversationId("c-9")
        .bodySize(0)
        .consumerGroup("workers")
        .subscriptionName("durable-1")
        .serverAddress("127.0.0.1")
        .serverPort(4222)
        .attribute(AttributeKey.longKey("app.attempt"), 2L)
        .headers(headers)
        .run(() -> {});

    assertThat(consumer.span("handle orders"))
        .hasKind(SpanKind.CONSUMER)
        .hasParent(producer.span("send orders"))
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "nats"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "handle"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID, "m-1"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_CONVERSATION_ID, "c-9"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_BODY_SIZE, 0L),
            equalTo(MessagingIncubatingAttributes.MESSAGING_CONSUMER_GROUP_NAME, "workers"),
            equalTo(
                MessagingIncubatingAttributes.MESSAGING_DESTINATION_SUBSCRIPTION_NAME, "durable-1"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, 4222L),
            equalTo(AttributeKey.longKey("app.attempt"), 2L));
  }

  @Test
  void anEmptyDestinationLeavesTheNameToTheOperation() {
    producer.messaging.publish("rabbitmq", "", new HashMap<String, String>(), () -> {});

    assertThat(producer.span("send"))
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "rabbitmq"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "send"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "send"));
  }

  @Test
  void builderArgumentsAreValidatedWithTheValueInTheMessage() {
    ProducerSpanBuilder send = producer.messaging.producer("k", "d");
    ConsumerSpanBuilder process = consumer.messaging.consumer("k", "d");
    assertThatThrownBy(() -> send.bodySize(-1)).hasMessage("bodySize=-1: must be >= 0");
    assertThatThrownBy(() -> process.serverPort(70000))
        .hasMessage("serverPort=70000: must be between 1 and 65535");
    assertThatThrownBy(() -> send.operationName(""))
        .hasMessage("operationName=\"\": must not be empty");
    assertThatThrownBy(() -> producer.messaging.publish(null, "d", new HashMap<>(), () -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("system");
    assertThatThrownBy(() -> MessagingTelemetry.create(null)).hasMessage("openTelemetry");
  }

  @Test
  void newTraceWithLinkStartsFromTheCurrentContextAndLinksToTheMessage() {
    Map<String, String> headers = new HashMap<>();
    try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      producer.messaging.publish("rabbitmq", "orders", headers, () -> {});
    }
    MessagingTelemetry linking =
        MessagingTelemetry.builder(consumer.openTelemetry).newTraceWithLink(true).build();

    String tenant =
        linking.process(
            "rabbitmq", "orders", headers, () -> Baggage.current().getEntryValue("tenant"));
    linking.consumer("rabbitmq", "none").headers(Map.of()).run(() -> {});
    consumer
        .messaging
        .consumer("rabbitmq", "per-span")
        .newTraceWithLink(true)
        .headers(headers)
        .run(() -> {});

    SpanData send = producer.span("send orders");
    SpanData process = consumer.span("process orders");
    assertThat(process)
        .hasNoParent()
        .hasLinks(
            LinkData.create(
                remoteContext(send.getTraceId(), send.getSpanId(), send.getSpanContext())));
    Assertions.assertThat(process.getTraceId()).isNotEqualTo(send.getTraceId());
    Assertions.assertThat(tenant).isEqualTo("acme");
    assertThat(consumer.span("process none")).hasNoParent().hasTotalRecordedLinks(0);
    assertThat(consumer.span("process per-span")).hasNoParent().hasTotalRecordedLinks(1);
  }

  @Test
  void aBatchIsOneSpanWithOneLinkPerValidMessage() {
    List<Map<String, String>> messages = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Map<String, String> headers = new HashMap<>();
      producer.messaging.publish("kafka", "orders", headers, () -> {});
      messages.add(headers);
    }
    Properties fromJms = new Properties();
    producer
        .messaging
        .producer("jms", "orders")
        .carrier(fromJms, MessageCarriers.propertiesSetter())
        .run(() -> {});

    ConsumerSpanBuilder batch = consumer.messaging.consumer("kafka", "orders");
    for (Map<String, String> headers : messages) {
      batch.batchMessage(headers);
    }
    batch.batchMessage(fromJms, MessageCarriers.propertiesGetter());
    batch.batchMessage(Map.of("traceparent", "00-garbage"));
    batch.batchMessage((Map<String, ?>) null);
    batch.run(() -> {});

    List<SpanData> sends = producer.spans();
    List<LinkData> expected = new ArrayList<>();
    for (SpanData send : sends) {
      expected.add(
          LinkData.create(
              remoteContext(send.getTraceId(), send.getSpanId(), send.getSpanContext())));
    }
    assertThat(consumer.span("process orders"))
        .hasNoParent()
        .hasLinks(expected)
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "kafka"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_BATCH_MESSAGE_COUNT, 6L));
  }

  @Test
  void mapCarriersDecodeStringsBytesAndBrokerTypes() {
    SpanData send = publishOnce();
    String traceparent = "00-" + send.getTraceId() + "-" + send.getSpanId() + "-01";
    Object longStringLike =
        new Object() {
          @Override
          public String toString() {
            return traceparent;
          }
        };
    List<Map<String, ?>> carriers =
        List.of(
            Map.of("traceparent", traceparent),
            Map.of("traceparent", traceparent.getBytes(StandardCharsets.UTF_8)),
            Map.of("traceparent", longStringLike),
            Map.of("traceparent", new StringBuilder(traceparent)));

    for (Map<String, ?> headers : carriers) {
      consumer.messaging.process("k", "d", headers, () -> {});
    }

    Assertions.assertThat(consumer.spans())
        .hasSize(4)
        .allSatisfy(span -> assertThat(span).hasParent(send));
  }

  @Test
  void propertiesAndCustomCarriersWorkBothWays() {
    Properties properties = new Properties();
    producer
        .messaging
        .producer("jms", "q")
        .carrier(properties, MessageCarriers.propertiesSetter())
        .run(() -> {});
    List<String[]> custom = new ArrayList<>();
    TextMapSetter<List<String[]>> setter =
        (list, key, value) -> list.add(new String[] {key, value});
    TextMapGetter<Collection<String[]>> getter =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(Collection<String[]> carrier) {
            return carrier.stream().map(pair -> pair[0]).toList();
          }

          @Override
          public String get(Collection<String[]> carrier, String key) {
            return carrier.stream()
                .filter(p -> p[0].equals(key))
                .map(p -> p[1])
                .findFirst()
                .orElse(null);
          }
        };
    producer.messaging.producer("custom", "q").carrier(custom, setter).run(() -> {});

    consumer
        .messaging
        .consumer("jms", "q")
        .carrier(properties, MessageCarriers.propertiesGetter())
        .run(() -> {});
    consumer.messaging.consumer("custom", "q").carrier(custom, getter).run(() -> {});
    Properties withDefaults = new Properties(properties);
    consumer
        .messaging
        .consumer("defaults", "q")
        .carrier(withDefaults, MessageCarriers.propertiesGetter())
        .run(() -> {});

    SpanData jmsSend = producer.spans().get(0);
    SpanData customSend = producer.spans().get(1);
    assertThat(consumer.spans().get(0)).hasParent(jmsSend);
    assertThat(consumer.spans().get(1)).hasParent(customSend);
    assertThat(consumer.spans().get(2)).hasParent(jmsSend);
  }

  @Test
  void anImmutableHeaderMapDoesNotStopTheSendAndIsLoggedOnce() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(MessagingTelemetry.class.getName());
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    int[] sent = new int[1];
    try {
      producer.messaging.publish("rabbitmq", "orders", Map.of(), () -> sent[0]++);
      producer.messaging.publish("rabbitmq", "orders", Map.of(), () -> sent[0]++);
    } finally {
      logger.removeHandler(capture);
    }

    Assertions.assertThat(sent[0]).isEqualTo(2);
    Assertions.assertThat(producer.spans())
        .hasSize(2)
        .allSatisfy(span -> assertThat(span).hasStatus(StatusData.unset()));
    Assertions.assertThat(records).hasSize(1);
    Assertions.assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    Assertions.assertThat(records.get(0).getThrown())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aNoopOpenTelemetryRunsTheBodiesAndRecordsNothing() throws Exception {
    MessagingTelemetry noop = MessagingTelemetry.create(OpenTelemetry.noop());
    Map<String, String> headers = new HashMap<>();
    int[] runs = new int[1];

    noop.publish("k", "d", headers, () -> runs[0]++);
    String result = noop.process("k", "d", Map.of("traceparent", VALID_TRACEPARENT), () -> "ok");

    Assertions.assertThat(runs[0]).isEqualTo(1);
    Assertions.assertThat(result).isEqualTo("ok");
    Assertions.assertThat(headers).isEmpty();
  }

  @Test
  void aThrowingGetterOrPropagatorNeverReachesTheHandler() {
    TextMapGetter<Object> throwing =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(Object carrier) {
            throw new IllegalStateException("keys");
          }

          @Override
          public String get(Object carrier, String key) {
            throw new IllegalStateException("get");
          }
        };
    TextMapPropagator broken =
        new TextMapPropagator() {
          @Override
          public Collection<String> fields() {
            return List.of();
          }

          @Override
          public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
            throw new IllegalStateException("inject");
          }

          @Override
          public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
            throw new IllegalStateException("extract");
          }
        };
    try (TestService brokenService = TestService.withPlainSdk("broken", broken)) {
      consumer.messaging.consumer("k", "getter").carrier(new Object(), throwing).run(() -> {});
      brokenService.messaging.publish("k", "d", new HashMap<String, String>(), () -> {});
      brokenService.messaging.process("k", "d", Map.of("traceparent", VALID_TRACEPARENT), () -> {});

      assertThat(consumer.span("process getter")).hasNoParent();
      assertThat(brokenService.span("send d")).hasStatus(StatusData.unset());
      assertThat(brokenService.span("process d")).hasNoParent();
    }
  }

  @Test
  void anInvalidSpanPutInByAPropagatorDoesNotHideTheCurrentSpan() {
    TextMapPropagator invalidating =
        new TextMapPropagator() {
          @Override
          public Collection<String> fields() {
            return List.of();
          }

          @Override
          public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {}

          @Override
          public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
            return context.with(Span.getInvalid());
          }
        };
    try (TestService service = TestService.withPlainSdk("invalidating", invalidating)) {
      Span outer = service.openTelemetry.getTracer("test").spanBuilder("loop").startSpan();
      try (Scope ignored = outer.makeCurrent()) {
        service.messaging.process("k", "d", Map.of("x", "y"), () -> {});
      } finally {
        outer.end();
      }
      assertThat(service.span("process d")).hasParent(service.span("loop"));
    }
  }

  @Test
  void oversizedHeadersAreIgnored() {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    // a future-version traceparent may carry more fields: the propagator accepts any length
    String atLimit = padTo("01-" + traceId + "-b7ad6b7169203331-01-", 512);
    String overLimit = padTo("01-" + traceId + "-b7ad6b7169203331-01-", 513);
    String baggageAtLimit = "k=" + "v".repeat(8190);
    String baggageOverLimit = "k=" + "v".repeat(8191);

    String[] seen = new String[2];
    consumer.messaging.process(
        "k",
        "at",
        Map.of("traceparent", atLimit, "baggage", baggageAtLimit),
        () -> seen[0] = Baggage.current().getEntryValue("k"));
    consumer.messaging.process(
        "k",
        "over",
        Map.of("traceparent", overLimit, "baggage", baggageOverLimit),
        () -> seen[1] = Baggage.current().getEntryValue("k"));

    assertThat(consumer.span("process at")).hasTraceId(traceId);
    assertThat(consumer.span("process over")).hasNoParent();
    Assertions.assertThat(seen[0]).hasSize(8190);
    Assertions.assertThat(seen[1]).isNull();
  }

  @Test
  void baggageMembersWithABrokenPercentEncodingAreLeftOutAndTheOthersKept() {
    Map<String, String> seen = new HashMap<>();
    String[][] cases = {
      {"a=1,b=%zz", "a=1"},
      {"a=1,b=2%4", "a=1"},
      {"b=%zz,a=1;p=%E2%82%AC", "a=1"},
      {"a=1;p=%q1,c=3", "c=3"},
      {"a=%E2%82%AC,b=%", "a=\u20ac"},
      {"b=%zz", ""},
      {"b=%zz, ,a=%41", "a=A"}
    };
    for (String[] pair : cases) {
      consumer.messaging.process(
          "k",
          "d",
          Map.of("baggage", pair[0]),
          () -> {
            StringBuilder entries = new StringBuilder();
            Baggage.current()
                .forEach(
                    (key, entry) ->
                        entries
                            .append(entries.length() == 0 ? "" : ",")
                            .append(key)
                            .append('=')
                            .append(entry.getValue()));
            seen.put(pair[0], entries.toString());
          });
    }
    for (String[] pair : cases) {
      Assertions.assertThat(seen.get(pair[0])).as(pair[0]).isEqualTo(pair[1]);
    }
  }

  @Test
  void aTraceparentOutsidePrintableAsciiIsIgnored() {
    String withNonAscii = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333\uffff-01";

    consumer.messaging.process(
        "k",
        "d",
        Map.of("traceparent", withNonAscii, "baggage", "a=1"),
        () -> {
          Assertions.assertThat(Baggage.current().getEntryValue("a")).isEqualTo("1");
        });

    assertThat(consumer.span("process d")).hasNoParent();
  }

  @Test
  void theSizeLimitsApplyPerHeaderAndToEveryGetter() {
    BoundedGetter<Map<String, ?>> getter =
        new BoundedGetter<>(MessageCarriers.mapGetter(), new HeaderProblems());
    Map<String, Object> headers = new HashMap<>();
    headers.put("traceparent", "t".repeat(513));
    headers.put("tracestate", "s".repeat(8193));
    headers.put("baggage", "b".repeat(8192));
    headers.put("other", "o".repeat(8193));
    headers.put("bytes", new byte[8193]);

    Assertions.assertThat(getter.get(headers, "traceparent")).isNull();
    Assertions.assertThat(getter.get(headers, "tracestate")).isNull();
    Assertions.assertThat(getter.get(headers, "baggage")).hasSize(8192);
    Assertions.assertThat(getter.get(headers, "other")).isNull();
    Assertions.assertThat(getter.get(headers, "bytes")).isNull();
    headers.put("tracestate", "s".repeat(8192));
    headers.put("traceparent", "t".repeat(512));
    Assertions.assertThat(getter.get(headers, "tracestate")).hasSize(8192);
    Assertions.assertThat(getter.get(headers, "traceparent")).hasSize(512);
  }

  @Test
  void theTraceStateOfTheProducerArrives() {
    SpanContext upstream =
        SpanContext.createFromRemoteParent(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "v1").build());
    Map<String, String> headers = new HashMap<>();
    try (Scope ignored = Context.root().with(Span.wrap(upstream)).makeCurrent()) {
      producer.messaging.publish("k", "d", headers, () -> {});
    }
    consumer.messaging.process("k", "d", headers, () -> {});

    Assertions.assertThat(headers).containsEntry("tracestate", "vendor=v1");
    assertThat(consumer.span("process d"))
        .hasTraceId(upstream.getTraceId())
        .hasTraceState(upstream.getTraceState());
  }

  private SpanData publishOnce() {
    producer.messaging.publish("k", "d", new HashMap<String, String>(), () -> {});
    return producer.span("send d");
  }

  private static String padTo(String prefix, int length) {
    return prefix + "x".repeat(length - prefix.length());
  }

  private static SpanContext remoteContext(String traceId, String spanId) {
    return SpanContext.createFromRemoteParent(
        traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }

  /** The context a consumer extracts from a message sent by {@code sent}. */
  private static SpanContext remoteContext(String traceId, String spanId, SpanContext sent) {
    return SpanContext.createFromRemoteParent(
        traceId, spanId, sent.getTraceFlags(), sent.getTraceState());
  }

  private static void fail(IOException failure) throws IOException {
    throw failure;
  }

  private static String failWithResult(IOException failure) throws IOException {
    throw failure;
  }
}
