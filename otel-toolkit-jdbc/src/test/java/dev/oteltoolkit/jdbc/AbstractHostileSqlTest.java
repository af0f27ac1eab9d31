package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.DbAttributes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile statements through {@link JdbcTelemetry#wrap(DataSource)} against a real database, one
 * subclass per database: each statement carries unique secrets where that database reads a literal
 * (proved, where the statement returns a row, by the value the database returns), and no secret may
 * appear in any span, span event, metric or log record the SDK would export, nor in what the module
 * logs through java.util.logging. Tables are named {@code otk_sql_<random>}.
 */
abstract class AbstractHostileSqlTest {

  /** A statement, the first column of its first row ({@code null}: no check), its secrets. */
  record Hostile(String sql, String value, boolean fails, List<String> secrets) {}

  private final String runId = randomLetters(6);
  private final List<String> julRecords = new ArrayList<>();
  private final Logger toolkitLogger = Logger.getLogger("dev.oteltoolkit");
  private final Handler julCapture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          StringWriter text = new StringWriter();
          text.append(record.getMessage())
              .append(' ')
              .append(String.valueOf(Arrays.toString(record.getParameters())));
          if (record.getThrown() != null) {
            record.getThrown().printStackTrace(new PrintWriter(text));
          }
          synchronized (julRecords) {
            julRecords.add(text.toString());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  InMemorySpanExporter spans;
  InMemoryMetricReader metrics;
  InMemoryLogRecordExporter logs;
  OpenTelemetrySdk sdk;
  DataSource raw;
  String table;

  /** The database and how to reach it. */
  abstract TestDatabase database();

  /** This database's hostile statements, built with {@link #secret(int)}. */
  abstract List<Hostile> hostileStatements();

  /**
   * A statement whose sanitized text depends on the dialect, and its text by this database's
   * dialect (with no dialect the rest of it would be one {@code ?}).
   */
  abstract String[] dialectProbe();

  /** A secret unique to this run. */
  String secret(int n) {
    return "zq" + runId + n + "q";
  }

  static Hostile returns(String sql, String value, String... secrets) {
    return new Hostile(sql, value, false, List.of(secrets));
  }

  static Hostile fails(String sql, String... secrets) {
    return new Hostile(sql, null, true, List.of(secrets));
  }

  @BeforeEach
  void setUp() throws SQLException {
    raw = database().require();
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    logs = InMemoryLogRecordExporter.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setLoggerProvider(
                SdkLoggerProvider.builder()
                    .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs))
                    .build())
            .build();
    toolkitLogger.addHandler(julCapture);
    table = "otk_sql_" + runId;
    try (Connection connection = raw.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(200))");
    }
  }

  @AfterEach
  void tearDown() throws SQLException {
    toolkitLogger.removeHandler(julCapture);
    if (raw == null) {
      return;
    }
    try (Connection connection = raw.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE " + table);
    } finally {
      sdk.close();
    }
  }

  /** Statements every database reads the same way. */
  List<Hostile> commonStatements() {
    String t = table;
    return List.of(
        returns("SELECT 'it''s " + secret(1) + "' AS v", "it's " + secret(1), secret(1)),
        returns("SELECT N'" + secret(2) + "' AS v", secret(2), secret(2)),
        returns("SELECT 123456789012 AS v", "123456789012", "123456789012"),
        returns(
            "INSERT INTO " + t + " (id, name) VALUES (1, '" + secret(3) + " -- /* ')",
            null,
            secret(3)),
        returns(
            "UPDATE " + t + " SET name = '" + secret(4) + "'' */ ;' WHERE id = 1", null, secret(4)),
        returns(
            "SELECT name FROM " + t + " WHERE name <> '" + secret(5) + "' AND id IN (1, 2, 3)",
            secret(4) + "' */ ;",
            secret(5)),
        returns("SELECT 1 /* '" + secret(6) + "' */ AS v", "1", secret(6)),
        returns("SELECT 7 AS v -- '" + secret(7) + "'\n", "7", secret(7)),
        // failures: the drivers quote the statement, literals included, in their messages
        fails("SELECT '" + secret(8), secret(8)),
        fails("SELECT * FROM " + t + " WHERE name = '" + secret(9) + "' AND", secret(9)),
        fails(
            "SELECT * FROM otk_sql_missing_" + runId + " WHERE name = '" + secret(10) + "'",
            secret(10)));
  }

  @Test
  void noLiteralLeavesTheProcess() throws SQLException {
    DataSource wrapped = JdbcTelemetry.create(sdk).wrap(raw);
    List<Hostile> statements = new ArrayList<>(commonStatements());
    statements.addAll(hostileStatements());
    List<String> secrets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int executions = 0;
    for (Hostile hostile : statements) {
      secrets.addAll(hostile.secrets());
      executions++;
      try (Connection connection = wrapped.getConnection();
          Statement statement = connection.createStatement()) {
        boolean rows = statement.execute(hostile.sql());
        if (hostile.fails()) {
          problems.add("expected a failure: " + hostile.sql());
        } else if (hostile.value() != null) {
          String value = null;
          if (rows) {
            try (ResultSet rs = statement.getResultSet()) {
              value = rs.next() ? rs.getString(1) : null;
            }
          }
          if (!hostile.value().equals(value)) {
            problems.add(hostile.sql() + " returned " + value + ", not " + hostile.value());
          }
        }
      } catch (SQLException e) {
        if (!hostile.fails()) {
          problems.add(hostile.sql() + " failed: " + e);
        }
      }
    }

    // a literal inside a prepared text, and a parameter value (never recorded either)
    String parameter = secret(100);
    String preparedLiteral = secret(101);
    secrets.add(parameter);
    secrets.add(preparedLiteral);
    try (Connection connection = wrapped.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT CAST(? AS VARCHAR(40)) AS a, '" + preparedLiteral + "' AS b")) {
      statement.setString(1, parameter);
      try (ResultSet rs = statement.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(parameter);
        assertThat(rs.getString(2)).isEqualTo(preparedLiteral);
      }
      executions++;
    }
    // a batch of statements with literals: one span
    String batched1 = secret(102);
    String batched2 = secret(103);
    secrets.add(batched1);
    secrets.add(batched2);
    try (Connection connection = wrapped.getConnection();
        Statement statement = connection.createStatement()) {
      statement.addBatch("INSERT INTO " + table + " (id, name) VALUES (10, '" + batched1 + "')");
      statement.addBatch("INSERT INTO " + table + " (id, name) VALUES (11, '" + batched2 + "')");
      statement.executeBatch();
      executions++;
    }

    assertThat(problems).as("statements the database did not read as expected").isEmpty();
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).as("one span per execution").hasSize(executions);
    assertThat(finished)
        .allSatisfy(
            span -> assertThat(span.getAttributes().get(DbAttributes.DB_QUERY_TEXT)).isNotNull());
    assertThat(finished.stream().filter(span -> !span.getEvents().isEmpty()).count())
        .as("failures recorded with an exception event")
        .isEqualTo(statements.stream().filter(Hostile::fails).count());
    String exported =
        finished
            + "\n"
            + metrics.collectAllMetrics()
            + "\n"
            + logs.getFinishedLogRecordItems()
            + "\n"
            + julRecords;
    assertThat(exported).as("telemetry").contains("db.query.text");
    for (String secret : secrets) {
      assertThat(exported).as("telemetry holding " + secret).doesNotContain(secret);
    }
  }

  @Test
  void theWrapperPassesTheDatabasesDialect() throws SQLException {
    String[] probe = dialectProbe();
    try (Connection connection = JdbcTelemetry.create(sdk).wrap(raw).getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(probe[0]);
    }
    assertThat(spans.getFinishedSpanItems())
        .singleElement()
        .satisfies(
            span ->
                assertThat(span.getAttributes().get(DbAttributes.DB_QUERY_TEXT))
                    .isEqualTo(probe[1]));
    assertThat(SqlSanitizer.sanitize(probe[0])).as("with no dialect").isNotEqualTo(probe[1]);
  }

  private static String randomLetters(int length) {
    Random random = new Random();
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }
}
