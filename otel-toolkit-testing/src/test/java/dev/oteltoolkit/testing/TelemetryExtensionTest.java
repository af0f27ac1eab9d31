package dev.oteltoolkit.testing;

import static dev.oteltoolkit.api.Traced.traced;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension in a static field: one telemetry for the class, reset before each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TelemetryExtensionTest {

  private static final AttributeKey<String> CART = AttributeKey.stringKey("shop.cart");

  @RegisterExtension
  static final TelemetryExtension otel = TelemetryExtension.create(b -> b.serviceName("shop"));

  private static boolean firstTestRan;

  @Test
  @Order(1)
  void aTracedCallIsOneTreeWithItsChildrenAndREDMetrics() {
    checkout("cart-1");

    otel.assertTrace("checkout")
        .hasRoot(
            root ->
                root.hasKind(SpanKind.INTERNAL)
                    .hasAttributesSatisfyingExactly(equalTo(CART, "cart-1")))
        .hasChildTree(
            "charge card",
            card ->
                card.satisfiesSpan(span -> span.hasKind(SpanKind.CLIENT))
                    .hasChild("POST /charge")
                    .hasNoOtherChildren())
        .hasChild("reserve stock")
        .hasNoOtherSpans();
    otel.assertOperation("checkout").hasCount(1).hasNoErrors();
    otel.assertOperation("reserve stock").hasCount(1);
    // the global is this extension's telemetry: Traced recorded into it
    assertThat(GlobalOpenTelemetry.isSet()).isTrue();
    firstTestRan = true;
  }

  @Test
  @Order(2)
  void whatEarlierTestsRecordedIsGoneBeforeTheNextTest() {
    assertThat(firstTestRan).as("the first test ran before this one").isTrue();
    assertThat(otel.spans()).isEmpty();
    assertThat(otel.logRecords()).isEmpty();
    otel.assertOperation("checkout").hasCount(0);
    assertThat(otel.metrics()).noneMatch(m -> m.getName().equals(Tracing.OPERATION_DURATION));

    checkout("cart-2");
    otel.assertOperation("checkout").hasCount(1);
  }

  @Test
  void failuresCountAsErrorsByType() {
    for (int i = 0; i < 3; i++) {
      int call = i;
      try {
        traced(
            "pay",
            () -> {
              if (call > 0) {
                throw new IllegalStateException("declined " + call);
              }
            });
      } catch (IllegalStateException expected) {
        // recorded on the span and in the RED histogram
      }
    }
    otel.assertOperation("pay")
        .hasCount(3)
        .hasErrorCount(2)
        .hasErrors("java.lang.IllegalStateException", 2)
        .hasErrors("java.io.IOException", 0);
    assertThat(otel.assertOperation("pay").count()).isEqualTo(3);
    assertThat(otel.assertTraces("pay", 3))
        .extracting(trace -> trace.rootSpan().getStatus().getStatusCode())
        .containsExactly(StatusCode.UNSET, StatusCode.ERROR, StatusCode.ERROR);
  }

  @Test
  void childrenEndedOnOtherThreadsHangUnderTheirParent() throws Exception {
    ExecutorService pool = Context.taskWrapping(Executors.newFixedThreadPool(3));
    try {
      traced(
          "fan out",
          () -> {
            List<Future<?>> parts = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
              parts.add(pool.submit(() -> traced("fetch part", () -> traced("read", () -> {}))));
            }
            for (Future<?> part : parts) {
              part.get(10, TimeUnit.SECONDS);
            }
            return null;
          });
    } finally {
      pool.shutdownNow();
    }
    otel.assertTrace("fan out")
        .hasChildren("fetch part", 3, part -> part.hasKind(SpanKind.INTERNAL))
        .hasSpanCount(7);
  }

  @Test
  void aConsumerThreadThatEndsAfterTheRootIsAwaitedNotSleptFor() throws Exception {
    BlockingQueue<Context> queue = new ArrayBlockingQueue<>(1);
    CountDownLatch rootEnded = new CountDownLatch(1);
    Thread consumer =
        new Thread(
            () -> {
              try {
                Context producer = queue.take();
                rootEnded.await();
                otel.tracing()
                    .span("process order")
                    .kind(SpanKind.CONSUMER)
                    .parent(producer)
                    .run(() -> {});
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "consumer");
    consumer.start();
    traced(
        "place order",
        () -> {
          otel.tracing()
              .span("publish order")
              .kind(SpanKind.PRODUCER)
              .run(() -> queue.put(Context.current()));
        });
    rootEnded.countDown(); // the consumer's span ends only now, after the whole request

    otel.awaitTrace(
            "place order",
            trace ->
                trace.hasChildTree(
                    "publish order",
                    publish ->
                        publish.hasChild(
                            "process order", process -> process.hasKind(SpanKind.CONSUMER))))
        .hasNoOtherSpans();
    consumer.join(10_000);
  }

  @Test
  void aSecondServiceJoinsTheTreeThroughARemoteParent() {
    Tracing inventory = Tracing.create(otel.service("inventory").openTelemetry());
    Map<String, String> headers = new HashMap<>();
    otel.tracing()
        .span("GET /stock")
        .kind(SpanKind.CLIENT)
        .run(
            () ->
                otel.openTelemetry()
                    .getPropagators()
                    .getTextMapPropagator()
                    .inject(Context.current(), headers, Map::put));
    Context remote =
        otel.openTelemetry()
            .getPropagators()
            .getTextMapPropagator()
            .extract(Context.root(), headers, MapGetter.INSTANCE);
    assertThat(Span.fromContext(remote).getSpanContext().isRemote()).isTrue();
    inventory
        .span("handle stock")
        .kind(SpanKind.SERVER)
        .parent(remote)
        .run(() -> inventory.traced("SELECT stock", () -> {}));

    otel.assertTrace("GET /stock")
        .hasRoot(
            root ->
                root.hasResourceSatisfying(
                    r -> r.hasAttribute(AttributeKey.stringKey("service.name"), "shop")))
        .hasChildTree(
            "handle stock",
            server ->
                server
                    .satisfiesSpan(
                        span ->
                            span.hasKind(SpanKind.SERVER)
                                .hasResourceSatisfying(
                                    r ->
                                        r.hasAttribute(
                                            AttributeKey.stringKey("service.name"), "inventory")))
                    .hasChild("SELECT stock"))
        .hasNoOtherSpans();
    // the tree names each span's service when a trace crosses services
    assertThat(otel.consoleTree()).contains("handle stock (SERVER)").contains("[inventory]");
  }

  @Test
  void logRecordsCarryTheTraceAndSpanTheyWereEmittedIn() {
    String[] ids = new String[2];
    traced(
        "import batch",
        () -> {
          ids[0] = Span.current().getSpanContext().getTraceId();
          ids[1] = Span.current().getSpanContext().getSpanId();
          otel.openTelemetry()
              .getLogsBridge()
              .get("importer")
              .logRecordBuilder()
              .setSeverity(Severity.WARN)
              .setSeverityText("WARN")
              .setBody("row 7 skipped")
              .emit();
        });
    otel.openTelemetry()
        .getLogsBridge()
        .get("importer")
        .logRecordBuilder()
        .setBody("outside any span")
        .emit();

    List<LogRecordData> logs = otel.logRecords();
    assertThat(logs).hasSize(2);
    TraceTreeAssert trace = otel.assertTrace("import batch");
    assertThat(trace.logRecords())
        .singleElement()
        .satisfies(
            log ->
                OpenTelemetryAssertions.assertThat(log)
                    .hasBody("row 7 skipped")
                    .hasSeverity(Severity.WARN)
                    .hasSpanContext(trace.rootSpan().getSpanContext()));
    assertThat(trace.logRecords().get(0).getSpanContext().getTraceId()).isEqualTo(ids[0]);
    assertThat(trace.logRecords().get(0).getSpanContext().getSpanId()).isEqualTo(ids[1]);
    trace.hasLogRecord(log -> log.hasBody("row 7 skipped"));
    assertThat(otel.consoleTree())
        .contains("· log WARN \"row 7 skipped\"")
        .contains("log records outside the captured spans:")
        .contains("  log \"outside any span\"");
  }

  @Test
  void metricsAddUpAcrossCollectionsWithinATest() {
    LongCounter counter =
        otel.openTelemetry().getMeter("shop").counterBuilder("shop.orders").build();
    counter.add(2, Attributes.of(CART, "a"));
    List<MetricData> first = otel.metrics();
    counter.add(3, Attributes.of(CART, "a"));
    counter.add(5, Attributes.of(CART, "b"));
    List<MetricData> both = otel.metrics();

    assertThat(first)
        .filteredOn(m -> m.getName().equals("shop.orders"))
        .singleElement()
        .satisfies(
            m ->
                OpenTelemetryAssertions.assertThat(m)
                    .hasLongSumSatisfying(
                        sum ->
                            sum.hasPointsSatisfying(
                                p -> p.hasValue(2).hasAttributes(Attributes.of(CART, "a")))));
    assertThat(both)
        .filteredOn(m -> m.getName().equals("shop.orders"))
        .singleElement()
        .satisfies(
            m ->
                OpenTelemetryAssertions.assertThat(m)
                    .hasLongSumSatisfying(
                        sum ->
                            sum.isMonotonic()
                                .hasPointsSatisfying(
                                    p -> p.hasValue(5).hasAttributes(Attributes.of(CART, "a")),
                                    p -> p.hasValue(5).hasAttributes(Attributes.of(CART, "b")))));
  }

  @Test
  void metricFindsTheOneMetricOfThatNameOrFailsNamingTheRecordedOnes() {
    LongCounter counter =
        otel.openTelemetry().getMeter("shop").counterBuilder("shop.orders").build();
    counter.add(2, Attributes.of(CART, "a"));
    counter.add(3, Attributes.of(CART, "a"));

    OpenTelemetryAssertions.assertThat(otel.metric("shop.orders"))
        .hasLongSumSatisfying(
            sum ->
                sum.hasPointsSatisfying(
                    p -> p.hasValue(5).hasAttributes(Attributes.of(CART, "a"))));
    assertThatThrownBy(() -> otel.metric("shop.refunds"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected one metric 'shop.refunds' but 0 were recorded")
        .hasMessageContaining("shop.orders");
  }

  @Test
  void anAssertionOnAMissingChildFailsWithTheWholeTree() {
    checkout("cart-3");
    assertThatThrownBy(() -> otel.assertTrace("checkout").hasChild("send receipt"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "span 'checkout' has no child named 'send receipt'; its children: [charge card,"
                + " reserve stock]")
        .hasMessageContaining("Captured by TelemetryExtension: 4 spans in 1 trace")
        .hasMessageContaining("checkout  ")
        .hasMessageContaining("├─ charge card (CLIENT)")
        .hasMessageContaining("│  └─ POST /charge (CLIENT)")
        .hasMessageContaining("└─ reserve stock");
  }

  static void checkout(String cart) {
    traced(
        "checkout",
        () -> {
          Span.current().setAttribute(CART, cart);
          Tracing tracing = otel.tracing();
          tracing
              .span("charge card")
              .kind(SpanKind.CLIENT)
              .run(() -> tracing.span("POST /charge").kind(SpanKind.CLIENT).run(() -> {}));
          traced("reserve stock", () -> {});
        });
  }

  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
