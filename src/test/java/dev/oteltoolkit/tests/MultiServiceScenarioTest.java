package dev.oteltoolkit.tests;

import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 5 (multi-service with PostgreSQL), run on the machine's PostgreSQL (skipped loudly
 * when it does not answer) and on embedded H2: two services with their own telemetry in one trace
 * per request, client → server → database, the time split that adds up from the span timestamps,
 * and the RED metrics with their counts and error rate.
 */
@Timeout(120)
class MultiServiceScenarioTest {

  private static final String H2_URL = "jdbc:h2:mem:multiservice-test;DB_CLOSE_DELAY=-1";
  /** The machine's PostgreSQL, as the scenario's main uses it (see {@code .ci/run}). */
  private static final String POSTGRESQL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final int SCANS = 8;

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

    /** The URL, or a loud skip when the server does not accept a connection. */
    String require() {
      if (this == POSTGRESQL) {
        try (Connection ignored = DriverManager.getConnection(url, "postgres", "")) {
          return url;
        } catch (SQLException e) {
          String message = "SKIPPED the PostgreSQL run of scenario 5: " + url
              + " did not accept a connection (" + e.getMessage()
              + "); start PostgreSQL (see .ci/run) to run it";
          System.err.println("[otel-toolkit-tests] " + message);
          Assumptions.abort(message);
        }
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
      List<SpanData> children = theirs.stream().filter(s -> s != serverSpan).toList();
      assertThat(children)
          .allSatisfy(c -> assertThat(c.getParentSpanId()).isEqualTo(serverSpan.getSpanId()));
      List<String> names = children.stream().map(SpanData::getName).toList();
      if (names.size() == 4) {
        recounts++;
        assertThat(names)
            .containsExactly(
                "SELECT inventory_items",
                "apply-rules",
                "INSERT inventory_scans",
                "SELECT inventory_scans");
      } else {
        assertThat(names)
            .containsExactly("SELECT inventory_items", "apply-rules", "INSERT inventory_scans");
      }
      for (SpanData child : children) {
        if (child.getName().equals("apply-rules")) {
          assertThat(child.getKind()).isEqualTo(SpanKind.INTERNAL);
        } else {
          assertThat(child.getKind()).isEqualTo(SpanKind.CLIENT);
          assertThat(child.getAttributes().get(DB_SYSTEM)).isEqualTo(database.dbSystem);
        }
      }
      Long status = serverSpan.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE);
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
        assertThat(theirs).allSatisfy(s -> assertThat(s.getStatus().getStatusCode())
            .isEqualTo(StatusCode.UNSET));
        assertThat(scan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      }
    }
    assertThat(recounts).isEqualTo(1);
    assertThat(failures).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void timeSplitAddsUpFromTheSpanTimestamps(Database database) throws Exception {
    MultiService.Result result = run(database.require());

    assertThat(result.splits()).hasSize(SCANS);
    for (TimeSplit split : result.splits()) {
      List<SpanData> spans = new CopyOnWriteArrayList<>(scanner.trace(split.traceId()));
      spans.addAll(server.trace(split.traceId()));
      SpanData client = only(spans, s -> s.getKind() == SpanKind.CLIENT && !isDb(s));
      SpanData serverSpan = only(spans, s -> s.getKind() == SpanKind.SERVER);
      List<SpanData> db = sorted(spans.stream().filter(this::isDb).toList());
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
      long network = duration(client) - duration(serverSpan);
      long logic = duration(serverSpan) - dbNanos;
      assertThat(logic).isNotNegative();
      assertThat(network + logic + dbNanos).isEqualTo(duration(client));
      // and the scenario printed exactly these numbers
      assertThat(split.clientSpan().getSpanId()).isEqualTo(client.getSpanId());
      assertThat(split.serverSpan().getSpanId()).isEqualTo(serverSpan.getSpanId());
      assertThat(split.networkNanos()).isEqualTo(network);
      assertThat(split.logicNanos()).isEqualTo(logic);
      assertThat(split.databaseNanos()).isEqualTo(dbNanos);
      assertThat(split.networkNanos() + split.logicNanos() + split.databaseNanos())
          .isEqualTo(split.totalNanos());
      assertThat(split.databaseSpans()).hasSize(db.size());
      if (db.size() == 3) {
        // the recount's pg_sleep(0.2) is database time, whatever the machine's speed
        assertThat(split.databaseNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
      }
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
    MultiService.Result result = run(database.require());

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
