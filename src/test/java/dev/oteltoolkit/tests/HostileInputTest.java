package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.WAIT;
import static dev.oteltoolkit.tests.TestTelemetry.exportingTo;
import static dev.oteltoolkit.tests.TestTelemetry.named;
import static dev.oteltoolkit.tests.TestTelemetry.only;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import dev.oteltoolkit.messaging.MessagingTelemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile input end-to-end: whatever arrives in message headers, HTTP requests, attribute values or
 * a price table file, the application keeps working, nothing throws into its code, and the
 * telemetry that leaves the process still decodes at the collector (it degrades: a broken parent
 * starts a new trace, a bad price file is refused at load).
 */
@Timeout(60)
class HostileInputTest {

  private static final Logger log = LoggerFactory.getLogger(HostileInputTest.class);

  /** A valid parent, for the cases that check it is continued (so the ignored ones mean it). */
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  private static final String SPAN_ID = "b7ad6b7169203331";
  private static final String VALID_TRACEPARENT = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";
  private static final int ONE_MB = 1 << 20;

  /** The HTTP cases whose valid parent is continued. */
  private static final List<String> CONTINUED =
      List.of(
          "case=large-tracestate-and-baggage",
          "case=broken-baggage",
          "case=two-traceparents",
          "case=broken-baggage-flood");

  /** Requests with broken baggage sent in a row: together they cost at most one log line. */
  private static final int BAGGAGE_FLOOD = 20;

