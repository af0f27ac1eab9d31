package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.ENVIRONMENT;
import static dev.oteltoolkit.tests.TestTelemetry.SERVICE_NAME;
import static dev.oteltoolkit.tests.TestTelemetry.SERVICE_VERSION;
import static dev.oteltoolkit.tests.TestTelemetry.WAIT;
import static dev.oteltoolkit.tests.TestTelemetry.exportingTo;
import static dev.oteltoolkit.tests.TestTelemetry.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.oteltoolkit.api.testsupport.RequiredService;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.logging.MdcBridge;
import dev.oteltoolkit.tests.CapturedLogs.Line;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All modules together, through one {@code Telemetry.setup()...build()}: an agent request (ai) that
 * publishes to a queue consumed on another thread (messaging), logging each step through SLF4J and
 * Logback with the MDC bridge (logging). Everything is asserted on what the receiver decoded from
 * the bytes on the wire, and on the log lines as the application's log holds them. Each run twice:
 * on H2 with a queue in this process, and where users run it, on PostgreSQL with the queue on a
 * NATS server (skipped with the reason on the console when they are down, failed where {@code
 * OTELTOOLKIT_REQUIRE_SERVICES=true}).
 */
@Timeout(60)
class CrossModuleScenarioTest {

  private static final Logger log = LoggerFactory.getLogger(CrossModuleScenarioTest.class);

  private static final String ROOT = "support-request";
  private static final String AGENT = "invoke_agent " + SupportDesk.AGENT;
  private static final String CHAT = "chat " + SupportDesk.MODEL;
  private static final String TOOL = "execute_tool " + SupportDesk.TOOL;
  private static final String SEND = "send " + SupportDesk.QUEUE;
  private static final String PROCESS = "process " + SupportDesk.QUEUE;
  private static final String SELECT = "SELECT orders";
  private static final String UPDATE = "UPDATE orders";
  private static final String DATABASE = "e2e_support";

  private OtlpReceiver receiver;
  private Backend backend;

  /** Where the scenario's database and queue live. */
  enum Stack {
    /** H2 in memory and a queue in this process: always there. */
    H2_AND_IN_MEMORY_QUEUE,
    /** The machine's PostgreSQL and NATS, as users run the toolkit. */
    POSTGRESQL_AND_NATS
  }

  /** A stack's database, broker and what the spans must say about them. */
  private record Backend(
      DataSource database,
      SupportDesk.Broker broker,
      Map<String, Object> databaseAttributes,
      AutoCloseable cleanup) {}

  static Stream<Arguments> stacks() {
    return Stream.of(Stack.values())
        .flatMap(stack -> Stream.of(Transport.values()).map(t -> Arguments.of(stack, t)));
  }

  @BeforeAll
  static void mdcBridgeIsActive() {
    // The bridge activates by itself (a ContextStorageProvider service); install() confirms it,
    // and would be the way in if another provider were on the class path.
    assertThat(MdcBridge.install()).as("MdcBridge active").isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (receiver != null) {
      receiver.close();
    }
    if (backend != null) {
      try {
        backend.broker().close();
      } finally {
        backend.cleanup().close();
      }
    }
  }

  private static Backend open(Stack stack) throws Exception {
    switch (stack) {
      case H2_AND_IN_MEMORY_QUEUE:
        {
          JdbcDataSource h2 = new JdbcDataSource();
          h2.setURL("jdbc:h2:mem:" + DATABASE + ";DB_CLOSE_DELAY=-1");
          SupportDesk.createSchema(h2);
          return new Backend(
              h2,
              new SupportDesk.InMemoryBroker(),
              Map.of("db.system.name", "h2database", "db.namespace", DATABASE),
              () -> {
                try (Connection connection = h2.getConnection()) {
                  connection.createStatement().execute("SHUTDOWN"); // drops the in-memory database
                }
              });
        }
      case POSTGRESQL_AND_NATS:
        {
          // a schema of its own in database test, so runs and other tests never meet
          String schema = "e2e_support_" + Long.toUnsignedString(System.nanoTime(), 36);
          RequiredService postgresql =
              RequiredService.at(
                  "PostgreSQL",
                  "127.0.0.1",
                  5432,
                  "pg_ctlcluster <version> main start (see .ci/run)");
          PGSimpleDataSource admin = postgres(null);
          postgresql.login(
              () -> {
                try (Connection connection = admin.getConnection()) {
                  connection.createStatement().execute("CREATE SCHEMA " + schema);
                }
                return schema;
              });
          PGSimpleDataSource pg = postgres(schema);
          AutoCloseable dropSchema =
              () -> {
                try (Connection connection = admin.getConnection()) {
                  connection.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
                }
              };
          try {
            SupportDesk.createSchema(pg);
            SupportDesk.Broker nats =
                RequiredService.at(
                        "NATS",
                        NatsQueue.HOST,
                        NatsQueue.PORT,
                        "nats-server -a 127.0.0.1 -p 4222 (see .ci/run)")
                    .login(() -> new NatsQueue(SupportDesk.QUEUE));
            return new Backend(
                pg,
                nats,
                Map.of(
                    "db.system.name",
                    "postgresql",
                    // semconv: PostgreSQL's namespace is database|schema
                    "db.namespace",
                    "test|" + schema,
                    "server.address",
                    "127.0.0.1",
                    "server.port",
                    5432L),
                dropSchema);
          } catch (Throwable e) {
            dropSchema.close();
            throw e;
          }
        }
      default:
        throw new AssertionError(stack);
    }
  }

