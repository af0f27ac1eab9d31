package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.jdbc.JdbcTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JDBC against an in-memory H2 database, three ways in one run: the driver's connection as is
 * ({@code raw}), wrapped by the toolkit ({@code ours}, {@link JdbcTelemetry}) and wrapped by the
 * official library instrumentation ({@code official}, {@code
 * io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry} 2.31.1-alpha). Both wrappers take
 * the same H2 {@code DataSource}, with their default options (one CLIENT span and one {@code
 * db.client.operation.duration} measurement per execution, sanitized {@code db.query.text}), and
 * record through the same SDK (always-on sampler, spans converted and handed to an exporter that
 * drops them, a metric reader that never collects). The official library emits the stable database
 * conventions only with {@code -Dotel.semconv-stability.opt-in=database}, read once per JVM: this
 * class's forks set it, so both wrappers record the same stable attributes. Each side holds one
 * connection opened at setup, as a pool would hand out; nothing runs inside a parent span, so each
 * execution is a trace of its own on both sides.
 *
 * <ul>
 *   <li>{@code preparedRaw} / {@code preparedOurs} / {@code preparedOfficial}: the per-request
 *       pattern of a primary-key lookup: {@code prepareStatement("SELECT id, name, email, balance
 *       FROM accounts WHERE id = ?")}, {@code setLong}, {@code executeQuery}, read the four columns
 *       of the row, close the result set and the statement. The prepare is inside the measured
 *       operation on all three sides, since that is what code without a statement cache does on
 *       every request (H2 finds the parsed statement in its per-session query cache), and both
 *       wrappers do work there (ours analyzes the text when it is prepared, the official when it
 *       executes). The id cycles through the table's {@value #ROWS} rows.
 *   <li>{@code preparedRawApiSpan} (informational): the raw prepared lookup plus the span and the
 *       duration measurement our wrapper records (same name, kind and five attributes, checked at
 *       setup), written by hand on the OpenTelemetry API with precomputed attributes: the floor any
 *       instrumentation pays on this SDK, so {@code preparedOurs − preparedRawApiSpan} is what the
 *       wrapper itself adds.
 *   <li>{@code statementRaw} / {@code statementOurs} / {@code statementOfficial}: a {@code
 *       Statement} executing SQL built with literals, {@code SELECT id, name, email, balance FROM
 *       accounts WHERE id = 1234 AND status = 'active'}, read as above. The texts (built at setup)
 *       cycle through {@value #ROWS} distinct ones, as an application that concatenates values
 *       produces: more than either sanitizer cache holds (ours 1024, the official 1000), so both
 *       wrappers sanitize every text, and H2 parses every text on all three sides.
 * </ul>
 *
 * <p>{@link #setUp} wraps the same H2 database with both libraries once more on a check SDK that
 * keeps its spans, runs both workloads through them and fails unless each produced exactly one
 * CLIENT span named {@code SELECT accounts} with the expected sanitized {@code db.query.text} and
 * {@code db.system.name} (and, for the official one, without the old {@code db.statement}). It then
 * runs every measured path once on the measured connections.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 2,
    jvmArgsPrepend = {BenchmarkSdk.NO_MDC_BRIDGE, JdbcBenchmark.STABLE_DB_SEMCONV})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class JdbcBenchmark {

  /** Makes the official library emit the stable database conventions (read once per JVM). */
  static final String STABLE_DB_SEMCONV = "-Dotel.semconv-stability.opt-in=database";

  /** Rows of the table; a power of two. */
  static final int ROWS = 4096;

  static final String SELECT_BY_ID = "SELECT id, name, email, balance FROM accounts WHERE id = ?";

  private static final String URL = "jdbc:h2:mem:jdbc_benchmark;DB_CLOSE_DELAY=-1";
  private static final String[] STATUSES = {"active", "suspended", "closed"};
  private static final String SPAN_NAME = "SELECT accounts";
  private static final String STATEMENT_QUERY_TEXT =
      "SELECT id, name, email, balance FROM accounts WHERE id = ? AND status = ?";
  private static final AttributeKey<String> DB_QUERY_TEXT = AttributeKey.stringKey("db.query.text");
  private static final AttributeKey<String> DB_SYSTEM_NAME =
      AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");
  private static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  private static final AttributeKey<String> DB_OPERATION_NAME =
      AttributeKey.stringKey("db.operation.name");
  private static final AttributeKey<String> DB_COLLECTION_NAME =
      AttributeKey.stringKey("db.collection.name");

  private OpenTelemetrySdk sdk;
  private Connection raw;
  private Connection ours;
  private Connection official;
  private RawApiSpan rawApiSpan;
  private String[] statements;
  private int next;

  /**
   * Creates and fills the table, builds the SDK and the three connections, checks what both
   * wrappers record and runs every measured path once.
   *
   * @param blackhole consumes the rows read at setup
   * @throws SQLException when H2 fails
   */
  @Setup
  public void setUp(Blackhole blackhole) throws SQLException {
    if (!"database".equals(System.getProperty("otel.semconv-stability.opt-in"))) {
      throw new IllegalStateException(
          "the fork lacks "
              + STABLE_DB_SEMCONV
              + ": the official library would record the old conventions");
    }
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(URL);
    statements = new String[ROWS];
    try (Connection connection = h2.getConnection()) {
      createTable(connection);
    }
    for (int i = 0; i < ROWS; i++) {
      statements[i] =
          "SELECT id, name, email, balance FROM accounts WHERE id = "
              + id(i)
              + " AND status = '"
              + STATUSES[i % STATUSES.length]
              + "'";
    }

    checkSpans(h2, blackhole);

    sdk = BenchmarkSdk.create(Sampler.alwaysOn());
    raw = h2.getConnection();
    ours = JdbcTelemetry.create(sdk).wrap(h2).getConnection();
    official =
        io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry.create(sdk)
            .wrap(h2)
            .getConnection();
    rawApiSpan = new RawApiSpan(sdk);
    for (Connection connection : new Connection[] {raw, ours, official}) {
      prepared(connection, id(0), blackhole);
      statement(connection, statements[0], blackhole);
    }
    rawApiSpan.prepared(raw, id(0), blackhole);
  }

  /**
   * Closes the connections and the SDK.
   *
   * @throws SQLException when H2 fails
   */
  @TearDown
  public void tearDown() throws SQLException {
    official.close();
    ours.close();
    raw.close();
    sdk.close();
  }

  /**
   * Baseline: the prepared primary-key lookup on the driver's connection.
   *
   * @param blackhole consumes the row
   * @throws SQLException when H2 fails
   */
  @Benchmark
  public void preparedRaw(Blackhole blackhole) throws SQLException {
    prepared(raw, nextId(), blackhole);
  }

  /**
   * The prepared primary-key lookup through the toolkit's wrapper.
   *
   * @param blackhole consumes the row
   * @throws SQLException when H2 fails
   */
  @Benchmark
  public void preparedOurs(Blackhole blackhole) throws SQLException {
    prepared(ours, nextId(), blackhole);
  }

  /**
   * The prepared primary-key lookup through the official wrapper.
   *
   * @param blackhole consumes the row
   * @throws SQLException when H2 fails
   */
  @Benchmark
  public void preparedOfficial(Blackhole blackhole) throws SQLException {
    prepared(official, nextId(), blackhole);
  }

  /**
   * The raw prepared lookup plus the same span and measurement written by hand on the OpenTelemetry
   * API (informational: the floor of any instrumentation).
   *
   * @param blackhole consumes the row
   * @throws SQLException when H2 fails
   */
  @Benchmark
  public void preparedRawApiSpan(Blackhole blackhole) throws SQLException {
    rawApiSpan.prepared(raw, nextId(), blackhole);
  }

  /**
   * Baseline: a statement with literals (a distinct text each call) on the driver's connection.
   *
   * @param blackhole consumes the row
   * @throws SQLException when H2 fails
   */
  @Benchmark
  public void statementRaw(Blackhole blackhole) throws SQLException {
    statement(raw, nextStatement(), blackhole);
  }

  /**
   * A statement with literals (a distinct text each call) through the toolkit's wrapper.
   *
   * @param blackhole consumes the row
   * @throws SQLException when H2 fails
   */
  @Benchmark
  public void statementOurs(Blackhole blackhole) throws SQLException {
    statement(ours, nextStatement(), blackhole);
  }

  /**
   * A statement with literals (a distinct text each call) through the official wrapper.
   *
   * @param blackhole consumes the row
   * @throws SQLException when H2 fails
   */
  @Benchmark
  public void statementOfficial(Blackhole blackhole) throws SQLException {
    statement(official, nextStatement(), blackhole);
  }

  private long nextId() {
    int i = next;
    next = (i + 1) & (ROWS - 1);
    return id(i);
  }

  private String nextStatement() {
    int i = next;
    next = (i + 1) & (ROWS - 1);
    return statements[i];
  }

  private static long id(int index) {
    return index + 1;
  }

  /** The measured prepared workload: prepare, bind, execute, read the row, close. */
  private static void prepared(Connection connection, long id, Blackhole blackhole)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(SELECT_BY_ID)) {
      statement.setLong(1, id);
      try (ResultSet row = statement.executeQuery()) {
        read(row, blackhole);
      }
    }
  }

  /** The measured statement workload: create, execute the text, read the row, close. */
  private static void statement(Connection connection, String sql, Blackhole blackhole)
      throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      read(row, blackhole);
    }
  }

  private static void read(ResultSet row, Blackhole blackhole) throws SQLException {
    if (!row.next()) {
      throw new IllegalStateException("the account is missing");
    }
    blackhole.consume(row.getLong(1));
    blackhole.consume(row.getString(2));
    blackhole.consume(row.getString(3));
    BigDecimal balance = row.getBigDecimal(4);
    blackhole.consume(balance);
  }

  private static void createTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS accounts");
      statement.execute(
          "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(64),"
              + " email VARCHAR(128), status VARCHAR(16), balance DECIMAL(12, 2))");
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < ROWS; i++) {
        insert.setLong(1, id(i));
        insert.setString(2, "customer " + i);
        insert.setString(3, "customer." + i + "@example.com");
        insert.setString(4, STATUSES[i % STATUSES.length]);
        insert.setBigDecimal(5, BigDecimal.valueOf(i * 37L % 100_000, 2));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * Runs both workloads through both wrappers on a check SDK that keeps its spans and fails unless
   * each execution recorded the CLIENT span it claims.
   */
  private void checkSpans(DataSource h2, Blackhole blackhole) throws SQLException {
    CapturingSpanExporter spans = new CapturingSpanExporter();
    try (OpenTelemetrySdk check =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(Sampler.alwaysOn())
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build()) {
      DataSource[] sides = {
        JdbcTelemetry.create(check).wrap(h2),
        io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry.create(check).wrap(h2)
      };
      String[] names = {"ours", "official"};
      for (int i = 0; i < sides.length; i++) {
        String name = names[i];
        try (Connection connection = sides[i].getConnection()) {
          spans.reset();
          prepared(connection, id(1), blackhole);
          requireClientSpan(name + " prepared", spans.reset(), SELECT_BY_ID);
          statement(connection, statements[1], blackhole);
          requireClientSpan(name + " statement", spans.reset(), STATEMENT_QUERY_TEXT);
        }
      }

      // the hand-written span must be the one our wrapper records
      List<SpanData> oursPrepared;
      try (Connection connection = sides[0].getConnection()) {
        prepared(connection, id(1), blackhole);
        oursPrepared = spans.reset();
      }
      try (Connection connection = h2.getConnection()) {
        new RawApiSpan(check).prepared(connection, id(1), blackhole);
      }
      List<SpanData> handWritten = spans.reset();
      requireClientSpan("raw API span", handWritten, SELECT_BY_ID);
      if (!handWritten.get(0).getAttributes().equals(oursPrepared.get(0).getAttributes())) {
        throw new IllegalStateException(
            "the raw API span records "
                + handWritten.get(0).getAttributes()
                + ", ours "
                + oursPrepared.get(0).getAttributes());
      }
    }
  }

  private static void requireClientSpan(String side, List<SpanData> spans, String queryText) {
    List<SpanData> client = new ArrayList<>();
    for (SpanData span : spans) {
      if (span.getKind() == SpanKind.CLIENT) {
        client.add(span);
      }
    }
    if (client.size() != 1) {
      throw new IllegalStateException(side + ": expected one CLIENT span, got " + spans);
    }
    SpanData span = client.get(0);
    if (!SPAN_NAME.equals(span.getName())
        || !queryText.equals(span.getAttributes().get(DB_QUERY_TEXT))
        || !"h2database".equals(span.getAttributes().get(DB_SYSTEM_NAME))
        || span.getAttributes().get(DB_STATEMENT) != null) {
      throw new IllegalStateException(
          side
              + ": expected a span '"
              + SPAN_NAME
              + "' with db.query.text '"
              + queryText
              + "', db.system.name 'h2database' and no "
              + "db.statement, got "
              + span.getName()
              + " "
              + span.getAttributes());
    }
  }

  /**
   * The span and duration measurement our wrapper records for the prepared lookup, written by hand
   * on the OpenTelemetry API the way a careful user would: attributes precomputed, start, {@code
   * makeCurrent()} around the execution, record a failure, end, record the duration.
   */
  private static final class RawApiSpan {
    private static final List<Double> DURATION_BUCKETS =
        Arrays.asList(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);

    private final Tracer tracer;
    private final DoubleHistogram duration;
    private final Attributes spanAttributes;
    private final Attributes metricAttributes;

    RawApiSpan(OpenTelemetry openTelemetry) {
      tracer = openTelemetry.getTracer("dev.oteltoolkit.benchmarks.jdbc");
      duration =
          openTelemetry
              .getMeter("dev.oteltoolkit.benchmarks.jdbc")
              .histogramBuilder("db.client.operation.duration")
              .setUnit("s")
              .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
              .build();
      metricAttributes =
          Attributes.builder()
              .put(DB_SYSTEM_NAME, "h2database")
              .put(DB_NAMESPACE, "jdbc_benchmark")
              .put(DB_OPERATION_NAME, "SELECT")
              .put(DB_COLLECTION_NAME, "accounts")
              .build();
      spanAttributes = metricAttributes.toBuilder().put(DB_QUERY_TEXT, SELECT_BY_ID).build();
    }

    void prepared(Connection connection, long id, Blackhole blackhole) throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(SELECT_BY_ID)) {
        statement.setLong(1, id);
        long start = System.nanoTime();
        Span span =
            tracer
                .spanBuilder(SPAN_NAME)
                .setSpanKind(SpanKind.CLIENT)
                .setAllAttributes(spanAttributes)
                .startSpan();
        ResultSet row;
        try (Scope ignored = span.makeCurrent()) {
          row = statement.executeQuery();
        } catch (SQLException e) {
          span.recordException(e);
          span.setStatus(StatusCode.ERROR);
          throw e;
        } finally {
          span.end();
          duration.record((System.nanoTime() - start) / 1_000_000_000.0, metricAttributes);
        }
        try (ResultSet closing = row) {
          read(closing, blackhole);
        }
      }
    }
  }

  /** Keeps the spans of the setup check. */
  private static final class CapturingSpanExporter implements SpanExporter {
    private final List<SpanData> spans = new ArrayList<>();

    /** Returns the spans exported since the last reset and forgets them. */
    synchronized List<SpanData> reset() {
      List<SpanData> exported = new ArrayList<>(spans);
      spans.clear();
      return exported;
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> batch) {
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
