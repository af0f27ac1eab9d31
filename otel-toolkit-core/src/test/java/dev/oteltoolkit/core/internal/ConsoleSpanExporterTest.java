package dev.oteltoolkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsoleSpanExporterTest {

  private static final String TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACE_B = "0af7651916cd43dd8448eb211c80319c";
  private static final String TRACE_C = "5b8aa5a2d2c872e8321cf37308d69df2";
  private static final long T0 = 1_700_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final Resource CHECKOUT =
      Resource.create(Attributes.of(ServiceAttributes.SERVICE_NAME, "checkout"));
  private static final Resource ORDERS =
      Resource.create(Attributes.of(ServiceAttributes.SERVICE_NAME, "orders"));
  private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("test");

  private static final Logger EXPORTER_LOGGER =
      Logger.getLogger(ConsoleSpanExporter.class.getName());

  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler logHandler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final AtomicLong clock = new AtomicLong(42L);
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private ConsoleSpanExporter exporter;

  @BeforeEach
  void setUp() {
    EXPORTER_LOGGER.addHandler(logHandler);
    exporter = ConsoleSpanExporter.create(stream, clock::get);
  }

  @AfterEach
  void tearDown() {
    exporter.shutdown();
    EXPORTER_LOGGER.removeHandler(logHandler);
    // export() swallows its failures: make sure none happened unseen.
    assertThat(logged).extracting(LogRecord::getThrown).isEmpty();
  }

  @Test
  void printsWholeTreeWithKeyAttributesWhenLocalRootEnds() {
    SpanData select =
        span(TRACE_A, "a2", "a1", "SELECT shop.orders", 2 * MS, 14_345_678)
            .setKind(SpanKind.CLIENT)
            .setAttributes(
                Attributes.builder()
                    .put(DbAttributes.DB_SYSTEM_NAME, "postgresql")
                    .put(DbAttributes.DB_NAMESPACE, "shop")
                    .put(DbAttributes.DB_QUERY_TEXT, "SELECT * FROM orders WHERE id = ?")
                    .put(ServerAttributes.SERVER_ADDRESS, "db.local")
                    .build())
            .build();
    SpanData tool = span(TRACE_A, "a4", "a3", "execute_tool get_stock", 40 * MS, 45 * MS).build();
    SpanData chat =
        span(TRACE_A, "a3", "a1", "chat gpt-4o", 15 * MS, 850 * MS)
            .setKind(SpanKind.CLIENT)
            .setAttributes(
                Attributes.builder()
                    .put("gen_ai.operation.name", "chat")
                    .put("gen_ai.provider.name", "openai")
                    .put("gen_ai.request.model", "gpt-4o")
                    .put("gen_ai.request.temperature", 0.2)
                    .put("gen_ai.usage.output_tokens", 48L)
                    .put("gen_ai.usage.input_tokens", 1200L)
                    .put("gen_ai.usage.cost", 0.00348)
                    .put(ServerAttributes.SERVER_ADDRESS, "api.openai.com")
                    .build())
            .build();
    SpanData pay =
        span(TRACE_A, "a5", "a1", "POST", 851 * MS, 881_004_999)
            .setKind(SpanKind.CLIENT)
            .setStatus(StatusData.create(StatusCode.ERROR, "card declined"))
            .setAttributes(
                Attributes.builder()
                    .put(HttpAttributes.HTTP_REQUEST_METHOD, "POST")
                    .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 402L)
                    .put(UrlAttributes.URL_FULL, "https://pay.example.com/v1/charges")
                    .put(ErrorAttributes.ERROR_TYPE, "java.io.IOException")
                    .build())
            .setEvents(
                List.of(
                    EventData.create(T0 + 880 * MS, "retry", Attributes.empty()),
                    exception(880, "java.io.IOException", "card declined")))
            .setTotalRecordedEvents(2)
            .build();
    SpanData root =
        span(TRACE_A, "a1", null, "GET /checkout", 0, 900 * MS)
            .setKind(SpanKind.SERVER)
            .setStatus(StatusData.ok())
            .setAttributes(
                Attributes.builder()
                    .put(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
                    .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L)
                    .put("oteltoolkit.gen_ai.total.output_tokens", 48L)
                    .put("oteltoolkit.gen_ai.total.input_tokens", 1200L)
                    .put("oteltoolkit.gen_ai.total.cost", 0.00348)
                    .put("oteltoolkit.sampling.kept_by", "latency")
                    .build())
            .build();

    // Children split from their root across two calls, and not in start order.
    exporter.export(List.of(chat, select, tool));
    assertThat(output()).isEmpty();
    exporter.export(List.of(pay, root));

    assertThat(output())
        .isEqualTo(
            """
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
            GET /checkout  900.00 ms  SERVER  OK  oteltoolkit.sampling.kept_by=latency \
            http.request.method=GET \
            http.response.status_code=200 oteltoolkit.gen_ai.total.cost=0.00348 \
            oteltoolkit.gen_ai.total.input_tokens=1200 oteltoolkit.gen_ai.total.output_tokens=48
            ├─ SELECT shop.orders  12.35 ms  CLIENT  db.system.name=postgresql \
            server.address=db.local db.query.text="SELECT * FROM orders WHERE id = ?"
            ├─ chat gpt-4o  835.00 ms  CLIENT  gen_ai.provider.name=openai \
            gen_ai.request.model=gpt-4o server.address=api.openai.com \
            gen_ai.usage.input_tokens=1200 gen_ai.usage.output_tokens=48 gen_ai.usage.cost=0.00348
            │  └─ execute_tool get_stock  5.00 ms
            └─ POST  30.00 ms  CLIENT  ERROR "card declined"  error.type=java.io.IOException \
            http.request.method=POST http.response.status_code=402 \
            url.full=https://pay.example.com/v1/charges
                  ! java.io.IOException: card declined
            """);
  }

  @Test
  void cutsLongValuesAndEscapesControlCharacters() {
    String longQuery =
        "SELECT id,\n  name FROM customers WHERE " + "x = ? AND ".repeat(20) + "y = ?";
    SpanData root =
        span(TRACE_A, "a1", null, "batch\tjob", 0, 1 * MS)
            .setStatus(StatusData.create(StatusCode.ERROR, ""))
            .setAttributes(
                Attributes.builder()
                    .put(DbAttributes.DB_QUERY_TEXT, longQuery)
                    .put(ServerAttributes.SERVER_ADDRESS, "")
                    .put(AttributeKey.stringArrayKey("messaging.destination.name"), "a", "b c")
                    .put(ErrorAttributes.ERROR_TYPE, "say \"no\"")
                    .build())
            .build();

    exporter.export(List.of(root));

    assertThat(output())
        .isEqualTo(
            """
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
            batch\\tjob  1.00 ms  ERROR  error.type="say \\"no\\"" \
            messaging.destination.name=[a, "b c"] server.address="" \
            db.query.text="SELECT id,\\n  name FROM customers WHERE x = ? AND x = ? AND x = ? \
            AND x = ? AND x = ? AND x = ? AND x = ? AND x = ? AND x…"
            """);
  }

  @Test
  void keepsInterleavedTracesApartAcrossBatches() {
    // Both traces use the same span ids: only the trace id keeps them apart.
    SpanData rootA = span(TRACE_A, "1", null, "GET /a", 0, 10 * MS).build();
    SpanData childA = span(TRACE_A, "2", "1", "a child", 1 * MS, 5 * MS).build();
    SpanData grandchildA = span(TRACE_A, "3", "2", "a grandchild", 2 * MS, 3 * MS).build();
    SpanData rootB = span(TRACE_B, "1", null, "GET /b", 3 * MS, 9 * MS).setResource(ORDERS).build();
    SpanData childB =
        span(TRACE_B, "2", "1", "b child", 4 * MS, 6 * MS).setResource(ORDERS).build();
    SpanData secondChildB =
        span(TRACE_B, "3", "1", "b second child", 6 * MS, 8 * MS).setResource(ORDERS).build();

    exporter.export(List.of(grandchildA, childB, childA, secondChildB, rootB));
    String treeB =
        """
        trace 0af7651916cd43dd8448eb211c80319c  service=orders
        GET /b  6.00 ms
        ├─ b child  2.00 ms
        └─ b second child  2.00 ms
        """;
    assertThat(output()).isEqualTo(treeB);

    exporter.export(List.of(rootA));
    assertThat(output())
        .isEqualTo(
            treeB
                + """
                trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
                GET /a  10.00 ms
                └─ a child  4.00 ms
                   └─ a grandchild  1.00 ms
                """);
  }

  @Test
  void drawsAnInProcessConsumerUnderTheSendSpanItContinues() {
    // One trace, two local roots in this process: the HTTP request and the consumer that
    // continues the producer's context after a hop through a broker (a remote parent). The
    // consumer ends before the request does: one tree.
    exporter.export(List.of(send(), insert(), process()));
    assertThat(output()).isEmpty();

    exporter.export(List.of(request()));
    assertThat(output())
        .isEqualTo(
            """
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
            POST /orders  3.00 ms
            └─ send orders  1.00 ms  PRODUCER  messaging.destination.name=orders
               └─ process orders  4.00 ms  CONSUMER  messaging.destination.name=orders
                  └─ INSERT shop.orders  2.00 ms  CLIENT  db.system.name=h2database
            """);
  }

  @Test
  void drawsAConsumerEndingAfterItsProducersTreeUnderAReferenceToTheSendSpan() {
    exporter.export(List.of(send(), request()));
    String requestTree =
        """
        trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
        POST /orders  3.00 ms
        └─ send orders  1.00 ms  PRODUCER  messaging.destination.name=orders
        """;
    assertThat(output()).isEqualTo(requestTree);

    exporter.export(List.of(insert(), process()));
    assertThat(output())
        .isEqualTo(
            requestTree
                + """
                trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
                continues the tree of "POST /orders"
                send orders  (printed above)
                └─ process orders  4.00 ms  CONSUMER  messaging.destination.name=orders
                   └─ INSERT shop.orders  2.00 ms  CLIENT  db.system.name=h2database
                """);
  }

  @Test
  void printsATreeWithATrulyRemoteParentAtOnceNamingTheParentSpanId() {
    // Nothing of the trace is open here: the parent is in another process.
    exporter.export(List.of(insert(), process()));
    String consumerTree =
        """
        trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
        (continues remote parent 00000000000000b2)
        process orders  4.00 ms  CONSUMER  messaging.destination.name=orders
        └─ INSERT shop.orders  2.00 ms  CLIENT  db.system.name=h2database
        """;
    assertThat(output()).isEqualTo(consumerTree);

    // Had that parent been here after all (a consumer run inside publish, ending before the
    // send span did), its line says where its continuation went.
    exporter.export(List.of(send(), request()));
    assertThat(output())
        .isEqualTo(
            consumerTree
                + """
                trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
                POST /orders  3.00 ms
                └─ send orders  1.00 ms  PRODUCER  messaging.destination.name=orders  \
                (continued by "process orders", printed above)
                """);
  }

  @Test
  void joinsAConsumerPropagatedThroughHeadersOfARealTracerProvider() {
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(ORDERS)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    Tracer tracer = tracerProvider.get("test");
    Map<String, String> headers = new HashMap<>();
    Span request = tracer.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
    Span send =
        tracer
            .spanBuilder("send orders")
            .setParent(Context.root().with(request))
            .setSpanKind(SpanKind.PRODUCER)
            .startSpan();
    W3CTraceContextPropagator.getInstance()
        .inject(
            Context.root().with(send), headers, (carrier, key, value) -> carrier.put(key, value));
    send.end();
    request.end();

    Context extracted =
        W3CTraceContextPropagator.getInstance()
            .extract(
                Context.root(),
                headers,
                new TextMapGetter<Map<String, String>>() {
                  @Override
                  public Iterable<String> keys(Map<String, String> carrier) {
                    return carrier.keySet();
                  }

                  @Override
                  public String get(Map<String, String> carrier, String key) {
                    return carrier == null ? null : carrier.get(key);
                  }
                });
    tracer
        .spanBuilder("process orders")
        .setParent(extracted)
        .setSpanKind(SpanKind.CONSUMER)
        .startSpan()
        .end();
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);

    assertThat(output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms"))
        .isEqualTo(
            "trace "
                + request.getSpanContext().getTraceId()
                + """
                  service=orders
                POST /orders  <d> ms  SERVER
                └─ send orders  <d> ms  PRODUCER
                trace \
                """
                + request.getSpanContext().getTraceId()
                + """
                  service=orders  continues the tree of "POST /orders"
                send orders  (printed above)
                └─ process orders  <d> ms  CONSUMER
                """);
  }

  @Test
  void printsLateChildrenAsLateLines() {
    SpanData root = span(TRACE_A, "a1", null, "GET /report", 0, 10 * MS).build();
    SpanData child = span(TRACE_A, "a2", "a1", "render", 1 * MS, 9 * MS).build();
    SpanData lateChild = span(TRACE_A, "a3", "a1", "audit", 8 * MS, 25 * MS).build();
    SpanData lateGrandchild = span(TRACE_A, "a4", "a3", "write audit log", 9 * MS, 20 * MS).build();
    SpanData laterStill = span(TRACE_A, "a5", "a3", "notify", 21 * MS, 30 * MS).build();

    exporter.export(List.of(child, root));
    exporter.export(List.of(lateGrandchild, lateChild));
    exporter.export(List.of(laterStill));

    assertThat(output())
        .isEqualTo(
            """
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
            GET /report  10.00 ms
            └─ render  8.00 ms
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
            late, after the tree of "GET /report": audit  17.00 ms
            └─ write audit log  11.00 ms
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
            late, after the tree of "GET /report": notify  9.00 ms
            """);
  }

  @Test
  void evictsTracesWithoutNewSpansByTheClock() {
    SpanData orphan = span(TRACE_A, "a2", "a1", "slow child", 1 * MS, 2 * MS).build();
    SpanData other = span(TRACE_B, "b1", null, "GET /health", 3 * MS, 4 * MS).build();
    SpanData lateChild = span(TRACE_A, "a3", "a2", "after eviction", 5 * MS, 6 * MS).build();
    SpanData root = span(TRACE_A, "a1", null, "GET /slow", 0, 70_000 * MS).build();

    exporter.export(List.of(orphan));
    clock.addAndGet(Duration.ofSeconds(59).toNanos());
    exporter.export(List.of(other));
    String health =
        """
        trace 0af7651916cd43dd8448eb211c80319c  service=checkout
        GET /health  1.00 ms
        """;
    assertThat(output()).isEqualTo(health);

    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    exporter.export(List.of());
    exporter.export(List.of(lateChild));
    exporter.export(List.of(root));

    assertThat(output())
        .isEqualTo(
            health
                + """
                trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
                (incomplete: root not ended, no span for 60 s)
                slow child  1.00 ms
                trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
                late, after its incomplete tree: after eviction  1.00 ms
                trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
                GET /slow  70000.00 ms
                """);
  }

  @Test
  void evictsLeastRecentTraceWhenBufferIsFull() {
    exporter = new ConsoleSpanExporter(stream, clock::get, 2, Duration.ofSeconds(60));
    SpanData a = span(TRACE_A, "a2", "a1", "a child", 1 * MS, 2 * MS).build();
    SpanData b = span(TRACE_B, "b2", "b1", "b child", 1 * MS, 2 * MS).build();
    SpanData b2 = span(TRACE_B, "b3", "b1", "b child 2", 2 * MS, 3 * MS).build();

    exporter.export(List.of(a, b));
    assertThat(output()).isEmpty();
    exporter.export(List.of(b2));
    exporter.export(List.of(span(TRACE_B, "b1", null, "b root", 0, 4 * MS).build()));

    assertThat(output())
        .isEqualTo(
            """
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
            (incomplete: root not ended, buffer full)
            a child  1.00 ms
            trace 0af7651916cd43dd8448eb211c80319c  service=checkout
            b root  4.00 ms
            ├─ b child  1.00 ms
            └─ b child 2  1.00 ms
            """);
  }

  @Test
  void shutdownPrintsIncompleteTreesAndIgnoresLaterExports() {
    SpanData first = span(TRACE_A, "a2", "a1", "a first", 1 * MS, 2 * MS).build();
    SpanData nested = span(TRACE_A, "a3", "a2", "a nested", 1 * MS, 2 * MS).build();
    SpanData second = span(TRACE_A, "a4", "a1", "a second", 3 * MS, 4 * MS).build();
    SpanData onlyB = span(TRACE_B, "b2", "b1", "b only", 0, 1 * MS).build();

    exporter.export(List.of(nested, first));
    exporter.export(List.of(onlyB));
    exporter.export(List.of(second));
    assertThat(exporter.flush().isSuccess()).isTrue();
    assertThat(output()).isEmpty();

    assertThat(exporter.shutdown().isSuccess()).isTrue();
    String atShutdown = output();
    assertThat(atShutdown)
        .isEqualTo(
            """
            trace 0af7651916cd43dd8448eb211c80319c  service=checkout  \
            (incomplete: root not ended at shutdown)
            b only  1.00 ms
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
            (incomplete: root not ended at shutdown)
            a first  1.00 ms
            └─ a nested  1.00 ms
            a second  1.00 ms
            """);

    assertThat(
            exporter
                .export(List.of(span(TRACE_A, "a1", null, "late root", 0, 5 * MS).build()))
                .isSuccess())
        .isTrue();
    assertThat(exporter.shutdown().isSuccess()).isTrue();
    assertThat(output()).isEqualTo(atShutdown);
  }

  @Test
  void exportNeverThrows() {
    SpanData broken =
        new DelegatingSpanData(span(TRACE_B, "b1", null, "x", 0, 1 * MS).build()) {
          @Override
          public String getName() {
            throw new IllegalStateException("broken span");
          }
        };
    List<SpanData> batch = new ArrayList<>();
    batch.add(null);
    batch.add(broken);
    batch.add(span(TRACE_A, "a1", null, "ok", 0, 1 * MS).build());

    assertThat(exporter.export(null).isSuccess()).isTrue();
    assertThat(exporter.export(batch).isSuccess()).isTrue();

    assertThat(output())
        .isEqualTo(
            """
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
            ok  1.00 ms
            """);
    assertThat(logged)
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.getLevel()).isEqualTo(Level.WARNING);
              assertThat(record.getThrown()).hasMessage("broken span");
            });
    logged.clear();
  }

  @Test
  void printsWholeTreesUnderConcurrentExports() throws Exception {
    int threads = 8;
    int tracesPerThread = 50;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        List<List<SpanData>> traces = new ArrayList<>();
        for (int i = 0; i < tracesPerThread; i++) {
          String traceId = String.format("%016x%016x", t + 1, i + 1);
          traces.add(
              List.of(
                  span(traceId, "2", "1", "child", 1 * MS, 2 * MS).build(),
                  span(traceId, "3", "1", "sibling", 2 * MS, 3 * MS).build(),
                  span(traceId, "1", null, "root " + t + "/" + i, 0, 4 * MS).build()));
          expected.add(
              "trace "
                  + traceId
                  + "  service=checkout\nroot "
                  + t
                  + "/"
                  + i
                  + "  4.00 ms\n├─ child  1.00 ms\n└─ sibling  1.00 ms\n");
        }
        futures.add(
            executor.submit(
                () -> {
                  start.await();
                  for (List<SpanData> trace : traces) {
                    for (SpanData span : trace) {
                      exporter.export(List.of(span));
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }

    List<String> printed =
        Arrays.stream(output().split("(?=trace )"))
            .filter(block -> !block.isEmpty())
            .collect(Collectors.toList());
    assertThat(printed).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void rendersSpansOfARealTracerProvider() {
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(ORDERS))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    Tracer tracer = tracerProvider.get("test");
    Span root =
        tracer
            .spanBuilder("GET /orders")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
            .startSpan();
    Span query =
        tracer
            .spanBuilder("SELECT orders")
            .setParent(Context.root().with(root))
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(DbAttributes.DB_SYSTEM_NAME, "h2database")
            .startSpan();
    tracer.spanBuilder("fetch rows").setParent(Context.root().with(query)).startSpan().end();
    IllegalStateException failure = new IllegalStateException("connection lost");
    query.recordException(failure);
    query.setAttribute(ErrorAttributes.ERROR_TYPE, failure.getClass().getName());
    query.setStatus(StatusCode.ERROR, "connection lost");
    query.end();
    assertThat(output()).isEmpty();
    root.end();
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);

    String traceId = root.getSpanContext().getTraceId();
    assertThat(output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms"))
        .isEqualTo(
            "trace "
                + traceId
                + """
                  service=orders
                GET /orders  <d> ms  SERVER  http.request.method=GET
                └─ SELECT orders  <d> ms  CLIENT  ERROR "connection lost"  \
                error.type=java.lang.IllegalStateException db.system.name=h2database
                   │  ! java.lang.IllegalStateException: connection lost
                   └─ fetch rows  <d> ms
                """);
  }

  @Test
  void namesNestedExceptionClassesAsErrorTypeDoes() {
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(ORDERS)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    Span span = tracerProvider.get("test").spanBuilder("charge").startSpan();
    CardDeclinedException failure = new CardDeclinedException();
    // What every traced body records: the SDK's exception event and error.type.
    FailureRecorder.record(span, failure, FailureRecorder.errorType(failure), null);
    span.end();
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);

    String name = CardDeclinedException.class.getName();
    assertThat(name).contains("$");
    assertThat(output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms"))
        .endsWith(
            "charge  <d> ms  ERROR \"declined\"  error.type="
                + name
                + "\n   ! "
                + name
                + ": declined\n");
  }

  @Test
  void printsEachLogRecordUnderTheSpanItWasLoggedIn() {
    ConsoleLogRecordExporter logs = exporter.logRecordExporter(false);
    // Records arrive while their spans are open, in any order.
    logs.export(
        List.of(
            log(TRACE_A, "a2", 9, Severity.WARN, "WARN", "retrying charge")
                .setAttributes(
                    Attributes.of(
                        ExceptionAttributes.EXCEPTION_TYPE, "java.net.SocketTimeoutException",
                        ExceptionAttributes.EXCEPTION_MESSAGE, "read timed out"))
                .build(),
            log(TRACE_A, "a1", 1, Severity.INFO, "INFO", "order 42 received").build(),
            log(TRACE_B, "b1", 1, Severity.INFO, "INFO", "other trace").build()));
    logs.export(List.of(log(TRACE_A, "a1", 20, Severity.DEBUG, null, "done\nbye").build()));
    assertThat(output()).isEmpty();

    exporter.export(
        List.of(
            span(TRACE_A, "a3", "a2", "POST /pay", 8 * MS, 9 * MS).build(),
            span(TRACE_A, "a2", "a1", "charge", 5 * MS, 15 * MS).build(),
            span(TRACE_A, "a1", null, "POST /orders", 0, 21 * MS).build()));

    assertThat(output())
        .isEqualTo(
            """
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
            POST /orders  21.00 ms
            │  · +1.00 ms  INFO  order 42 received
            │  · +20.00 ms  DEBUG  done\\nbye
            └─ charge  10.00 ms
               │  · +4.00 ms  WARN  retrying charge
               │    ! java.net.SocketTimeoutException: read timed out
               └─ POST /pay  1.00 ms
            """);
    // The other trace's record waits for its span; at shutdown it is printed on its own line.
    exporter.shutdown();
    assertThat(output()).endsWith("log  INFO  other trace  (its span was not printed)\n");
  }

  @Test
  void printsLogRecordsWithoutASpanToWaitForOnLinesOfTheirOwn() {
    ConsoleLogRecordExporter logs = exporter.logRecordExporter(false);
    exporter.export(List.of(span(TRACE_A, "a1", null, "GET /health", 0, 1 * MS).build()));
    String tree =
        """
        trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
        GET /health  1.00 ms
        """;
    assertThat(output()).isEqualTo(tree);

    logs.export(
        List.of(
            log(null, null, 0, Severity.INFO, "INFO", "server started").build(),
            log(TRACE_A, "a1", 2, Severity.ERROR, "ERROR", "too late").build(),
            log(TRACE_B, "b1", 0, Severity.INFO, null, "unsampled")
                .setSpanContext(
                    SpanContext.create(
                        TRACE_B, id("b1"), TraceFlags.getDefault(), TraceState.getDefault()))
                .build()));

    assertThat(output())
        .isEqualTo(
            tree
                + """
                log  INFO  server started
                log  ERROR  too late  (after its span "GET /health" was printed)
                log  INFO  unsampled  (trace 0af7651916cd43dd8448eb211c80319c, not sampled)
                """);
  }

  @Test
  void waitsForUnsampledSpansWithTailKeepingAndBoundsWaitingRecords() {
    ConsoleSpanExporter small =
        new ConsoleSpanExporter(stream, clock::get, 2, Duration.ofMinutes(1));
    ConsoleLogRecordExporter logs = small.logRecordExporter(true);
    SpanContext unsampled =
        SpanContext.create(TRACE_A, id("a1"), TraceFlags.getDefault(), TraceState.getDefault());
    logs.export(
        List.of(
            log(TRACE_A, "a1", 0, Severity.INFO, "INFO", "first").setSpanContext(unsampled).build(),
            log(TRACE_A, "a1", 1, Severity.INFO, "INFO", "second")
                .setSpanContext(unsampled)
                .build()));
    assertThat(output()).isEmpty();

    // A third waiting record is over the bound: the least recent trace's records are printed.
    logs.export(List.of(log(TRACE_B, "b1", 0, Severity.INFO, "INFO", "third").build()));
    assertThat(output())
        .isEqualTo(
            """
            log  INFO  first  (its span was not printed)
            log  INFO  second  (its span was not printed)
            """);
    small.shutdown();
  }

  @Test
  void printsItsOwnFailureWarningBridgedBackIntoItsLogsOnALineOfItsOwn() {
    ConsoleLogRecordExporter logs = exporter.logRecordExporter(false);
    // A java.util.logging bridge that turns the exporter's warning into a log record of the SDK,
    // logged in a span of a trace that is buffered here.
    Handler bridge =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logs.export(
                List.of(log(TRACE_A, "a2", 0, Severity.WARN, "WARN", record.getMessage()).build()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    SpanData broken =
        new DelegatingSpanData(span(TRACE_B, "b2", "b1", "x", 0, 1 * MS).build()) {
          @Override
          public String getName() {
            throw new IllegalStateException("broken span");
          }
        };
    exporter.export(List.of(broken));
    exporter.export(List.of(span(TRACE_A, "a2", "a1", "waiting", 0, 1 * MS).build()));
    clock.addAndGet(Duration.ofSeconds(61).toNanos());
    EXPORTER_LOGGER.addHandler(bridge);
    try {
      // Evicting the broken trace fails and warns while the evicted traces are being walked.
      exporter.export(List.of(span(TRACE_C, "c1", null, "GET /health", 0, 1 * MS).build()));
    } finally {
      EXPORTER_LOGGER.removeHandler(bridge);
    }

    assertThat(output())
        .isEqualTo(
            """
            log  WARN  Console span exporter failed; some spans were not printed
            trace 5b8aa5a2d2c872e8321cf37308d69df2  service=checkout
            GET /health  1.00 ms
            trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout  \
            (incomplete: root not ended, no span for 60 s)
            waiting  1.00 ms
            """);
    assertThat(logged)
        .extracting(LogRecord::getThrown)
        .singleElement()
        .satisfies(thrown -> assertThat(thrown).hasMessage("broken span"));
    logged.clear();
  }

  @Test
  void printsEveryLogRecordUnderItsSpanUnderConcurrentRequests() throws Exception {
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(ORDERS)
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter)
                    .setScheduleDelay(1, TimeUnit.MILLISECONDS)
                    .setMaxQueueSize(100_000)
                    .build())
            .build();
    SdkLoggerProvider loggerProvider =
        SdkLoggerProvider.builder()
            .setResource(ORDERS)
            .addLogRecordProcessor(
                SimpleLogRecordProcessor.create(exporter.logRecordExporter(false)))
            .build();
    Tracer tracer = tracerProvider.get("test");
    io.opentelemetry.api.logs.Logger logger = loggerProvider.get("test");
    int threads = 8;
    int requestsPerThread = 100;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            executor.submit(
                () -> {
                  for (int i = 0; i < requestsPerThread; i++) {
                    String request = thread + "/" + i;
                    Span root = tracer.spanBuilder("request " + request).startSpan();
                    try (Scope unused = root.makeCurrent()) {
                      logger.logRecordBuilder().setBody("received " + request).emit();
                      Span child = tracer.spanBuilder("work " + request).startSpan();
                      try (Scope unusedChild = child.makeCurrent()) {
                        logger.logRecordBuilder().setBody("working " + request).emit();
                      } finally {
                        child.end();
                      }
                    } finally {
                      root.end();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }
    tracerProvider.shutdown().join(30, TimeUnit.SECONDS);
    loggerProvider.shutdown().join(30, TimeUnit.SECONDS);

    String printed = output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms");
    assertThat(printed).doesNotContain("log ", "incomplete", "late");
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < requestsPerThread; i++) {
        String request = t + "/" + i;
        assertThat(printed)
            .contains(
                "\nrequest "
                    + request
                    + "  <d> ms\n│  · +<d> ms  received "
                    + request
                    + "\n└─ work "
                    + request
                    + "  <d> ms\n      · +<d> ms  working "
                    + request
                    + "\n");
      }
    }
  }

  @Test
  void isTheConsoleExporterOfAutoconfigure() {
    ConfigurableSpanExporterProvider provider =
        ServiceLoader.load(ConfigurableSpanExporterProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.getName().equals("console"))
            .findFirst()
            .orElseThrow();
    assertThat(provider).isInstanceOf(ConsoleSpanExporterProvider.class);
    assertThat(provider.createExporter(DefaultConfigProperties.createFromMap(Map.of())))
        .isInstanceOf(ConsoleSpanExporter.class);

    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.traces.exporter", "console",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    try {
      assertThat(sdk.getSdkTracerProvider().toString()).contains("ConsoleSpanExporter{");
    } finally {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static TestSpanData.Builder span(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      long startNanos,
      long endNanos) {
    return TestSpanData.builder()
        .setSpanContext(
            SpanContext.create(
                traceId, id(spanId), TraceFlags.getSampled(), TraceState.getDefault()))
        .setParentSpanContext(
            parentSpanId == null
                ? SpanContext.getInvalid()
                : SpanContext.create(
                    traceId, id(parentSpanId), TraceFlags.getSampled(), TraceState.getDefault()))
        .setResource(CHECKOUT)
        .setInstrumentationScopeInfo(SCOPE)
        .setName(name)
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(T0 + startNanos)
        .setEndEpochNanos(T0 + endNanos)
        .setAttributes(Attributes.empty())
        .setEvents(List.of())
        .setLinks(List.of())
        .setStatus(StatusData.unset())
        .setHasEnded(true)
        .setTotalRecordedEvents(0)
        .setTotalRecordedLinks(0)
        .setTotalAttributeCount(0);
  }

  /** The producer span of the hop tests: a child of {@link #request()}. */
  private static SpanData send() {
    return span(TRACE_A, "b2", "b1", "send orders", 1 * MS, 2 * MS)
        .setKind(SpanKind.PRODUCER)
        .setAttributes(
            Attributes.of(AttributeKey.stringKey("messaging.destination.name"), "orders"))
        .build();
  }

  private static SpanData request() {
    return span(TRACE_A, "b1", null, "POST /orders", 0, 3 * MS).build();
  }

  /** The consumer of the hop tests: continues {@link #send()} as a remote parent. */
  private static SpanData process() {
    return span(TRACE_A, "c1", null, "process orders", 4 * MS, 8 * MS)
        .setParentSpanContext(
            SpanContext.createFromRemoteParent(
                TRACE_A, id("b2"), TraceFlags.getSampled(), TraceState.getDefault()))
        .setKind(SpanKind.CONSUMER)
        .setAttributes(
            Attributes.of(AttributeKey.stringKey("messaging.destination.name"), "orders"))
        .build();
  }

  private static SpanData insert() {
    return span(TRACE_A, "c2", "c1", "INSERT shop.orders", 5 * MS, 7 * MS)
        .setKind(SpanKind.CLIENT)
        .setAttributes(Attributes.of(DbAttributes.DB_SYSTEM_NAME, "h2database"))
        .build();
  }

  private static TestLogRecordData.Builder log(
      String traceId, String spanId, long atMs, Severity severity, String text, String body) {
    return TestLogRecordData.builder()
        .setResource(CHECKOUT)
        .setInstrumentationScopeInfo(SCOPE)
        .setSpanContext(
            traceId == null
                ? SpanContext.getInvalid()
                : SpanContext.create(
                    traceId, id(spanId), TraceFlags.getSampled(), TraceState.getDefault()))
        .setTimestamp(T0 + atMs * MS, TimeUnit.NANOSECONDS)
        .setObservedTimestamp(T0 + atMs * MS, TimeUnit.NANOSECONDS)
        .setSeverity(severity)
        .setSeverityText(text)
        .setBody(body)
        .setAttributes(Attributes.empty())
        .setTotalAttributeCount(0);
  }

  /** Pads a short hex span id ("a1") to its 16 characters. */
  private static String id(String shortId) {
    return "0".repeat(16 - shortId.length()) + shortId;
  }

  /** A nested exception class: its binary name holds a {@code $}, its canonical name a dot. */
  static final class CardDeclinedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CardDeclinedException() {
      super("declined");
    }
  }

  private static EventData exception(long atMs, String type, String message) {
    return EventData.create(
        T0 + atMs * MS,
        "exception",
        Attributes.of(
            ExceptionAttributes.EXCEPTION_TYPE,
            type,
            ExceptionAttributes.EXCEPTION_MESSAGE,
            message));
  }
}