  private static PGSimpleDataSource postgres(String schema) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setServerNames(new String[] {"127.0.0.1"});
    dataSource.setPortNumbers(new int[] {5432});
    dataSource.setDatabaseName("test");
    dataSource.setUser("postgres");
    dataSource.setConnectTimeout(5);
    if (schema != null) {
      dataSource.setCurrentSchema(schema);
    }
    return dataSource;
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("stacks")
  void agentRequestArrivesAsOneTraceWithCostsLogsAndMetrics(Stack stack, Transport transport)
      throws Exception {
    backend = open(stack);
    receiver = OtlpReceiver.start(transport);
    DataSource database = backend.database();
    String answer;
    List<Line> lines;
    try (CapturedLogs logs = CapturedLogs.attach("dev.oteltoolkit.tests");
        Telemetry telemetry = exportingTo(receiver).build()) {
      SupportDesk desk = new SupportDesk(telemetry, database, backend.broker());
      log.info("service ready"); // no span current: no ids in the MDC
      CompletableFuture<String> worker =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return desk.consumeOne();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      answer = desk.handle("where is my refund?");

      assertThat(worker.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isEqualTo("refund " + SupportDesk.ORDER_ID);
      assertThat(telemetry.forceFlush()).isTrue();
      lines = logs.lines();
    }
    assertThat(answer).isEqualTo("Order 42: delivered, refund requested");
    try (Connection connection = database.getConnection();
        ResultSet row =
            connection
                .createStatement()
                .executeQuery("SELECT status, note FROM orders WHERE id = 42")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).as("the worker's update ran").isEqualTo("refunding");
    }

    // close() returned: every span is at the receiver.
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(spans)
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder(ROOT, AGENT, CHAT, TOOL, SELECT, SEND, PROCESS, UPDATE, CHAT);
    ReceivedSpan root = only(spans, ROOT);
    ReceivedSpan agent = only(spans, AGENT);
    ReceivedSpan plan = chat(spans, "resp-plan");
    ReceivedSpan tool = only(spans, TOOL);
    ReceivedSpan send = only(spans, SEND);
    ReceivedSpan process = only(spans, PROCESS);
    ReceivedSpan select = only(spans, SELECT);
    ReceivedSpan update = only(spans, UPDATE);
    ReceivedSpan reply = chat(spans, "resp-answer");

    // One trace, the right tree.
    assertThat(spans).extracting(ReceivedSpan::traceId).containsOnly(root.traceId());
    assertThat(spans).extracting(ReceivedSpan::spanId).doesNotHaveDuplicates();
    assertThat(root.parentSpanId()).isEmpty();
    assertThat(agent.parentSpanId()).isEqualTo(root.spanId());
    assertThat(plan.parentSpanId()).isEqualTo(agent.spanId());
    assertThat(tool.parentSpanId()).isEqualTo(agent.spanId());
    assertThat(reply.parentSpanId()).isEqualTo(agent.spanId());
    assertThat(select.parentSpanId()).isEqualTo(tool.spanId());
    assertThat(send.parentSpanId()).isEqualTo(tool.spanId());
    assertThat(process.parentSpanId())
        .as("the consumer continues the producer's trace through the queue headers")
        .isEqualTo(send.spanId());
    assertThat(update.parentSpanId()).isEqualTo(process.spanId());

    assertThat(kind(root)).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
    assertThat(kind(agent)).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
    assertThat(kind(plan)).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
    assertThat(kind(reply)).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
    assertThat(kind(tool)).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
    assertThat(kind(send)).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
    assertThat(kind(process)).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
    assertThat(kind(select)).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
    assertThat(kind(update)).isEqualTo(SpanKind.SPAN_KIND_CLIENT);

    assertThat(root.scope().getName()).isEqualTo("dev.oteltoolkit.core");
    assertThat(List.of(agent, plan, tool, reply))
        .allSatisfy(s -> assertThat(s.scope().getName()).isEqualTo("dev.oteltoolkit.ai"));
    assertThat(List.of(send, process))
        .allSatisfy(s -> assertThat(s.scope().getName()).isEqualTo("dev.oteltoolkit.messaging"));
    assertThat(List.of(select, update))
        .allSatisfy(s -> assertThat(s.scope().getName()).isEqualTo("dev.oteltoolkit.jdbc"));
    assertThat(spans)
        .allSatisfy(
            span -> {
              assertThat(span.scope().getVersion()).as("toolkit version of %s", span).isNotEmpty();
              assertThat(span.resourceAttributes())
                  .containsEntry("service.name", SERVICE_NAME)
                  .containsEntry("service.version", SERVICE_VERSION)
                  .containsEntry("deployment.environment.name", ENVIRONMENT);
            });

    // GenAI attributes, cost from the price table, per-request totals on the local root.
    double totalCost = SupportDesk.PLAN_COST.add(SupportDesk.ANSWER_COST).doubleValue();
    assertThat(root.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "oteltoolkit.gen_ai.total.cost",
                totalCost,
                "oteltoolkit.gen_ai.total.input_tokens",
                SupportDesk.PLAN_INPUT + SupportDesk.ANSWER_INPUT,
                "oteltoolkit.gen_ai.total.output_tokens",
                SupportDesk.PLAN_OUTPUT + SupportDesk.ANSWER_OUTPUT));
    assertThat(agent.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", SupportDesk.AGENT));
    Map<String, Object> planAttributes = new HashMap<>(chatAttributes());
    planAttributes.putAll(
        Map.of(
            "gen_ai.request.temperature",
            0.2,
            "gen_ai.response.id",
            "resp-plan",
            "gen_ai.response.finish_reasons",
            List.of("tool_calls"),
            "gen_ai.usage.input_tokens",
            SupportDesk.PLAN_INPUT,
            "gen_ai.usage.output_tokens",
            SupportDesk.PLAN_OUTPUT,
            "gen_ai.usage.cache_read.input_tokens",
            SupportDesk.PLAN_CACHED,
            "gen_ai.usage.cost",
            SupportDesk.PLAN_COST.doubleValue()));
    assertThat(plan.attributes()).containsExactlyInAnyOrderEntriesOf(planAttributes);
    Map<String, Object> replyAttributes = new HashMap<>(chatAttributes());
    replyAttributes.putAll(
        Map.of(
            "gen_ai.response.id",
            "resp-answer",
            "gen_ai.response.finish_reasons",
            List.of("stop"),
            "gen_ai.usage.input_tokens",
            SupportDesk.ANSWER_INPUT,
            "gen_ai.usage.output_tokens",
            SupportDesk.ANSWER_OUTPUT,
            "gen_ai.usage.cost",
            SupportDesk.ANSWER_COST.doubleValue()));
    assertThat(reply.attributes()).containsExactlyInAnyOrderEntriesOf(replyAttributes);
    assertThat(tool.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "gen_ai.operation.name", "execute_tool",
                "gen_ai.tool.name", SupportDesk.TOOL,
                "gen_ai.tool.call.id", "call-1",
                "gen_ai.tool.type", "function"));
    String system = backend.broker().system();
    assertThat(send.attributes())
        .containsExactlyInAnyOrderEntriesOf(messagingAttributes(system, "send"));
    assertThat(process.attributes())
        .containsExactlyInAnyOrderEntriesOf(messagingAttributes(system, "process"));

