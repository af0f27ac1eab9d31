package dev.oteltoolkit.tests;

import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.oteltoolkit.api.testsupport.RequiredService;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.examples.multiservice.MultiService;
import dev.oteltoolkit.examples.multiservice.RedSummary;
import dev.oteltoolkit.examples.multiservice.TimeSplit;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServiceAttributes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 5 (multi-service with PostgreSQL), run on the machine's PostgreSQL (skipped loudly when
 * it does not answer) and on embedded H2: two services with their own telemetry in one trace per
 * request, client → server → database and → agent → model, the time split checked against the
 * durations the test plants in the server, and the RED metrics with their counts, error rate and
 * percentiles against a latency distribution the test controls.
 */
@Timeout(120)
class MultiServiceScenarioTest {

  private static final String H2_URL = "jdbc:h2:mem:multiservice-test;DB_CLOSE_DELAY=-1";

  /** The machine's PostgreSQL, as the scenario's main uses it (see {@code .ci/run}). */
  private static final String POSTGRESQL_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final int SCANS = 8;

  /**
   * The time the server's business rules take in each of the eight scans, in order (the fourth is
   * the recount, the fifth fails): five of 130 ms, two of 300 ms, one of 550 ms. Each lies in the
   * middle of a bucket of the duration histograms (0.1-0.25 s, 0.25-0.5 s, 0.5-0.75 s), at least
   * 120 ms from the next boundary, so the bucket counts do not depend on the machine.
   */
  private static final long[] LOGIC_MILLIS = {130, 130, 300, 130, 130, 300, 550, 130};

  private static final AttributeKey<Long> TOTAL_INPUT =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.input_tokens");
  private static final AttributeKey<Long> TOTAL_OUTPUT =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.output_tokens");
  private static final AttributeKey<Double> TOTAL_COST =
      AttributeKey.doubleKey("oteltoolkit.gen_ai.total.cost");
  private static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<String> AGENT_NAME =
      AttributeKey.stringKey("gen_ai.agent.name");

  /**
   * The advisor's usage as the fake model reports it: a quarter of the request's 184 bytes, and of
   * the 33 characters of "Stock is fine, no reorder needed." (rounded up).
   */
  private static final Long ADVISOR_INPUT_TOKENS = 46L;

  private static final Long ADVISOR_OUTPUT_TOKENS = 9L;

  /** gpt-4o-mini in the bundled price table: 46 x 0.15 + 9 x 0.60 per million tokens. */
  private static final Double ADVISOR_COST = 0.0000123;

  private final Collected scanner = new Collected();
  private final Collected server = new Collected();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** The databases the scenario runs on here, with what each reports. */
  enum Database {
    POSTGRESQL(POSTGRESQL_URL, "PostgreSQL", "postgresql", "23514"),
    H2(H2_URL, "H2", "h2database", "23513");

    final String url;
    final String product;
    final String dbSystem;

    /** The SQLSTATE of a CHECK constraint violation. */
    final String checkViolation;

    Database(String url, String product, String dbSystem, String checkViolation) {
      this.url = url;
      this.product = product;
      this.dbSystem = dbSystem;
      this.checkViolation = checkViolation;
    }