  private OtlpReceiver receiver;
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void malformedQueueHeadersStartNewTracesAndNeverReachTheHandler(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    Map<String, Map<String, Object>> hostile = new LinkedHashMap<>();
    hostile.put("garbage", Map.of("traceparent", "garbage"));
    hostile.put(
        "zero-trace-id", Map.of("traceparent", "00-" + "0".repeat(32) + "-" + SPAN_ID + "-01"));
    hostile.put(
        "zero-span-id", Map.of("traceparent", "00-" + TRACE_ID + "-" + "0".repeat(16) + "-01"));
    hostile.put("version-ff", Map.of("traceparent", "ff-" + TRACE_ID + "-" + SPAN_ID + "-01"));
    hostile.put("upper-case", Map.of("traceparent", VALID_TRACEPARENT.toUpperCase()));
    // OpenTelemetry API 1.65.0's parser throws ArrayIndexOutOfBoundsException on U+FFFF.
    hostile.put(
        "u+ffff",
        Map.of("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID.substring(1) + "\uFFFF-01"));
    hostile.put(
        "1mb-traceparent", Map.of("traceparent", VALID_TRACEPARENT + "-" + "a".repeat(ONE_MB)));
    hostile.put(
        "invalid-utf8-bytes",
        Map.of(
            "traceparent",
            new byte[] {'0', '0', '-', (byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE}));
    hostile.put(
        "lone-surrogate",
        Map.of("traceparent", "00-" + TRACE_ID.substring(1) + "\uD800-" + SPAN_ID + "-01"));
    hostile.put("not-a-string", Map.of("traceparent", 42));
    hostile.put(
        "throwing-toString",
        Map.of(
            "traceparent",
            new Object() {
              @Override
              public String toString() {
                throw new IllegalStateException("hostile toString");
              }
            }));
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("traceparent", null);
    hostile.put("null-value", withNull);
    // Errors, not only exceptions, while a header is read: contained the same way.
    hostile.put(
        "error-in-toString",
        Map.of(
            "traceparent",
            new Object() {
              @Override
              public String toString() {
                throw new AssertionError("hostile toString");
              }
            }));
    hostile.put(
        "error-in-map-get",
        new java.util.AbstractMap<String, Object>() {
          @Override
          public Object get(Object key) {
            throw new NoClassDefFoundError("hostile get");
          }

          @Override
          public java.util.Set<Map.Entry<String, Object>> entrySet() {
            throw new NoClassDefFoundError("hostile entrySet");
          }
        });
    // turning this list into text would overflow the stack: it is never turned into text
    List<Object> deep = new ArrayList<>(List.of(VALID_TRACEPARENT));
    for (int i = 0; i < 100_000; i++) {
      List<Object> outer = new ArrayList<>(1);
      outer.add(deep);
      deep = outer;
    }
    hostile.put("100k-nested-list", Map.of("traceparent", deep, "baggage", deep));

    List<String> handled = new ArrayList<>();
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      MessagingTelemetry messaging = MessagingTelemetry.create(telemetry.openTelemetry());
      hostile.forEach(
          (name, headers) ->
              handled.add(
                  messaging.process(
                      "e2e_queue",
                      "orders",
                      headers,
                      () -> {
                        log.info("handling {}", name);
                        return name;
                      })));
      // Oversized tracestate and baggage are dropped; the valid traceparent beside them is not.
      Map<String, Object> oversized =
          Map.of(
              "traceparent", VALID_TRACEPARENT,
              "tracestate", "k=" + "v".repeat(ONE_MB),
              "baggage", "user=" + "x".repeat(ONE_MB));
      handled.add(
          messaging.process(
              "e2e_queue", "orders-continued", oversized, () -> "1mb-tracestate-and-baggage"));
      // Members with a broken percent-encoding (a log flood in OpenTelemetry's parser) are left
      // out; the valid members beside them arrive.
      Map<String, Object> badBaggage =
          Map.of("traceparent", VALID_TRACEPARENT, "baggage", "user=%zz,region=eu,tenant=%E0%A4%A");
      List<String> baggageKeys = new ArrayList<>();
      handled.add(
          messaging.process(
              "e2e_queue",
              "orders-continued",
              badBaggage,
              () -> {
                baggageKeys.addAll(io.opentelemetry.api.baggage.Baggage.current().asMap().keySet());
                return "broken-baggage";
              }));
      assertThat(baggageKeys).containsExactly("region");
      // What means the JVM is in trouble is not contained: the handler does not run.
      StackOverflowError overflow = new StackOverflowError("from a header's toString");
      assertThatThrownBy(
              () ->
                  messaging.process(
                      "e2e_queue",
                      "orders",
                      Map.of(
                          "traceparent",
                          new Object() {
                            @Override
                            public String toString() {
                              throw overflow;
                            }
                          }),
                      () -> handled.add("must not run")))
          .isSameAs(overflow);
      assertThat(telemetry.forceFlush()).isTrue();
    }

    assertThat(handled)
        .as("every handler ran and returned")
        .containsExactlyElementsOf(
            concat(hostile.keySet(), List.of("1mb-tracestate-and-baggage", "broken-baggage")));
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(receiver.undecodableRequests()).isZero();
    List<ReceivedSpan> fresh = named(spans, "process orders");
    assertThat(fresh)
        .hasSize(hostile.size())
        .allSatisfy(
            span -> {
              assertThat(span.span().getKind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
              assertThat(span.parentSpanId()).as("a new root: %s", span).isEmpty();
              assertThat(span.traceId()).isNotEqualTo(TRACE_ID).isNotEqualTo("0".repeat(32));
            });
    assertThat(fresh).extracting(ReceivedSpan::traceId).doesNotHaveDuplicates();
    assertThat(named(spans, "process orders-continued"))
        .hasSize(2)
        .allSatisfy(
            span -> {
              assertThat(span.traceId()).isEqualTo(TRACE_ID);
              assertThat(span.parentSpanId()).isEqualTo(SPAN_ID);
              assertThat(span.span().getTraceState()).isEmpty();
            });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void malformedTraceparentOnTheHttpServerStartsNewTraces(Transport transport) throws Exception {
    receiver = OtlpReceiver.start(transport);
    AtomicInteger served = new AtomicInteger();
    // Headers under the JDK server's own limit (384 KiB for all header lines together, since
    // JDK 17.0.11 / 21.0.3) reach the instrumentation; 1 MiB is refused by the JDK server itself
    // before any code of ours runs.
    String largeButAccepted = "a".repeat(150 * 1024);
    Map<String, List<String>> hostile = new LinkedHashMap<>();
    hostile.put("garbage", List.of("traceparent: garbage"));
    hostile.put(
        "zero-trace-id", List.of("traceparent: 00-" + "0".repeat(32) + "-" + SPAN_ID + "-01"));
    hostile.put(
        "zero-span-id", List.of("traceparent: 00-" + TRACE_ID + "-" + "0".repeat(16) + "-01"));
    hostile.put("version-ff", List.of("traceparent: ff-" + TRACE_ID + "-" + SPAN_ID + "-01"));
    hostile.put("upper-case", List.of("traceparent: " + VALID_TRACEPARENT.toUpperCase()));
    hostile.put(
        "150kb-traceparent", List.of("traceparent: " + VALID_TRACEPARENT + "-" + largeButAccepted));
    hostile.put(
        "latin1-bytes",
        List.of("traceparent: 00-" + TRACE_ID.substring(2) + "\u00c3(" + "-" + SPAN_ID + "-01"));

    // OpenTelemetry's baggage parser logs each broken member with a stack trace. The messaging
    // module guards the propagators of every autoconfigured SDK (Telemetry.setup() included), so
    // a flood of broken baggage costs at most one line: count what reaches the log, the guard's
    // FINE lines included.
    List<LogRecord> baggageWarnings = new ArrayList<>();
    java.util.logging.Logger baggageLogger =
        java.util.logging.Logger.getLogger("io.opentelemetry.api.baggage");
    Handler warnings = collect(baggageLogger, baggageWarnings);
    List<LogRecord> guardLines = new ArrayList<>();
    java.util.logging.Logger guardLogger =
        java.util.logging.Logger.getLogger("dev.oteltoolkit.messaging.GuardedPropagator");
    java.util.logging.Level guardLevel = guardLogger.getLevel();
    guardLogger.setLevel(java.util.logging.Level.FINE);
    Handler guard = collect(guardLogger, guardLines);
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      server = startServer(telemetry, served);
      int port = server.getAddress().getPort();
      for (Map.Entry<String, List<String>> request : hostile.entrySet()) {
        assertThat(get(port, "/orders?case=" + request.getKey(), request.getValue()))
            .as(request.getKey())
            .isEqualTo("200 order 42");
      }
      // Oversized tracestate and baggage, a broken baggage beside a valid traceparent, and a
      // repeated traceparent header: the valid (first) parent is continued.
      assertThat(
              get(
                  port,
                  "/orders?case=large-tracestate-and-baggage",
                  List.of(
                      "traceparent: " + VALID_TRACEPARENT,
                      "tracestate: k=" + largeButAccepted,
                      "baggage: user=" + largeButAccepted)))
          .isEqualTo("200 order 42");
      assertThat(
              get(
                  port,
                  "/orders?case=broken-baggage",
                  List.of("traceparent: " + VALID_TRACEPARENT, "baggage: user=%zz,%%%=1")))
          .isEqualTo("200 order 42");
      for (int i = 0; i < BAGGAGE_FLOOD; i++) {
        assertThat(
                get(
                    port,
                    "/orders?case=broken-baggage-flood",
                    List.of(
                        "traceparent: " + VALID_TRACEPARENT,
                        "baggage: user=%zz,tenant=acme,session=a%g1;p=1,region=eu%2")))
            .isEqualTo("200 order 42 for tenant acme");
      }
      assertThat(
              get(
                  port,
                  "/orders?case=two-traceparents",
                  List.of(
                      "traceparent: " + VALID_TRACEPARENT,
                      "traceparent: 00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01")))
          .isEqualTo("200 order 42");
      // 1 MiB: the JDK server resets the connection; the service keeps serving.
      assertThatThrownBy(
              () ->
                  get(
                      port,
                      "/orders?case=1mb",
                      List.of("traceparent: " + VALID_TRACEPARENT + "-" + "a".repeat(ONE_MB))))
          .isInstanceOf(IOException.class);
      assertThat(get(port, "/orders?case=after-1mb", List.of())).isEqualTo("200 order 42");
      assertThat(telemetry.forceFlush()).isTrue();
    } finally {
      warnings.close();
      guard.close();
      guardLogger.setLevel(guardLevel);
    }

    synchronized (baggageWarnings) {
      System.out.printf(
          "%s: %d baggage parser warning(s) and %d toolkit line(s) for %d requests"
              + " with broken baggage%n",
          transport, baggageWarnings.size(), guardLines.size(), BAGGAGE_FLOOD + 1);
      assertThat(baggageWarnings).as("OpenTelemetry's parser never sees a broken member").isEmpty();
      assertThat(guardLines)
          .as("at most one rate-limited line for the whole flood")
          .hasSizeLessThanOrEqualTo(1);
    }
    assertThat(served).hasValue(hostile.size() + 4 + BAGGAGE_FLOOD);
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(receiver.undecodableRequests()).isZero();
    List<ReceivedSpan> servers =
        spans.stream().filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_SERVER).toList();
    assertThat(servers).hasSize(hostile.size() + 4 + BAGGAGE_FLOOD);
    for (ReceivedSpan server : servers) {
      String query = String.valueOf(server.attributes().get("url.query"));
      ReceivedSpan handler =
          spans.stream()
              .filter(
                  s -> s.name().equals("load-order") && s.parentSpanId().equals(server.spanId()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no handler span under " + server));
      assertThat(handler.traceId()).isEqualTo(server.traceId());
      if (CONTINUED.contains(query)) {
        assertThat(server.traceId()).as(query).isEqualTo(TRACE_ID);
        assertThat(server.parentSpanId()).as(query).isEqualTo(SPAN_ID);
      } else {
        assertThat(server.parentSpanId()).as("%s starts a new trace", query).isEmpty();
        assertThat(server.traceId()).as(query).isNotEqualTo(TRACE_ID);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void invalidUnicodeInNamesAndAttributesStillDecodesAtTheCollector(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    String loneHigh = "high \uD800 end";
    String loneLow = "low \uDC00 end";
    String reversedPair = "\uDC00\uD83D";
    // Bytes that are not UTF-8, decoded the lenient way: replacement characters, valid text.
    String fromInvalidUtf8 = new String(new byte[] {'a', (byte) 0xC3, 0x28, (byte) 0xFF}, UTF_8);
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      Tracing tracing = telemetry.tracing();
      GenAiTelemetry ai = GenAiTelemetry.create(telemetry.openTelemetry());
      MessagingTelemetry messaging = MessagingTelemetry.create(telemetry.openTelemetry());
      String result =
          tracing
              .span("unicode \uD800 root")
              .attribute("app.lone_high", loneHigh)
              .attribute("app.lone_low", loneLow)
              .attribute("app.reversed_pair", reversedPair)
              .attribute("app.from_invalid_utf8", fromInvalidUtf8)
              // No attribute length limit unless OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT sets one.
              .attribute("app.one_mb", "x".repeat(ONE_MB))
              .call(
                  () -> {
                    ai.chat("openai", "model-\uDC00").call(chat -> chat.usage(10, 5));
                    ai.executeTool("tool-\uD800").call(tool -> "done");
                    messaging.publish("e2e_queue", "queue-\uD800", new HashMap<>(), () -> {});
                    return "worked";
                  });
      assertThat(result).isEqualTo("worked");
      assertThat(telemetry.forceFlush()).isTrue();
    }

    // The OTLP marshaller writes each unpaired surrogate as '?': the batch stays valid UTF-8,
    // which the collector's protobuf parser requires of string fields.
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(receiver.undecodableRequests())
        .as("requests the collector could not decode")
        .isZero();
    assertThat(spans)
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder(
            "unicode ? root", "chat model-?", "execute_tool tool-?", "send queue-?");
    assertThat(only(spans, "unicode ? root").attributes())
        .containsEntry("app.lone_high", "high ? end")
        .containsEntry("app.lone_low", "low ? end")
        .containsEntry("app.reversed_pair", "??")
        .containsEntry("app.from_invalid_utf8", "a\uFFFD(\uFFFD")
        .hasEntrySatisfying("app.one_mb", v -> assertThat((String) v).hasSize(ONE_MB));
    assertThat(only(spans, "chat model-?").attributes())
        .containsEntry("gen_ai.request.model", "model-?");
    assertThat(only(spans, "execute_tool tool-?").attributes())
        .containsEntry("gen_ai.tool.name", "tool-?");
    assertThat(only(spans, "send queue-?").attributes())
        .containsEntry("messaging.destination.name", "queue-?");
    // The same model name as a metric attribute.
    assertThat(
            receiver.histogramCount("gen_ai.client.token.usage", "gen_ai.request.model", "model-?"))
        .isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void corruptPriceTableFailsAtLoadAndCostsKeepComingFromTheDefaults(
      Transport transport, @TempDir Path dir) throws Exception {
    Map<String, byte[]> corrupt = new LinkedHashMap<>();
    corrupt.put("truncated.json", "{\"models\": {\"gpt-4o\": {\"input\": 2.5,".getBytes(UTF_8));
    corrupt.put("empty.json", new byte[0]);
    corrupt.put(
        "not-a-price.json",
        "{\"models\": {\"gpt-4o\": {\"input\": \"cheap\", \"output\": 10}}}".getBytes(UTF_8));
    corrupt.put(
        "negative.json",
        "{\"models\": {\"gpt-4o\": {\"input\": -1, \"output\": 10}}}".getBytes(UTF_8));
    corrupt.put(
        "nan.json", "{\"models\": {\"gpt-4o\": {\"input\": NaN, \"output\": 10}}}".getBytes(UTF_8));
    corrupt.put("nested.json", ("{\"models\": " + "[".repeat(100_000)).getBytes(UTF_8));
    corrupt.put(
        "typo.json", "{\"models\": {\"gpt-4o\": {\"imput\": 1, \"output\": 10}}}".getBytes(UTF_8));
    corrupt.put(
        "duplicate.json",
        ("{\"models\": {\"gpt-4o\": {\"input\": 1, \"output\": 10},"
                + " \"gpt-4o\": {\"input\": 2, \"output\": 10}}}")
            .getBytes(UTF_8));
    corrupt.put("euro.json", "{\"currency\": \"EUR\", \"models\": {}}".getBytes(UTF_8));
    // absurd prices would make every cost computation of that model fail: refused at load
    corrupt.put(
        "absurd.json",
        "{\"models\": {\"gpt-4o\": {\"input\": 1e999999999, \"output\": 10}}}".getBytes(UTF_8));
    corrupt.put(
        "tiny.json",
        "{\"models\": {\"gpt-4o\": {\"input\": 1e-999999999, \"output\": 10}}}".getBytes(UTF_8));
    // eleven bytes once filled the heap, thirteen threw NegativeArraySizeException, a 100 KB
    // literal took 27 s: each is refused at the number now
    corrupt.put("eleven-bytes.json", "1e999999999".getBytes(UTF_8));
    corrupt.put("thirteen-bytes.json", "-1e2147483647".getBytes(UTF_8));
    corrupt.put(
        "100kb-literal.json",
        ("{\"models\": {\"gpt-4o\": {\"input\": 1." + "0".repeat(100_000) + ", \"output\": 10}}}")
            .getBytes(UTF_8));
    // not JSON at all: refused by the LiteLLM loader too (the others are a valid LiteLLM file)
    List<String> notJson =
        List.of(
            "truncated.json",
            "empty.json",
            "nan.json",
            "nested.json",
            "duplicate.json",
            "absurd.json",
            "tiny.json",
            "eleven-bytes.json",
            "thirteen-bytes.json",
            "100kb-literal.json");
    for (Map.Entry<String, byte[]> file : corrupt.entrySet()) {
      Path path = Files.write(dir.resolve(file.getKey()), file.getValue());
      for (boolean liteLlm :
          notJson.contains(file.getKey()) ? new boolean[] {false, true} : new boolean[] {false}) {
        assertThatThrownBy(
                () -> {
                  if (liteLlm) {
                    PriceTable.loadLiteLlm(path);
                  } else {
                    PriceTable.load(path);
                  }
                })
            .as(file.getKey() + (liteLlm ? " as LiteLLM" : ""))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(path + ": ")
            .hasMessageContaining(" at line ")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(512));
      }
    }
    Path binary =
        Files.write(
            dir.resolve("binary.json"),
            new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, (byte) 0xC3, 0x28});
    assertThatThrownBy(() -> PriceTable.load(binary))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            binary
                + ": not UTF-8 text: invalid byte sequence (byte offset 0) at line 1,"
                + " column 1");

    // The application falls back to the shipped table and keeps pricing its calls.
    receiver = OtlpReceiver.start(transport);
    PriceTable prices = loadOrDefaults(dir.resolve("truncated.json"));
    // the shipped price of gpt-4o, USD 2.50 input and 10.00 output per million tokens
    BigDecimal expected = new BigDecimal("0.0035"); // (1000 * 2.50 + 100 * 10.00) / 1e6
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      GenAiTelemetry ai =
          GenAiTelemetry.builder(telemetry.openTelemetry()).priceTable(prices).build();
      BigDecimal cost =
          telemetry
              .tracing()
              .traced(
                  "priced-request",
                  () -> {
                    var call = ai.chat("openai", "gpt-4o").start();
                    call.usage(1000, 100).close();
                    return call.cost();
                  });
      assertThat(cost).isEqualByComparingTo(expected);
      assertThat(telemetry.forceFlush()).isTrue();
    }
    ReceivedSpan chat = only(receiver.spans(), "chat gpt-4o");
    assertThat(chat.attributes()).containsEntry("gen_ai.usage.cost", expected.doubleValue());
  }

  /** A handler collecting {@code logger}'s records into {@code into}; closing it detaches it. */
  private static Handler collect(java.util.logging.Logger logger, List<LogRecord> into) {
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (into) {
              into.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {
            logger.removeHandler(this);
          }
        };
    logger.addHandler(handler);
    return handler;
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void sqlThatBreaksSanitizerAssumptionsRunsAsWithoutTheWrapper(Transport transport)
      throws Exception {
    receiver = OtlpReceiver.start(transport);
    // Every literal holds "secret" (or a distinctive number): none may leave the process.
    List<String> statements =
        List.of(
            "SELECT id FROM orders WHERE note = 'secret'' quote' AND id = 42",
            "SELECT id FROM orders WHERE note = '-- secret /* not a comment */'",
            "SELECT id FROM orders WHERE note = 'secret", // unterminated quote
            "SELECT id FROM orders /* unterminated 'secret' comment", // unterminated comment
            "SELECT id FROM orders WHERE note = $$secret ' $$", // H2 dollar quotes
            "SELECT id FROM orders WHERE note = U&'secret\\0041'", // Unicode escape string
            "SELECT id FROM orders WHERE note = X'736563726574'", // hex of "secret"
            "SELECT \"ID\" FROM \"ORDERS\" WHERE \"NOTE\" = 'secret \"quoted\"'",
            "SELECT id FROM orders WHERE note = 'secret\\' OR id = 42", // no backslash escape
            "SELECT id FROM orders WHERE note = 'secret \uD800 lone surrogate'",
            "SELECT id FROM orders WHERE id = 987654321 OR id = -9.87654321E8 OR id = 0x3ADE68B1",
            "SELECT id FROM orders WHERE note IN (" + secretList(4_000) + ")", // over 32 KiB
            "CREATE USER IF NOT EXISTS mallory PASSWORD 'secret-password'",
            "SELECT 'secret' FROM", // syntax error
            "",
            "   ");
    JdbcDataSource raw = h2("hostile_raw");
    JdbcDataSource instrumented = h2("hostile_wrapped");
    List<String> rawOutcomes = new ArrayList<>();
    List<String> outcomes = new ArrayList<>();
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      DataSource wrapped = JdbcTelemetry.create(telemetry.openTelemetry()).wrap(instrumented);
      for (String sql : statements) {
        rawOutcomes.add(execute(raw, sql));
        outcomes.add(telemetry.tracing().traced("hostile-sql", () -> execute(wrapped, sql)));
      }
      // A prepared text with literals in it, and a parameter holding a secret.
      String prepared =
          telemetry
              .tracing()
              .traced(
                  "hostile-sql",
                  () -> {
                    try (Connection connection = wrapped.getConnection();
                        PreparedStatement statement =
                            connection.prepareStatement(
                                "SELECT id FROM orders WHERE note <> 'secret' AND region = ?")) {
                      statement.setString(1, "secret-parameter");
                      try (ResultSet rows = statement.executeQuery()) {
                        return rows.next() ? rows.getString(1) : "none";
                      }
                    }
                  });
      assertThat(prepared).isEqualTo("none");
      assertThat(telemetry.forceFlush()).isTrue();
    } finally {
      shutdown(raw);
      shutdown(instrumented);
    }

    assertThat(outcomes)
        .as("results and driver exceptions as without the wrapper")
        .containsExactlyElementsOf(rawOutcomes);
    assertThat(outcomes).filteredOn(o -> o.startsWith("error")).isNotEmpty();
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(receiver.undecodableRequests()).isZero();
    List<ReceivedSpan> sql =
        spans.stream().filter(s -> s.scope().getName().equals("dev.oteltoolkit.jdbc")).toList();
    assertThat(sql).as("one span per execution").hasSize(statements.size() + 1);
    assertThat(spans)
        .allSatisfy(
            span ->
                assertThat(span.span().toString())
                    .as("%s", span)
                    .doesNotContain("secret")
                    .doesNotContain("736563726574")
                    .doesNotContain("987654321")
                    .doesNotContain("3ADE68B1"));
    assertThat(receiver.metricRequests())
        .allSatisfy(request -> assertThat(request.toString()).doesNotContain("secret"));
    List<ReceivedSpan> failed =
        sql.stream()
            .filter(s -> s.span().getStatus().getCode() == StatusCode.STATUS_CODE_ERROR)
            .toList();
    assertThat(failed)
        .as("the driver's errors are recorded")
        .hasSize((int) outcomes.stream().filter(o -> o.startsWith("error")).count());
    assertThat(failed)
        .allSatisfy(
            span -> {
              assertThat(span.attributes())
                  .containsKey("error.type")
                  .containsKey("db.response.status_code");
              assertThat(span.span().getEventsList())
                  .extracting(e -> e.getName())
                  .contains("exception");
            });
    String longest =
        sql.stream()
            .map(s -> String.valueOf(s.attributes().get("db.query.text")))
            .max(Comparator.comparingInt(String::length))
            .orElseThrow();
    System.out.printf(
        "%s: %d hostile statements, %d failed in the driver as without the"
            + " wrapper; longest db.query.text %d chars%n",
        transport, statements.size() + 1, failed.size(), longest.length());
  }

  /** Runs {@code sql} and describes what the application saw: rows, a count or the error. */
  private static String execute(DataSource dataSource, String sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      if (statement.execute(sql)) {
        List<String> rows = new ArrayList<>();
        try (ResultSet resultSet = statement.getResultSet()) {
          while (resultSet.next()) {
            rows.add(resultSet.getString(1));
          }
        }
        return "rows " + rows;
      }
      return "count " + statement.getUpdateCount();
    } catch (SQLException e) {
      return "error "
          + e.getClass().getName()
          + " "
          + e.getSQLState()
          + " "
          + e.getErrorCode()
          + " "
          + e.getMessage().replaceAll("hostile_(raw|wrapped)", "DB");
    }
  }

  private static String secretList(int count) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < count; i++) {
      list.append(i == 0 ? "" : ", ").append("'secret-").append(i).append('\'');
    }
    return list.toString();
  }