    // SQL: sanitized text, never a literal, prepared statements included.
    Map<String, Object> selectAttributes = new HashMap<>(backend.databaseAttributes());
    selectAttributes.putAll(
        Map.of(
            "db.operation.name", "SELECT",
            "db.collection.name", "orders",
            "db.query.text", "SELECT status FROM orders WHERE id = ? AND region = ?"));
    assertThat(select.attributes()).containsExactlyInAnyOrderEntriesOf(selectAttributes);
    Map<String, Object> updateAttributes = new HashMap<>(backend.databaseAttributes());
    updateAttributes.putAll(
        Map.of(
            "db.operation.name", "UPDATE",
            "db.collection.name", "orders",
            "db.query.text", "UPDATE orders SET status = ?, note = ? WHERE id = ?"));
    assertThat(update.attributes()).containsExactlyInAnyOrderEntriesOf(updateAttributes);
    assertThat(spans)
        .allSatisfy(
            span ->
                assertThat(span.span().toString())
                    .doesNotContain("eu-west")
                    .doesNotContain("555-0199")
                    .doesNotContain("refunding"));

    // Every log line of a step carries the trace id and the id of that step's span.
    Map<String, ReceivedSpan> spanOfLine =
        Map.of(
            "request received: where is my refund?", root,
            "agent started", agent,
            "planning with the model", plan,
            "looking up order 42", tool,
            "publishing refund of order 42", send,
            "answering with the model", reply,
            "processing refund 42", process);
    assertThat(lines)
        .extracting(Line::message)
        .containsExactlyInAnyOrderElementsOf(concat("service ready", spanOfLine.keySet()));
    for (Line line : lines) {
      ReceivedSpan span = spanOfLine.get(line.message());
      if (span == null) {
        assertThat(line.mdc())
            .as("no span: %s", line)
            .doesNotContainKeys("trace_id", "span_id", "trace_flags");
        continue;
      }
      String flags = HexFormat.of().toHexDigits((byte) span.span().getFlags());
      assertThat(line.mdc())
          .as("%s", line)
          .contains(
              entry("trace_id", root.traceId()),
              entry("span_id", span.spanId()),
              entry("trace_flags", flags));
      assertThat(line.formatted())
          .isEqualTo(
              "trace_id="
                  + root.traceId()
                  + " span_id="
                  + span.spanId()
                  + " trace_flags="
                  + flags
                  + " - "
                  + line.message());
    }