    /**
     * The URL; for PostgreSQL, a loud skip when the server is not there (a failure where services
     * are required, as in CI) and a failure when it refuses the login.
     */
    String require() {
      if (this == POSTGRESQL) {
        RequiredService.at(
                "PostgreSQL", "127.0.0.1", 5432, "pg_ctlcluster <version> main start (see .ci/run)")
            .login(
                () -> {
                  try (Connection ignored = DriverManager.getConnection(url, "postgres", "")) {
                    return url;
                  }
                });
      }
      return url;
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void oneTracePerRequestAcrossBothServicesDownToTheDatabase(Database database) throws Exception {
    MultiService.Result result = run(database.require());

    assertThat(result.database()).startsWith(database.product);
    assertThat(result.failed()).isEqualTo(1);
    assertThat(text(err)).doesNotContain("FALLING BACK");
    assertThat(scanner.spans).allSatisfy(s -> assertThat(service(s)).isEqualTo("scanner"));
    assertThat(server.spans).allSatisfy(s -> assertThat(service(s)).isEqualTo("inventory"));

    Map<String, List<SpanData>> scannerTraces =
        scanner.spans.stream().collect(groupingBy(SpanData::getTraceId));
    Map<String, List<SpanData>> serverTraces =
        server.spans.stream().collect(groupingBy(SpanData::getTraceId));
    assertThat(scannerTraces).hasSize(SCANS);
    assertThat(serverTraces.keySet()).isEqualTo(scannerTraces.keySet());

    int recounts = 0;
    int failures = 0;
    for (String traceId : scannerTraces.keySet()) {
      List<SpanData> mine = scannerTraces.get(traceId);
      List<SpanData> theirs = sorted(serverTraces.get(traceId));
      // scanner: scan (local root) → POST (HTTP CLIENT)
      assertThat(mine).extracting(SpanData::getName).containsExactlyInAnyOrder("scan", "POST");
      SpanData scan = named(mine, "scan");
      SpanData client = named(mine, "POST");
      assertThat(scan.getParentSpanContext().isValid()).isFalse();
      assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(client.getParentSpanId()).isEqualTo(scan.getSpanId());
      // server: POST /scans (SERVER, remote parent = the scanner's CLIENT span) → its children
      SpanData serverSpan = named(theirs, "POST /scans");
      assertThat(serverSpan.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
      assertThat(serverSpan.getParentSpanId()).isEqualTo(client.getSpanId());
      assertThat(serverSpan.getAttributes().get(HttpAttributes.HTTP_ROUTE)).isEqualTo("/scans");
      List<SpanData> children =
          theirs.stream().filter(s -> s.getParentSpanId().equals(serverSpan.getSpanId())).toList();
      List<String> names = children.stream().map(SpanData::getName).toList();
      Long status = serverSpan.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE);
      if (status == 500) {
        // the INSERT failed: the agent was never asked
        assertThat(names)
            .containsExactly("SELECT inventory_items", "apply-rules", "INSERT inventory_scans");
        assertThat(theirs).hasSize(4);
      } else if (names.size() == 5) {
        recounts++;
        assertThat(names)
            .containsExactly(
                "SELECT inventory_items",
                "apply-rules",
                "INSERT inventory_scans",
                "SELECT inventory_scans",
                "invoke_agent restock-advisor");
      } else {
        assertThat(names)
            .containsExactly(
                "SELECT inventory_items",
                "apply-rules",
                "INSERT inventory_scans",
                "invoke_agent restock-advisor");
      }
      for (SpanData child : children) {
        if (child.getName().equals("apply-rules")) {
          assertThat(child.getKind()).isEqualTo(SpanKind.INTERNAL);
        } else if (child.getName().startsWith("invoke_agent")) {
          // the agent, in the inventory service, in the scanner's trace: its model call under it
          assertThat(child.getKind()).isEqualTo(SpanKind.INTERNAL);
          assertThat(child.getAttributes().get(AGENT_NAME)).isEqualTo("restock-advisor");
          SpanData chat = named(theirs, "chat gpt-4o-mini");
          assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
          assertThat(chat.getParentSpanId()).isEqualTo(child.getSpanId());
          assertThat(chat.getAttributes().get(INPUT_TOKENS)).isEqualTo(ADVISOR_INPUT_TOKENS);
          assertThat(chat.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(ADVISOR_OUTPUT_TOKENS);
          // the request's totals land on the SERVER span, the local root of the request
          assertThat(serverSpan.getAttributes().get(TOTAL_INPUT)).isEqualTo(ADVISOR_INPUT_TOKENS);
          assertThat(serverSpan.getAttributes().get(TOTAL_OUTPUT)).isEqualTo(ADVISOR_OUTPUT_TOKENS);
          assertThat(serverSpan.getAttributes().get(TOTAL_COST)).isEqualTo(ADVISOR_COST);
          assertThat(theirs).hasSize(children.size() + 2);
        } else {
          assertThat(child.getKind()).isEqualTo(SpanKind.CLIENT);
          assertThat(child.getAttributes().get(DB_SYSTEM)).isEqualTo(database.dbSystem);
        }
      }
      if (status == 500) {
        failures++;
        SpanData insert = named(children, "INSERT inventory_scans");
        assertThat(insert.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(insert.getAttributes().get(ErrorAttributes.ERROR_TYPE))
            .isEqualTo(database.checkViolation);
        assertThat(serverSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(client.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("500");
        assertThat(scan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      } else {
        assertThat(status).isEqualTo(200);
        assertThat(theirs)
            .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
        assertThat(scan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      }
    }
    assertThat(recounts).isEqualTo(1);
    assertThat(failures).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void timeSplitPutsThePlantedDurationsInTheirShares(Database database) throws Exception {
    MultiService.Result result = run(database.require(), plantedLogicTimes());

    assertThat(result.splits()).hasSize(SCANS);
    for (int i = 0; i < SCANS; i++) {
      TimeSplit split = result.splits().get(i);
      List<SpanData> spans = new CopyOnWriteArrayList<>(scanner.trace(split.traceId()));
      spans.addAll(server.trace(split.traceId()));
      SpanData client =
          only(
              spans,
              s ->
                  s.getKind() == SpanKind.CLIENT
                      && s.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD) != null);
      SpanData serverSpan = only(spans, s -> s.getKind() == SpanKind.SERVER);
      List<SpanData> db = sorted(spans.stream().filter(this::isDb).toList());
      List<SpanData> models = spans.stream().filter(s -> s.getName().startsWith("chat ")).toList();
      // Within the server (one clock, one local trace), the statements lie inside its span one
      // after the other: the database share is real time of the server's span and logic is what
      // remains of it. (Across services only durations are compared: the SERVER span may end a
      // moment after the client read the response, so its end is not checked against the
      // client's.)
      long previousEnd = serverSpan.getStartEpochNanos();
      long dbNanos = 0;
      for (SpanData statement : db) {
        assertThat(statement.getStartEpochNanos()).isGreaterThanOrEqualTo(previousEnd);
        previousEnd = statement.getEndEpochNanos();
        dbNanos += duration(statement);
      }
      assertThat(previousEnd).isLessThanOrEqualTo(serverSpan.getEndEpochNanos());
      long modelNanos = models.stream().mapToLong(MultiServiceScenarioTest::duration).sum();
      long network = duration(client) - duration(serverSpan);
      long logic = duration(serverSpan) - dbNanos - modelNanos;
      // Each planted duration shows in its own share, whatever the machine's speed (a sleep never
      // ends early): the business rules' sleep in logic (it is in neither a statement nor a model
      // call), the advisor model's latency in model, the recount's pg_sleep(0.2) in database.
      assertThat(logic)
          .as("logic of scan %d", i + 1)
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(LOGIC_MILLIS[i]));
      SpanData rules = named(spans, "apply-rules");
      assertThat(logic).isGreaterThanOrEqualTo(duration(rules));
      if (i == 4) {
        assertThat(models).as("the failed scan asks no model").isEmpty();
      } else {
        assertThat(models).hasSize(1);
        assertThat(modelNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
      }
      if (i == 3) {
        assertThat(dbNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
      }
      // the slowest planted logic (550 ms) outweighs everything else of its request here: the
      // database (two statements), the model (40 ms) and the loopback network
      if (LOGIC_MILLIS[i] == 550) {
        assertThat(split.dominant()).isEqualTo("logic");
      }
      // and the scenario printed exactly these numbers
      assertThat(split.clientSpan().getSpanId()).isEqualTo(client.getSpanId());
      assertThat(split.serverSpan().getSpanId()).isEqualTo(serverSpan.getSpanId());
      assertThat(split.networkNanos()).isEqualTo(network);
      assertThat(split.logicNanos()).isEqualTo(logic);
      assertThat(split.databaseNanos()).isEqualTo(dbNanos);
      assertThat(split.modelNanos()).isEqualTo(modelNanos);
      assertThat(split.totalNanos()).isEqualTo(duration(client));
      assertThat(split.databaseSpans()).hasSize(db.size());
      assertThat(split.modelSpans()).hasSize(models.size());
    }
    String printed = text(out);
    assertThat(printed.split("time split: ", -1)).hasSize(SCANS + 1);
    assertThat(printed).contains("trace " + result.splits().get(0).traceId() + "  service=scanner");
    assertThat(printed)
        .contains("trace " + result.splits().get(0).traceId() + "  service=inventory");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void redMetricsCountEveryRequestAndTheFailure(Database database) throws Exception {
    MultiService.Result result = run(database.require(), plantedLogicTimes());

    assertRow(result, "scanner", RedSummary.OPERATION_DURATION, "scan", SCANS, 1);
    assertRow(result, "scanner", RedSummary.HTTP_CLIENT_DURATION, "POST 127.0.0.1", SCANS, 1);
    assertRow(result, "inventory", RedSummary.HTTP_SERVER_DURATION, "POST /scans", SCANS, 1);
    assertRow(result, "inventory", RedSummary.OPERATION_DURATION, "apply-rules", SCANS, 0);
    assertRow(result, "inventory", RedSummary.DB_DURATION, "SELECT inventory_items", SCANS, 0);
    assertRow(result, "inventory", RedSummary.DB_DURATION, "INSERT inventory_scans", SCANS, 1);
    assertRow(result, "inventory", RedSummary.DB_DURATION, "SELECT inventory_scans", 1, 0);
    assertThat(row(result, "inventory", RedSummary.HTTP_SERVER_DURATION, "POST /scans").errorRate())
        .isEqualTo(1.0 / SCANS);
    for (RedSummary.Row row : result.metrics()) {
      assertThat(row.p50()).isPositive();
      assertThat(row.p95()).isGreaterThanOrEqualTo(row.p50());
      assertThat(row.p99()).isGreaterThanOrEqualTo(row.p95());
    }
    // The planted distribution of apply-rules: 130 ms x5, 300 ms x2, 550 ms x1, so the buckets
    // (0.1, 0.25] = 5, (0.25, 0.5] = 2, (0.5, 0.75] = 1. histogram_quantile, narrowed to the
    // observed minimum (130 ms) and maximum (550 ms) as RedSummary does:
    //   p50: rank 4 of 8 in (0.1, 0.25], 0.13 + (0.25 - 0.13) x 4/5   = 0.226 s
    //   p95: rank 7.6 in (0.5, 0.75],    0.5  + (0.55 - 0.5) x 0.6/1 = 0.530 s
    //   p99: rank 7.92 in (0.5, 0.75],   0.5  + (0.55 - 0.5) x 0.92  = 0.546 s
    // Each measured duration is its sleep plus a little (never less): the tolerance allows 40 ms
    // of that on a loaded machine. The true p95 and p99 of the planted values are both 550 ms.
    RedSummary.Row rules = row(result, "inventory", RedSummary.OPERATION_DURATION, "apply-rules");
    assertThat(rules.p50()).isCloseTo(0.226, within(0.04));
    assertThat(rules.p95()).isCloseTo(0.530, within(0.04));
    assertThat(rules.p99()).isCloseTo(0.546, within(0.04));
    // the server's requests contain the planted logic: its slowest lies above 0.5 s, and so does
    // its p99 (rank 7.92 of 8 falls in the top request's bucket)
    assertThat(row(result, "inventory", RedSummary.HTTP_SERVER_DURATION, "POST /scans").p99())
        .isGreaterThan(0.5);
    assertThat(text(out)).contains("p99").contains("POST /scans").contains("(12.5%)");
  }

  @Test
  void unreachablePostgreSqlFallsBackToH2Loudly() throws Exception {
    // nothing listens on port 1: with or without the driver on the classpath, H2 takes over
    MultiService.Result result = run("jdbc:postgresql://127.0.0.1:1/test");

    assertThat(text(err)).contains("FALLING BACK TO EMBEDDED H2");
    assertThat(result.database()).startsWith("H2");
    assertThat(result.splits()).hasSize(SCANS);
    assertThat(server.spans)
        .filteredOn(this::isDb)
        .allSatisfy(s -> assertThat(s.getAttributes().get(DB_SYSTEM)).isEqualTo("h2database"));
  }

  private MultiService.Result run(String jdbcUrl) throws Exception {
    return MultiService.run(
        Telemetry.setup().configProperties(Map.of()).addSpanExporter(scanner),
        Telemetry.setup().configProperties(Map.of()).addSpanExporter(server),
        false,
        jdbcUrl,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private MultiService.Result run(String jdbcUrl, Supplier<Duration> logicTime) throws Exception {
    return MultiService.run(
        Telemetry.setup().configProperties(Map.of()).addSpanExporter(scanner),
        Telemetry.setup().configProperties(Map.of()).addSpanExporter(server),
        false,
        jdbcUrl,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        logicTime);
  }

  /** The server asks once per request, in order: {@link #LOGIC_MILLIS}. */
  private static Supplier<Duration> plantedLogicTimes() {
    Iterator<Long> times = Arrays.stream(LOGIC_MILLIS).iterator();
    return () -> Duration.ofMillis(times.next());
  }

  private static void assertRow(
      MultiService.Result result,
      String service,
      String metric,
      String operation,
      long calls,
      long errors) {
    RedSummary.Row row = row(result, service, metric, operation);
    assertThat(row.calls()).as("%s %s calls", metric, operation).isEqualTo(calls);
    assertThat(row.errors()).as("%s %s errors", metric, operation).isEqualTo(errors);
  }

  private static RedSummary.Row row(
      MultiService.Result result, String service, String metric, String operation) {
    List<RedSummary.Row> rows =
        result.metrics().stream()
            .filter(
                r ->
                    r.service().equals(service)
                        && r.metric().equals(metric)
                        && r.operation().equals(operation))
            .toList();
    assertThat(rows).as("%s %s %s in %s", service, metric, operation, result.metrics()).hasSize(1);
    return rows.get(0);
  }

  private boolean isDb(SpanData span) {
    return span.getKind() == SpanKind.CLIENT && span.getAttributes().get(DB_SYSTEM) != null;
  }

  private static SpanData only(List<SpanData> spans, Predicate<SpanData> p) {
    List<SpanData> matching = spans.stream().filter(p).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return only(spans, s -> s.getName().equals(name));
  }

  private static List<SpanData> sorted(List<SpanData> spans) {
    return spans.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
  }

  private static long duration(SpanData span) {
    return span.getEndEpochNanos() - span.getStartEpochNanos();
  }

  private static String service(SpanData span) {
    return span.getResource().getAttribute(ServiceAttributes.SERVICE_NAME);
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }

  /** Keeps every span a service exported; unlike the in-memory exporter, keeps them at shutdown. */
  private static final class Collected implements SpanExporter {

    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    List<SpanData> trace(String traceId) {
      return spans.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
