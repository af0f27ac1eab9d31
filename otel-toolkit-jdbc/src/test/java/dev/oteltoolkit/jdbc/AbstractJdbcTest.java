package dev.oteltoolkit.jdbc;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC instrumentation against one real database; one subclass per database. Every test creates
 * what it needs in a table of its own (random name) and drops it afterwards, so runs on shared
 * servers do not collide.
 */
abstract class AbstractJdbcTest {

  InMemorySpanExporter spans;
  InMemoryMetricReader metrics;
  OpenTelemetrySdk sdk;
  DataSource raw;
  String table;

  /** The database and how to reach it. */
  abstract TestDatabase database();

  abstract String expectedSystem();

  abstract String expectedNamespace();

  /** {@code null} for embedded databases. */
  abstract String expectedAddress();

  abstract long expectedPort();

  /** A statement with the literal {@code 'hunter2'} that fails with a message quoting it. */
  abstract String failingStatement();

  /** The span name of {@link #failingStatement()}. */
  abstract String failingSpanName();

  /** The operation and collection attributes of {@link #failingStatement()}. */
  abstract List<AttributeAssertion> failingStatementAttributes();

  /** {@code db.response.status_code} for this database's failure. */
  abstract String expectedStatusCode(SQLException e);

  /** A callable statement with one IN parameter, and its procedure name as the driver sees it. */
  abstract String callableStatement();

  abstract String callableProcedure();

  /** {@link #failingStatement()} as {@code db.query.text} must show it, written out literally. */
  abstract String expectedFailingQueryText();

  /** {@link #callableStatement()} as {@code db.query.text} must show it, written out literally. */
  abstract String expectedCallableQueryText();

  /** Creates what {@link #callableStatement()} calls, if anything. */
  void createProcedure(Statement statement) throws SQLException {}

  void dropProcedure(Statement statement) throws SQLException {}

