package dev.oteltoolkit.jdbc;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.DbAttributes;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.assertj.core.api.Assertions;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Options and failure handling of the wrappers, over H2 and over hand-made driver objects. */
class JdbcTelemetryTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant");

  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private OpenTelemetrySdk sdk;
  private JdbcDataSource h2;

  @BeforeEach
  void setUp() {
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
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:otk_options;DB_CLOSE_DELAY=-1");
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @Test
  void theDriversExceptionReachesTheApplicationAsTheSameInstance() throws SQLException {
    SQLException driverFailure = new SQLException("duplicate key 'bob@example.com'", "23505");
    RuntimeException driverBug = new IllegalStateException("driver bug");
    DataSource fake =
        fakeDataSource(
            "jdbc:postgresql://db.internal:6543/shop",
            (method, args) -> {
              if (method.equals("executeUpdate")) {
                throw driverFailure;
              }
              if (method.equals("executeQuery")) {
                throw driverBug;
              }
              return null;
            });
    DataSource dataSource = JdbcTelemetry.create(sdk).wrap(fake);

    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO users VALUES ('bob')"))
          .isSameAs(driverFailure);
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM users")).isSameAs(driverBug);
    }

    Assertions.assertThat(spans.getFinishedSpanItems()).hasSize(2);
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasName("INSERT users")
        .hasAttributesSatisfyingExactly(
            equalTo(DbAttributes.DB_SYSTEM_NAME, "postgresql"),
            equalTo(DbAttributes.DB_NAMESPACE, "shop"),
            equalTo(AttributeKey.stringKey("server.address"), "db.internal"),
            equalTo(AttributeKey.longKey("server.port"), 6543L),
            equalTo(DbAttributes.DB_QUERY_TEXT, "INSERT INTO users VALUES (?)"),
            equalTo(DbAttributes.DB_OPERATION_NAME, "INSERT"),
            equalTo(DbAttributes.DB_COLLECTION_NAME, "users"),
            equalTo(DbAttributes.DB_RESPONSE_STATUS_CODE, "23505"),
            equalTo(AttributeKey.stringKey("error.type"), "23505"));
    // not an SQLException: no status code, error.type is the class
    assertThat(spans.getFinishedSpanItems().get(1))
        .hasAttribute(AttributeKey.stringKey("error.type"), "java.lang.IllegalStateException");
    Assertions.assertThat(
            spans
                .getFinishedSpanItems()
                .get(1)
                .getAttributes()
                .get(DbAttributes.DB_RESPONSE_STATUS_CODE))
        .isNull();
  }

  @Test
  void aBrokenOpenTelemetryNeverReachesTheApplication() throws SQLException {
    OpenTelemetry broken = new BrokenOpenTelemetry();
    DataSource dataSource =
        JdbcTelemetry.builder(broken).transactionSpans(true).connectionSpans(true).build().wrap(h2);

    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT 40 + 2")) {
      Assertions.assertThat(rs.next()).isTrue();
      Assertions.assertThat(rs.getInt(1)).isEqualTo(42);
      connection.commit();
    }
  }

  @Test
  void aFailingHookIsIgnoredAndAWorkingOneAddsSpanAttributesOnly() throws SQLException {
    DataSource failing =
        JdbcTelemetry.builder(sdk)
            .spanAttributes(
                (attributes, text) -> {
                  throw new IllegalStateException("hook bug");
                })
            .build()
            .wrap(h2);
    DataSource tenant =
        JdbcTelemetry.builder(sdk)
            .spanAttributes((attributes, text) -> attributes.put(TENANT, "acme:" + text))
            .build()
            .wrap(h2);

    run(failing, "SELECT 1");
    run(tenant, "SELECT 2");

    Assertions.assertThat(spans.getFinishedSpanItems()).hasSize(2);
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasAttributesSatisfyingExactly(
            equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"),
            equalTo(DbAttributes.DB_NAMESPACE, "otk_options"),
            equalTo(DbAttributes.DB_QUERY_TEXT, "SELECT ?"),
            equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"));
    assertThat(spans.getFinishedSpanItems().get(1))
        .hasAttributesSatisfyingExactly(
            equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"),
            equalTo(DbAttributes.DB_NAMESPACE, "otk_options"),
            equalTo(DbAttributes.DB_QUERY_TEXT, "SELECT ?"),
            equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"),
            equalTo(TENANT, "acme:SELECT ?"));
    assertThat(duration())
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasCount(2)
                            .hasAttributesSatisfyingExactly(
                                equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"),
                                equalTo(DbAttributes.DB_NAMESPACE, "otk_options"),
                                equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"))));
  }

  @Test
  void withoutRootSpansOnlyTheMetricIsRecordedOutsideATrace() throws SQLException {
    DataSource dataSource = JdbcTelemetry.builder(sdk).rootSpans(false).build().wrap(h2);

    run(dataSource, "SELECT 1");

    Assertions.assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(duration()).hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(1)));
  }

  @Test
  void queryTextCanBeLeftOutOrRecordedRaw() throws SQLException {
    run(
        JdbcTelemetry.builder(sdk).captureQueryText(false).build().wrap(h2),
        "SELECT 'secret' FROM DUAL");
    run(
        JdbcTelemetry.builder(sdk).sanitizeQueryText(false).build().wrap(h2),
        "SELECT 'not so secret' FROM DUAL");

    Assertions.assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("SELECT DUAL", "SELECT DUAL");
    Assertions.assertThat(
            spans.getFinishedSpanItems().get(0).getAttributes().get(DbAttributes.DB_QUERY_TEXT))
        .isNull();
    Assertions.assertThat(
            spans.getFinishedSpanItems().get(1).getAttributes().get(DbAttributes.DB_QUERY_TEXT))
        .isEqualTo("SELECT 'not so secret' FROM DUAL");
  }

  @Test
  void rawTextOfABatchWhenSanitizationIsOff() throws SQLException {
    DataSource dataSource = JdbcTelemetry.builder(sdk).sanitizeQueryText(false).build().wrap(h2);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS raw_batch (id INT)");
      spans.reset();
      statement.addBatch("INSERT INTO raw_batch VALUES (1)");
      statement.addBatch("INSERT INTO raw_batch VALUES (2)");
      statement.executeBatch();
      statement.execute("DROP TABLE raw_batch");
    }
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasName("BATCH INSERT raw_batch")
        .hasAttribute(
            DbAttributes.DB_QUERY_TEXT,
            "INSERT INTO raw_batch VALUES (1); INSERT INTO raw_batch VALUES (2)")
        .hasAttribute(DbAttributes.DB_OPERATION_BATCH_SIZE, 2L);
  }

  @Test
  void unreadableMetadataMeansAnUnknownDatabaseNotAFailure() throws SQLException {
    DataSource fake = fakeDataSource(null, (method, args) -> null);
    DataSource dataSource = JdbcTelemetry.create(sdk).wrap(fake);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM sessions");
    }
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasName("DELETE sessions")
        .hasAttributesSatisfyingExactly(
            equalTo(DbAttributes.DB_SYSTEM_NAME, "other_sql"),
            equalTo(DbAttributes.DB_QUERY_TEXT, "DELETE FROM sessions"),
            equalTo(DbAttributes.DB_OPERATION_NAME, "DELETE"),
            equalTo(DbAttributes.DB_COLLECTION_NAME, "sessions"));
  }

  @Test
  void theUrlIsReadOncePerDataSource() throws SQLException {
    AtomicInteger metadataReads = new AtomicInteger();
    DataSource fake =
        fakeDataSource("jdbc:mariadb://maria:3307/app", (m, a) -> null, metadataReads);
    DataSource dataSource = JdbcTelemetry.create(sdk).wrap(fake);
    for (int i = 0; i < 5; i++) {
      run(dataSource, "SELECT * FROM t WHERE id = " + i);
    }
    Assertions.assertThat(metadataReads).hasValue(1);
    Assertions.assertThat(spans.getFinishedSpanItems())
        .hasSize(5)
        .allSatisfy(
            span ->
                assertThat(span)
                    .hasAttribute(AttributeKey.stringKey("server.address"), "maria")
                    .hasAttribute(AttributeKey.longKey("server.port"), 3307L));
  }

  @Test
  void worksWithTheNoopOpenTelemetry() throws SQLException {
    DataSource wrapped = JdbcTelemetry.create(OpenTelemetry.noop()).wrap(h2);
    // results and failures as without the wrapper, prepared statements included
    try (Connection connection = wrapped.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 41 + 1")) {
      Assertions.assertThat(rows.next()).isTrue();
      Assertions.assertThat(rows.getInt(1)).isEqualTo(42);
    }
    try (Connection connection = wrapped.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT ? || 'b'")) {
      statement.setString(1, "a");
      try (ResultSet rows = statement.executeQuery()) {
        Assertions.assertThat(rows.next()).isTrue();
        Assertions.assertThat(rows.getString(1)).isEqualTo("ab");
      }
    }
    SQLException unwrapped =
        catchThrowableOfType(SQLException.class, () -> run(h2, "SELECT * FROM no_such_table_noop"));
    SQLException throughTheWrapper =
        catchThrowableOfType(
            SQLException.class, () -> run(wrapped, "SELECT * FROM no_such_table_noop"));
    Assertions.assertThat((Object) throughTheWrapper).isNotNull();
    Assertions.assertThat(throughTheWrapper.getSQLState()).isEqualTo(unwrapped.getSQLState());
    Assertions.assertThat(throughTheWrapper.getErrorCode()).isEqualTo(unwrapped.getErrorCode());
    Assertions.assertThat(throughTheWrapper.getMessage()).isEqualTo(unwrapped.getMessage());
    // and nothing reaches this test's SDK: the no-op instance is the only one in use
    Assertions.assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void nullArgumentsAreRejectedAtTheEntry() {
    JdbcTelemetry telemetry = JdbcTelemetry.create(sdk);
    assertThatThrownBy(() -> telemetry.wrap((DataSource) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataSource");
    assertThatThrownBy(() -> telemetry.wrap((Connection) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("connection");
    assertThatThrownBy(() -> JdbcTelemetry.create(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("openTelemetry");
  }

  private static void run(DataSource dataSource, String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private MetricData duration() {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("db.client.operation.duration"))
        .findFirst()
        .orElseThrow(AssertionError::new);
  }

  /** What a fake statement does for a method; returning null means "default value". */
  interface StatementBehaviour {
    Object invoke(String method, Object[] args) throws Throwable;
  }

  /**
   * A DataSource made of proxies: its metadata reports {@code url} (or throws when it is null), its
   * statements do what {@code behaviour} says.
   */
  static DataSource fakeDataSource(String url, StatementBehaviour behaviour) {
    return fakeDataSource(url, behaviour, new AtomicInteger());
  }

  static DataSource fakeDataSource(
      String url, StatementBehaviour behaviour, AtomicInteger metadataReads) {
    ClassLoader loader = JdbcTelemetryTest.class.getClassLoader();
    InvocationHandler metaData =
        (proxy, method, args) -> {
          metadataReads.incrementAndGet();
          if (url == null) {
            throw new SQLException("metadata not supported");
          }
          return method.getName().equals("getURL") ? url : null;
        };
    InvocationHandler statement =
        (proxy, method, args) -> {
          Object result = behaviour.invoke(method.getName(), args);
          return result != null ? result : defaultValue(method.getReturnType());
        };
    InvocationHandler connection =
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "getMetaData":
              return Proxy.newProxyInstance(
                  loader, new Class<?>[] {DatabaseMetaData.class}, metaData);
            case "createStatement":
              return Proxy.newProxyInstance(loader, new Class<?>[] {Statement.class}, statement);
            default:
              return defaultValue(method.getReturnType());
          }
        };
    InvocationHandler dataSource =
        (proxy, method, args) -> {
          if (method.getName().equals("getConnection")) {
            return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, connection);
          }
          return defaultValue(method.getReturnType());
        };
    return (DataSource)
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              try {
                return dataSource.invoke(proxy, method, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static Object defaultValue(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    return null;
  }

  /** An OpenTelemetry whose every tracer call throws: a bug outside our control. */
  private static final class BrokenOpenTelemetry implements OpenTelemetry {
    @Override
    public TracerProvider getTracerProvider() {
      return new TracerProvider() {
        @Override
        public Tracer get(String name) {
          return tracer();
        }

        @Override
        public Tracer get(String name, String version) {
          return tracer();
        }

        @Override
        public TracerBuilder tracerBuilder(String name) {
          return new TracerBuilder() {
            @Override
            public TracerBuilder setSchemaUrl(String schemaUrl) {
              return this;
            }

            @Override
            public TracerBuilder setInstrumentationVersion(String version) {
              return this;
            }

            @Override
            public Tracer build() {
              return tracer();
            }
          };
        }
      };
    }

    private static Tracer tracer() {
      return new Tracer() {
        @Override
        public SpanBuilder spanBuilder(String spanName) {
          throw new IllegalStateException("broken tracer");
        }
      };
    }

    @Override
    public MeterProvider getMeterProvider() {
      return MeterProvider.noop();
    }

    @Override
    public ContextPropagators getPropagators() {
      return ContextPropagators.noop();
    }
  }
}
