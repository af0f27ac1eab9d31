package dev.oteltoolkit.jdbc;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import dev.oteltoolkit.api.instrumentation.SemconvOptIn;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.CodeAttributes;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.incubating.DbIncubatingAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code OTEL_SEMCONV_STABILITY_OPT_IN} for the database names, over H2 and a plain SDK: the stable
 * names by default and with {@code database}; the old names beside them with {@code database/dup},
 * on spans only, as OpenTelemetry's own instrumentations do. The switch is read when the
 * instrumentation is built: each test sets the system property around {@code build()} and restores
 * it.
 */
class JdbcSemconvOptInTest {

  private static final String URL = "jdbc:h2:mem:otk_optin;DB_CLOSE_DELAY=-1";

  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private OpenTelemetrySdk sdk;
  private JdbcDataSource h2;

  @BeforeEach
  void setUp() throws SQLException {
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
    h2.setURL(URL);
    try (Connection connection = h2.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS orders");
      statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, email VARCHAR(80))");
    }
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"database", " http/dup , database ", "databases/dup", "DATABASE/dup"})
  void stableNamesOnlyUnlessDatabaseDup(String optIn) throws SQLException {
    DataSource dataSource = build(optIn, builder -> {});

    select(dataSource);

    assertThat(onlySpan())
        .hasName("SELECT orders")
        .hasAttributesSatisfyingExactly(stableSelectAttributes());
    assertStableMetricAttributesOnly("SELECT");
  }

  @Test
  void databaseDupRecordsTheOldNamesBesideTheStableOnes() throws SQLException {
    DataSource dataSource = build("http/dup,database/dup", builder -> {});

    select(dataSource);

    List<AttributeAssertion> expected = new ArrayList<>(stableSelectAttributes());
    expected.add(equalTo(DbIncubatingAttributes.DB_SYSTEM, "h2"));
    expected.add(equalTo(DbIncubatingAttributes.DB_NAME, "otk_optin"));
    expected.add(
        equalTo(DbIncubatingAttributes.DB_STATEMENT, "SELECT email FROM orders WHERE id = ?"));
    expected.add(equalTo(DbIncubatingAttributes.DB_OPERATION, "SELECT"));
    expected.add(equalTo(DbIncubatingAttributes.DB_SQL_TABLE, "orders"));
    assertThat(onlySpan()).hasName("SELECT orders").hasAttributesSatisfyingExactly(expected);
    // the metric keeps the stable names: the official db.client.operation.duration has no old
    // counterpart and its attribute advice lists stable keys only
    assertStableMetricAttributesOnly("SELECT");
  }

  @Test
  void databaseDupOnBatchesAndConnectionSpans() throws SQLException {
    DataSource dataSource = build("database/dup", builder -> builder.connectionSpans(true));
    // the first connection tells which database this is; the next span carries it
    dataSource.getConnection().close();
    spans.reset();

    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement("INSERT INTO orders (id, email) VALUES (?, ?)")) {
      for (int id = 1; id <= 3; id++) {
        insert.setInt(1, id);
        insert.setString(2, "user" + id + "@example.com");
        insert.addBatch();
      }
      insert.executeBatch();
    }

    List<SpanData> recorded = spans.getFinishedSpanItems();
    assertThat(recorded).hasSize(2);
    SpanData connection = recorded.get(0);
    assertThat(connection)
        .hasName("DataSource.getConnection")
        .hasAttributesSatisfyingExactly(
            equalTo(
                CodeAttributes.CODE_FUNCTION_NAME,
                JdbcDataSource.class.getName() + ".getConnection"),
            equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"),
            equalTo(DbAttributes.DB_NAMESPACE, "otk_optin"),
            equalTo(DbIncubatingAttributes.DB_SYSTEM, "h2"),
            equalTo(DbIncubatingAttributes.DB_NAME, "otk_optin"));
    assertThat(recorded.get(1))
        .hasName("BATCH INSERT orders")
        .hasAttributesSatisfyingExactly(
            equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"),
            equalTo(DbAttributes.DB_NAMESPACE, "otk_optin"),
            equalTo(DbAttributes.DB_QUERY_TEXT, "INSERT INTO orders (id, email) VALUES (?, ?)"),
            equalTo(DbAttributes.DB_OPERATION_NAME, "BATCH INSERT"),
            equalTo(DbAttributes.DB_OPERATION_BATCH_SIZE, 3L),
            equalTo(DbAttributes.DB_COLLECTION_NAME, "orders"),
            equalTo(DbIncubatingAttributes.DB_SYSTEM, "h2"),
            equalTo(DbIncubatingAttributes.DB_NAME, "otk_optin"),
            equalTo(
                DbIncubatingAttributes.DB_STATEMENT,
                "INSERT INTO orders (id, email) VALUES (?, ?)"),
            // the old conventions had no batch operation names: the statement's own operation
            equalTo(DbIncubatingAttributes.DB_OPERATION, "INSERT"),
            equalTo(DbIncubatingAttributes.DB_SQL_TABLE, "orders"));
    assertStableMetricAttributesOnly("BATCH INSERT");
  }

  @Test
  void withoutQueryTextNeitherNameCarriesIt() throws SQLException {
    DataSource dataSource = build("database/dup", builder -> builder.captureQueryText(false));

    select(dataSource);

    Set<String> keys = keysOf(onlySpan().getAttributes());
    assertThat(keys).doesNotContain("db.query.text", "db.statement").contains("db.system");
  }

  /**
   * Random opt-in strings (known and unknown entries, repeats, blanks, whitespace): the old names
   * are on the span exactly when the entries hold {@code database/dup}.
   */
  @Test
  void randomOptInStringsAgainstTheExpectedNames() throws SQLException {
    String[] entries = {
      "database",
      "database/dup",
      "http",
      "http/dup",
      "gen_ai_latest_experimental/dup",
      "messaging/dup",
      "Database/dup",
      "database/dup2",
      "",
      " ",
      "\t"
    };
    long seed = 0xDB_0FF_1CEL;
    Random random = new Random(seed);
    for (int run = 0; run < 40; run++) {
      List<String> parts = new ArrayList<>();
      boolean dup = false;
      int count = random.nextInt(5);
      for (int i = 0; i < count; i++) {
        String entry = entries[random.nextInt(entries.length)];
        dup |= entry.equals("database/dup");
        parts.add((random.nextBoolean() ? " " : "") + entry + (random.nextBoolean() ? "  " : ""));
      }
      String optIn = String.join(",", parts);
      spans.reset();
      select(build(optIn, builder -> {}));

      Set<String> expected =
          new TreeSet<>(
              Set.of(
                  "db.system.name",
                  "db.namespace",
                  "db.query.text",
                  "db.operation.name",
                  "db.collection.name"));
      if (dup) {
        expected.addAll(
            Set.of("db.system", "db.name", "db.statement", "db.operation", "db.sql.table"));
      }
      assertThat(keysOf(onlySpan().getAttributes()))
          .as("seed %s run %s: '%s'", seed, run, optIn)
          .isEqualTo(expected);
    }
  }

  private DataSource build(
      String optIn, java.util.function.Consumer<JdbcTelemetryBuilder> options) {
    String before = System.getProperty(SemconvOptIn.PROPERTY);
    try {
      if (optIn == null) {
        System.clearProperty(SemconvOptIn.PROPERTY);
      } else {
        System.setProperty(SemconvOptIn.PROPERTY, optIn);
      }
      JdbcTelemetryBuilder builder = JdbcTelemetry.builder(sdk);
      options.accept(builder);
      return builder.build().wrap(h2);
    } finally {
      if (before == null) {
        System.clearProperty(SemconvOptIn.PROPERTY);
      } else {
        System.setProperty(SemconvOptIn.PROPERTY, before);
      }
    }
  }

  private static void select(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT email FROM orders WHERE id = 42").close();
    }
  }

  private static List<AttributeAssertion> stableSelectAttributes() {
    List<AttributeAssertion> expected = new ArrayList<>();
    expected.add(equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"));
    expected.add(equalTo(DbAttributes.DB_NAMESPACE, "otk_optin"));
    expected.add(equalTo(DbAttributes.DB_QUERY_TEXT, "SELECT email FROM orders WHERE id = ?"));
    expected.add(equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"));
    expected.add(equalTo(DbAttributes.DB_COLLECTION_NAME, "orders"));
    return expected;
  }

  private SpanData onlySpan() {
    List<SpanData> recorded = spans.getFinishedSpanItems();
    assertThat(recorded).hasSize(1);
    return recorded.get(0);
  }

  /** Every point of db.client.operation.duration carries the stable names, never old ones. */
  private void assertStableMetricAttributesOnly(String operation) {
    List<MetricData> collected =
        metrics.collectAllMetrics().stream()
            .filter(metric -> metric.getName().equals(JdbcInstrumenter.DURATION_METRIC))
            .collect(Collectors.toList());
    assertThat(collected).hasSize(1);
    MetricData duration = collected.get(0);
    assertThat(duration.getUnit()).isEqualTo("s");
    HistogramPointData point =
        duration.getHistogramData().getPoints().stream()
            .filter(p -> operation.equals(p.getAttributes().get(DbAttributes.DB_OPERATION_NAME)))
            .findFirst()
            .orElseThrow();
    assertThat(point.getAttributes())
        .isEqualTo(
            Attributes.builder()
                .put(DbAttributes.DB_SYSTEM_NAME, "h2database")
                .put(DbAttributes.DB_NAMESPACE, "otk_optin")
                .put(DbAttributes.DB_OPERATION_NAME, operation)
                .put(DbAttributes.DB_COLLECTION_NAME, "orders")
                .build());
  }

  private static Set<String> keysOf(Attributes attributes) {
    Set<String> keys = new TreeSet<>();
    for (AttributeKey<?> key : attributes.asMap().keySet()) {
      keys.add(key.getKey());
    }
    return keys;
  }
}