    // Metrics: every operation counted, tokens summed by type.
    assertThat(
            receiver.histogramCount(
                "oteltoolkit.operation.duration", "oteltoolkit.operation.name", ROOT))
        .isEqualTo(1);
    assertThat(receiver.histogramCount("gen_ai.client.token.usage", "gen_ai.token.type", "input"))
        .isEqualTo(2);
    assertThat(receiver.histogramSum("gen_ai.client.token.usage", "gen_ai.token.type", "input"))
        .isEqualTo((double) SupportDesk.PLAN_INPUT + SupportDesk.ANSWER_INPUT);
    assertThat(receiver.histogramCount("gen_ai.client.token.usage", "gen_ai.token.type", "output"))
        .isEqualTo(2);
    assertThat(receiver.histogramSum("gen_ai.client.token.usage", "gen_ai.token.type", "output"))
        .isEqualTo((double) SupportDesk.PLAN_OUTPUT + SupportDesk.ANSWER_OUTPUT);
    assertThat(
            receiver.histogramCount(
                "gen_ai.client.operation.duration", "gen_ai.operation.name", "chat"))
        .isEqualTo(2);
    assertThat(
            receiver.histogramCount(
                "gen_ai.client.operation.duration", "gen_ai.operation.name", "execute_tool"))
        .isEqualTo(1);
    assertThat(
            receiver.histogramCount(
                "gen_ai.client.operation.duration", "gen_ai.operation.name", "invoke_agent"))
        .isEqualTo(1);
    assertThat(
            receiver.histogramCount("db.client.operation.duration", "db.operation.name", "SELECT"))
        .isEqualTo(1);
    assertThat(
            receiver.histogramCount("db.client.operation.duration", "db.operation.name", "UPDATE"))
        .isEqualTo(1);
    assertThat(
            receiver.histogramCount(
                "db.client.operation.duration",
                "db.system.name",
                (String) backend.databaseAttributes().get("db.system.name")))
        .isEqualTo(2);
  }

  private static Map<String, Object> chatAttributes() {
    return Map.of(
        "gen_ai.operation.name", "chat",
        "gen_ai.provider.name", SupportDesk.PROVIDER,
        "gen_ai.request.model", SupportDesk.MODEL,
        "gen_ai.response.model", SupportDesk.RESPONSE_MODEL);
  }

  private static Map<String, Object> messagingAttributes(String system, String operation) {
    return Map.of(
        "messaging.system", system,
        "messaging.destination.name", SupportDesk.QUEUE,
        "messaging.operation.type", operation,
        "messaging.operation.name", operation);
  }

  /** The chat span with response id {@code responseId}. */
  private static ReceivedSpan chat(List<ReceivedSpan> spans, String responseId) {
    return spans.stream()
        .filter(s -> s.name().equals(CHAT))
        .filter(s -> responseId.equals(s.attributes().get("gen_ai.response.id")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no chat span " + responseId + " in " + spans));
  }

  private static SpanKind kind(ReceivedSpan span) {
    return span.span().getKind();
  }

  private static List<String> concat(String first, Collection<String> rest) {
    return Stream.concat(Stream.of(first), rest.stream()).toList();
  }
}