  private static JdbcDataSource h2(String name) throws SQLException {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    SupportDesk.createSchema(dataSource);
    return dataSource;
  }

  private static void shutdown(JdbcDataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.createStatement().execute("SHUTDOWN");
    }
  }

  /** What an application does with a price file it cannot use: say so, and keep the defaults. */
  private static PriceTable loadOrDefaults(Path path) {
    try {
      return PriceTable.load(path);
    } catch (IOException | IllegalArgumentException e) {
      log.warn("price table {} not usable, using the shipped prices: {}", path, e.getMessage());
      return PriceTable.defaults();
    }
  }

  private HttpServer startServer(Telemetry telemetry, AtomicInteger served) throws IOException {
    Tracing tracing = telemetry.tracing();
    HttpServer httpServer =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    HttpContext context =
        httpServer.createContext(
            "/orders",
            exchange -> {
              try (exchange) {
                String body =
                    tracing.traced(
                        "load-order",
                        () -> {
                          log.info("serving {}", exchange.getRequestURI().getRawQuery());
                          String tenant =
                              io.opentelemetry.api.baggage.Baggage.current()
                                  .getEntryValue("tenant");
                          return tenant == null ? "order 42" : "order 42 for tenant " + tenant;
                        });
                served.incrementAndGet();
                byte[] bytes = body.getBytes(UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
              }
            });
    JavaHttpServerTelemetry.create(telemetry.openTelemetry()).configure(context);
    httpServer.start();
    return httpServer;
  }

  /**
   * Sends a GET with the given raw header lines (ISO-8859-1, as on the wire) over a plain socket,
   * so that nothing between the test and the server normalizes them.
   *
   * @return the status code and body, e.g. {@code 200 order 42}
   */
  private static String get(int port, String target, List<String> headerLines) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) WAIT.toMillis());
      StringBuilder request =
          new StringBuilder("GET " + target + " HTTP/1.1\r\n")
              .append("Host: 127.0.0.1\r\nConnection: close\r\n");
      for (String line : headerLines) {
        request.append(line).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(ISO_8859_1));
      out.flush();
      String response = new String(readAll(socket.getInputStream()), ISO_8859_1);
      if (response.isEmpty()) {
        throw new IOException("connection closed without a response");
      }
      String status = response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4);
      return status + " " + response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  private static List<String> concat(Collection<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