  @BeforeEach
  void setUp() throws SQLException {
    raw = database().require();
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
    table = "otk_jdbc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = raw.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(50))");
      statement.execute("INSERT INTO " + table + " VALUES (1, 'alice'), (2, 'bob')");
      createProcedure(statement);
    }
  }

  @AfterEach
  void tearDown() throws SQLException {
    if (raw == null) {
      return;
    }
    try (Connection connection = raw.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE " + table);
      dropProcedure(statement);
    } finally {
      sdk.close();
    }
  }

  JdbcTelemetry telemetry() {
    return JdbcTelemetry.create(sdk);
  }

  /** The attributes every span of this database carries, then {@code more}. */
  AttributeAssertion[] dbAttributes(AttributeAssertion... more) {
    List<AttributeAssertion> all = new ArrayList<>();
    all.add(equalTo(DbAttributes.DB_SYSTEM_NAME, expectedSystem()));
    all.add(equalTo(DbAttributes.DB_NAMESPACE, expectedNamespace()));
    if (expectedAddress() != null) {
      all.add(equalTo(ServerAttributes.SERVER_ADDRESS, expectedAddress()));
      all.add(equalTo(ServerAttributes.SERVER_PORT, expectedPort()));
    }
    all.addAll(Arrays.asList(more));
    return all.toArray(new AttributeAssertion[0]);
  }

  List<SpanData> finishedSpans() {
    return spans.getFinishedSpanItems();
  }

  @Test
  void statementWithLiteralsIsOneClientSpanWithSanitizedText() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT name FROM " + table + " WHERE id = 1 AND name = 'alice'")) {
      Assertions.assertThat(rs.next()).isTrue();
      Assertions.assertThat(rs.getString(1)).isEqualTo("alice");
    }

    Assertions.assertThat(finishedSpans()).hasSize(1);
    assertThat(finishedSpans().get(0))
        .hasName("SELECT " + table)
        .hasKind(SpanKind.CLIENT)
        .hasNoParent()
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .hasAttributesSatisfyingExactly(
            dbAttributes(
                equalTo(
                    DbAttributes.DB_QUERY_TEXT,
                    "SELECT name FROM " + table + " WHERE id = ? AND name = ?"),
                equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"),
                equalTo(DbAttributes.DB_COLLECTION_NAME, table)));
  }

  @Test
  void preparedStatementIsSanitizedOnceAndRecordedPerExecution() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "UPDATE " + table + " SET name = ? WHERE id = ? AND name <> 'nobody'")) {
      statement.setString(1, "carol");
      statement.setInt(2, 1);
      Assertions.assertThat(statement.executeUpdate()).isEqualTo(1);
      statement.setString(1, "dave");
      statement.setInt(2, 2);
      Assertions.assertThat(statement.executeLargeUpdate()).isEqualTo(1L);
    }

    Assertions.assertThat(finishedSpans()).hasSize(2);
    for (SpanData span : finishedSpans()) {
      // the literal inside a prepared text is sanitized too; the placeholders stay
      assertThat(span)
          .hasName("UPDATE " + table)
          .hasKind(SpanKind.CLIENT)
          .hasAttributesSatisfyingExactly(
              dbAttributes(
                  equalTo(
                      DbAttributes.DB_QUERY_TEXT,
                      "UPDATE " + table + " SET name = ? WHERE id = ? AND name <> ?"),
                  equalTo(DbAttributes.DB_OPERATION_NAME, "UPDATE"),
                  equalTo(DbAttributes.DB_COLLECTION_NAME, table)));
    }
  }

  @Test
  void preparedBatchIsOneBatchSpan() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
      for (int id = 10; id < 13; id++) {
        statement.setInt(1, id);
        statement.setString(2, "n" + id);
        statement.addBatch();
      }
      Assertions.assertThat(statement.executeBatch()).hasSize(3);
      // a batch of one is a plain operation (semconv)
      statement.setInt(1, 20);
      statement.setString(2, "n20");
      statement.addBatch();
      Assertions.assertThat(statement.executeBatch()).hasSize(1);
    }

    Assertions.assertThat(finishedSpans()).hasSize(2);
    String text = "INSERT INTO " + table + " (id, name) VALUES (?, ?)";
    assertThat(finishedSpans().get(0))
        .hasName("BATCH INSERT " + table)
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            dbAttributes(
                equalTo(DbAttributes.DB_QUERY_TEXT, text),
                equalTo(DbAttributes.DB_OPERATION_NAME, "BATCH INSERT"),
                equalTo(DbAttributes.DB_COLLECTION_NAME, table),
                equalTo(DbAttributes.DB_OPERATION_BATCH_SIZE, 3L)));
    assertThat(finishedSpans().get(1))
        .hasName("INSERT " + table)
        .hasAttributesSatisfyingExactly(
            dbAttributes(
                equalTo(DbAttributes.DB_QUERY_TEXT, text),
                equalTo(DbAttributes.DB_OPERATION_NAME, "INSERT"),
                equalTo(DbAttributes.DB_COLLECTION_NAME, table)));
  }

  @Test
  void statementBatchJoinsTheDistinctSanitizedTexts() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.addBatch("INSERT INTO " + table + " VALUES (30, 'x')");
      statement.addBatch("INSERT INTO " + table + " VALUES (31, 'y')");
      statement.addBatch("UPDATE " + table + " SET name = 'z' WHERE id = 30");
      Assertions.assertThat(statement.executeLargeBatch()).hasSize(3);
    }

    Assertions.assertThat(finishedSpans()).hasSize(1);
    // different operations on one table: operation BATCH, the shared collection is kept
    assertThat(finishedSpans().get(0))
        .hasName("BATCH " + table)
        .hasAttributesSatisfyingExactly(
            dbAttributes(
                equalTo(
                    DbAttributes.DB_QUERY_TEXT,
                    "INSERT INTO "
                        + table
                        + " VALUES (?, ?); UPDATE "
                        + table
                        + " SET name = ? WHERE id = ?"),
                equalTo(DbAttributes.DB_OPERATION_NAME, "BATCH"),
                equalTo(DbAttributes.DB_COLLECTION_NAME, table),
                equalTo(DbAttributes.DB_OPERATION_BATCH_SIZE, 3L)));
  }

  @Test
  void failureRecordsSanitizedEventAndRethrowsTheDriversException() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    SQLException thrown;
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      thrown =
          Assertions.catchThrowableOfType(
              SQLException.class, () -> statement.execute(failingStatement()));
    }

    // the application gets the driver's exception, message untouched
    Assertions.assertThat((Throwable) thrown).isNotNull();
    Assertions.assertThat(thrown.getClass().getName()).doesNotStartWith("dev.oteltoolkit");
    Assertions.assertThat(thrown.getMessage()).contains("hunter2");
    String statusCode = expectedStatusCode(thrown);
    Assertions.assertThat(statusCode).isNotNull();

    Assertions.assertThat(finishedSpans()).hasSize(1);
    List<AttributeAssertion> attributes = new ArrayList<>(failingStatementAttributes());
    attributes.add(equalTo(DbAttributes.DB_QUERY_TEXT, expectedFailingQueryText()));
    attributes.add(equalTo(DbAttributes.DB_RESPONSE_STATUS_CODE, statusCode));
    attributes.add(equalTo(ErrorAttributes.ERROR_TYPE, statusCode));
    assertThat(finishedSpans().get(0))
        .hasName(failingSpanName())
        .hasAttributesSatisfyingExactly(dbAttributes(attributes.toArray(new AttributeAssertion[0])))
        .hasEventsSatisfyingExactly(
            event ->
                event
                    .hasName("exception")
                    .hasAttributesSatisfyingExactly(
                        equalTo(ExceptionAttributes.EXCEPTION_TYPE, thrown.getClass().getName()),
                        satisfies(
                            ExceptionAttributes.EXCEPTION_MESSAGE,
                            message -> message.doesNotContain("hunter2").isNotEmpty()),
                        satisfies(
                            ExceptionAttributes.EXCEPTION_STACKTRACE,
                            trace ->
                                trace
                                    .doesNotContain("hunter2")
                                    .startsWith(thrown.getClass().getName())
                                    .contains("\tat "))));
    // status ERROR, described by the same sanitized message as the exception event
    SpanData failed = finishedSpans().get(0);
    Assertions.assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    Assertions.assertThat(failed.getStatus().getDescription())
        .doesNotContain("hunter2")
        .isEqualTo(
            failed.getEvents().get(0).getAttributes().get(ExceptionAttributes.EXCEPTION_MESSAGE));

    MetricData duration = durationMetric();
    assertThat(duration)
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasCount(1)
                            .hasAttributesSatisfyingExactly(
                                metricAttributes(
                                    failingStatementAttributes(),
                                    equalTo(DbAttributes.DB_RESPONSE_STATUS_CODE, statusCode),
                                    equalTo(ErrorAttributes.ERROR_TYPE, statusCode)))));
  }

  @Test
  void enclosingSpansRecordTheDriversMessageSanitizedToo() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    dev.oteltoolkit.api.Tracing tracing = dev.oteltoolkit.api.Tracing.create(sdk);
    // the application wraps the driver's exception (its message repeats the cause's) and lets
    // it travel up through two traced() spans
    RuntimeException thrown =
        Assertions.catchThrowableOfType(
            RuntimeException.class,
            () ->
                tracing.traced(
                    "handle-request",
                    () ->
                        tracing.traced(
                            "refund-order",
                            () -> {
                              try (Connection connection = dataSource.getConnection();
                                  Statement statement = connection.createStatement()) {
                                statement.execute(failingStatement());
                              } catch (SQLException e) {
                                throw new IllegalStateException(e);
                              }
                            })));

    // the application's exceptions are untouched
    Assertions.assertThat(thrown).isInstanceOf(IllegalStateException.class);
    Assertions.assertThat(thrown.getMessage()).contains("hunter2");
    Assertions.assertThat(thrown.getCause()).isInstanceOf(SQLException.class);

    List<SpanData> finished = finishedSpans();
    Assertions.assertThat(finished)
        .extracting(SpanData::getName)
        .containsExactly(failingSpanName(), "refund-order", "handle-request");
    for (SpanData span : finished) {
      Assertions.assertThat(span.getStatus().getStatusCode())
          .as(span.getName())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
      Assertions.assertThat(span.getStatus().getDescription())
          .as(span.getName())
          .doesNotContain("hunter2");
      Assertions.assertThat(span.getEvents()).as(span.getName()).hasSize(1);
      io.opentelemetry.api.common.Attributes event = span.getEvents().get(0).getAttributes();
      Assertions.assertThat(event.get(ExceptionAttributes.EXCEPTION_MESSAGE))
          .as(span.getName())
          .isNotEmpty()
          .doesNotContain("hunter2");
      Assertions.assertThat(event.get(ExceptionAttributes.EXCEPTION_STACKTRACE))
          .as(span.getName())
          .doesNotContain("hunter2")
          .contains("\tat ");
    }
    // the traced spans' events keep the application's exception type and its cause in the trace
    io.opentelemetry.api.common.Attributes outer =
        finished.get(2).getEvents().get(0).getAttributes();
    Assertions.assertThat(outer.get(ExceptionAttributes.EXCEPTION_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
    Assertions.assertThat(outer.get(ExceptionAttributes.EXCEPTION_STACKTRACE))
        .startsWith(IllegalStateException.class.getName())
        .contains("Caused by: " + thrown.getCause().getClass().getName());
  }

  @Test
  void durationHistogramFollowsTheSemanticConventions() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    try (Connection connection = dataSource.getConnection()) {
      for (int i = 0; i < 3; i++) {
        try (PreparedStatement statement =
            connection.prepareStatement("SELECT name FROM " + table + " WHERE id = ?")) {
          statement.setInt(1, 1);
          statement.executeQuery().close();
        }
      }
    }

    assertThat(durationMetric())
        .hasUnit("s")
        .hasDescription("Duration of database client operations.")
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasCount(3)
                            .hasBucketBoundaries(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10)
                            .hasAttributesSatisfyingExactly(
                                metricAttributes(
                                    Arrays.asList(
                                        equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"),
                                        equalTo(DbAttributes.DB_COLLECTION_NAME, table))))));
  }

  @Test
  void callableStatementNamesTheProcedure() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    try (Connection connection = dataSource.getConnection();
        CallableStatement call = connection.prepareCall(callableStatement())) {
      call.setInt(1, 7);
      call.execute();
      Assertions.assertThat(call.getConnection()).isSameAs(connection);
    }

    Assertions.assertThat(finishedSpans()).hasSize(1);
    String operation = callableStatement().replaceAll("^\\W*(\\w+).*$", "$1");
    assertThat(finishedSpans().get(0))
        .hasName(operation + " " + callableProcedure())
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            dbAttributes(
                equalTo(DbAttributes.DB_QUERY_TEXT, expectedCallableQueryText()),
                equalTo(DbAttributes.DB_OPERATION_NAME, operation),
                equalTo(DbAttributes.DB_STORED_PROCEDURE_NAME, callableProcedure())));
  }

  @Test
  void spansAreChildrenOfTheCurrentSpan() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    Span parent = sdk.getTracer("test").spanBuilder("handle request").startSpan();
    Scope scope = parent.makeCurrent();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT COUNT(*) FROM " + table).close();
    } finally {
      scope.close();
      parent.end();
    }

    Assertions.assertThat(finishedSpans()).hasSize(2);
    SpanData db = finishedSpans().get(0);
    assertThat(db).hasName("SELECT " + table).hasParent(finishedSpans().get(1));
  }

  @Test
  void wrappersKeepJdbcIdentityRules() throws SQLException {
    JdbcTelemetry telemetry = telemetry();
    DataSource dataSource = telemetry.wrap(raw);
    Assertions.assertThat(telemetry.wrap(dataSource)).isSameAs(dataSource);
    Assertions.assertThat(dataSource.unwrap(raw.getClass())).isSameAs(raw);
    Assertions.assertThat(dataSource.isWrapperFor(raw.getClass())).isTrue();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        PreparedStatement prepared = connection.prepareStatement("SELECT 1")) {
      Assertions.assertThat(telemetry.wrap(connection)).isSameAs(connection);
      Connection driverConnection = connection.unwrap(Connection.class);
      Assertions.assertThat(driverConnection).isNotSameAs(connection);
      Assertions.assertThat(driverConnection.getClass().getName())
          .doesNotStartWith("dev.oteltoolkit");
      Assertions.assertThat(connection.isWrapperFor(driverConnection.getClass())).isTrue();
      Assertions.assertThat(connection.unwrap(driverConnection.getClass()))
          .isSameAs(driverConnection);
      Assertions.assertThat(statement.getConnection()).isSameAs(connection);
      Assertions.assertThat(prepared.getConnection()).isSameAs(connection);
      Statement driverStatement = statement.unwrap(Statement.class);
      Assertions.assertThat(driverStatement.getClass().getName())
          .doesNotStartWith("dev.oteltoolkit");
      Assertions.assertThat(prepared.unwrap(PreparedStatement.class).getClass().getName())
          .doesNotStartWith("dev.oteltoolkit");
      // the driver's statement belongs to the driver's connection
      Assertions.assertThat(driverStatement.getConnection().unwrap(Connection.class))
          .isSameAs(driverConnection);
      // a connection wrapped on its own is instrumented too
      Connection direct = telemetry.wrap(driverConnection);
      try (Statement s = direct.createStatement()) {
        s.executeQuery("SELECT COUNT(*) FROM " + table).close();
      }
    }
    Assertions.assertThat(finishedSpans())
        .extracting(SpanData::getName)
        .containsExactly("SELECT " + table);
  }

  @Test
  void transactionSpansWhenAsked() throws SQLException {
    DataSource dataSource = JdbcTelemetry.builder(sdk).transactionSpans(true).build().wrap(raw);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("DELETE FROM " + table + " WHERE id = 2");
        connection.rollback();
        statement.executeUpdate("DELETE FROM " + table + " WHERE id = 1");
        connection.commit();
      } finally {
        connection.setAutoCommit(true);
      }
    }

    Assertions.assertThat(finishedSpans())
        .extracting(SpanData::getName)
        .containsExactly("DELETE " + table, "ROLLBACK", "DELETE " + table, "COMMIT");
    assertThat(finishedSpans().get(1))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            dbAttributes(equalTo(DbAttributes.DB_OPERATION_NAME, "ROLLBACK")));
    assertThat(finishedSpans().get(3))
        .hasAttributesSatisfyingExactly(
            dbAttributes(equalTo(DbAttributes.DB_OPERATION_NAME, "COMMIT")));
  }

  @Test
  void noTransactionSpansByDefault() throws SQLException {
    DataSource dataSource = telemetry().wrap(raw);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.commit();
      connection.rollback();
      connection.setAutoCommit(true);
    }
    Assertions.assertThat(finishedSpans()).isEmpty();
  }

  @Test
  void hikariOverTheWrappedDriverDataSource() throws SQLException {
    JdbcTelemetry telemetry = telemetry();
    try (HikariDataSource pool = pool(telemetry.wrap(raw))) {
      try (Connection connection = pool.getConnection();
          Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT name FROM " + table + " WHERE id = 2").close();
      }
      // wrapping the pool as well must not record every statement twice
      try (Connection connection = telemetry.wrap(pool).getConnection();
          Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT name FROM " + table + " WHERE id = 2").close();
      }
    }
    Assertions.assertThat(finishedSpans())
        .extracting(SpanData::getName)
        .containsExactly("SELECT " + table, "SELECT " + table);
  }

  @Test
  void wrappingHikariItself() throws SQLException {
    try (HikariDataSource pool = pool(raw)) {
      DataSource dataSource = telemetry().wrap(pool);
      for (int i = 0; i < 2; i++) {
        try (Connection connection = dataSource.getConnection();
            PreparedStatement statement =
                connection.prepareStatement("SELECT name FROM " + table + " WHERE id = ?")) {
          statement.setInt(1, 1);
          statement.executeQuery().close();
        }
      }
      Assertions.assertThat(dataSource.unwrap(HikariDataSource.class)).isSameAs(pool);
    }
    Assertions.assertThat(finishedSpans()).hasSize(2);
    for (SpanData span : finishedSpans()) {
      assertThat(span)
          .hasName("SELECT " + table)
          .hasAttributesSatisfyingExactly(
              dbAttributes(
                  equalTo(
                      DbAttributes.DB_QUERY_TEXT, "SELECT name FROM " + table + " WHERE id = ?"),
                  equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"),
                  equalTo(DbAttributes.DB_COLLECTION_NAME, table)));
    }
  }

  @Test
  void connectionSpansWhenAsked() throws SQLException {
    DataSource dataSource = JdbcTelemetry.builder(sdk).connectionSpans(true).build().wrap(raw);
    for (int i = 0; i < 2; i++) {
      try (Connection connection = dataSource.getConnection()) {
        Assertions.assertThat(connection.isValid(5)).isTrue();
      }
    }
    Assertions.assertThat(finishedSpans()).hasSize(2);
    // the first acquisition precedes what its connection teaches about the database
    assertThat(finishedSpans().get(0))
        .hasName("DataSource.getConnection")
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(
            equalTo(
                AttributeKey.stringKey("code.function.name"),
                raw.getClass().getName() + ".getConnection"));
    assertThat(finishedSpans().get(1))
        .hasName("DataSource.getConnection")
        .hasAttributesSatisfyingExactly(
            dbAttributes(
                equalTo(
                    AttributeKey.stringKey("code.function.name"),
                    raw.getClass().getName() + ".getConnection")));
  }

  private HikariDataSource pool(DataSource dataSource) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(dataSource);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setPoolName("otk-" + getClass().getSimpleName().toLowerCase(Locale.ROOT));
    return new HikariDataSource(config);
  }

  MetricData durationMetric() {
    Collection<MetricData> all = metrics.collectAllMetrics();
    return all.stream()
        .filter(m -> m.getName().equals(JdbcInstrumenter.DURATION_METRIC))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + JdbcInstrumenter.DURATION_METRIC));
  }

  AttributeAssertion[] metricAttributes(
      List<AttributeAssertion> statement, AttributeAssertion... more) {
    List<AttributeAssertion> all = new ArrayList<>(statement);
    all.addAll(Arrays.asList(more));
    return dbAttributes(all.toArray(new AttributeAssertion[0]));
  }
}
