package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.jdbc.JdbcTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
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
import org.postgresql.ds.PGSimpleDataSource;

/**
 * JDBC against a real round trip: the prepared primary-key lookup of {@link JdbcBenchmark} on the
 * machine's PostgreSQL over loopback ({@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code
 * postgres}), on the driver's connection ({@code preparedRaw}), through the toolkit's wrapper
 * ({@code preparedOurs}) and through the official library instrumentation ({@code
 * preparedOfficial}), recording through the same SDK as {@link JdbcBenchmark} (always-on, spans
 * dropped after conversion, metrics never collected). Goal: ours ÷ raw ≤ 1.02.
 *
 * <p>Each fork creates its own table ({@code perf_jdbc_accounts_<pid>}, so runs from other
 * checkouts cannot collide) with {@value JdbcBenchmark#ROWS} rows, and drops it at the end. Without
 * a reachable PostgreSQL the setup fails with a message saying so, and the report shows the rows as
 * not run.
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
public class JdbcPostgresBenchmark {

  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private final String table = "perf_jdbc_accounts_" + ProcessHandle.current().pid();
  private String select;
  private OpenTelemetrySdk sdk;
  private Connection raw;
  private Connection ours;
  private Connection official;
  private int next;

  /**
   * Creates and fills the table and opens the three connections.
   *
   * @param blackhole consumes the rows read at setup
   * @throws SQLException when PostgreSQL fails
   */
  @Setup
  public void setUp(Blackhole blackhole) throws SQLException {
    PGSimpleDataSource postgres = new PGSimpleDataSource();
    postgres.setURL(URL);
    postgres.setUser("postgres");
    postgres.setPassword("");
    select = "SELECT id, name, email, balance FROM " + table + " WHERE id = ?";
    try (Connection connection = postgres.getConnection()) {
      createTable(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at "
              + URL
              + " (user postgres) is not"
              + " reachable or refused the table: "
              + e.getMessage(),
          e);
    }
    sdk = BenchmarkSdk.create(Sampler.alwaysOn());
    DataSource wrapped = JdbcTelemetry.create(sdk).wrap(postgres);
    raw = postgres.getConnection();
    ours = wrapped.getConnection();
    official =
        io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry.create(sdk)
            .wrap(postgres)
            .getConnection();
    for (Connection connection : new Connection[] {raw, ours, official}) {
      prepared(connection, 1, blackhole);
    }
  }

  /**
   * Drops the table, closes the connections and the SDK.
   *
   * @throws SQLException when PostgreSQL fails
   */
  @TearDown
  public void tearDown() throws SQLException {
    try (Statement statement = raw.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
    }
    official.close();
    ours.close();
    raw.close();
    sdk.close();
  }

  /**
   * Baseline: the prepared primary-key lookup on the driver's connection.
   *
   * @param blackhole consumes the row
   * @throws SQLException when PostgreSQL fails
   */
  @Benchmark
  public void preparedRaw(Blackhole blackhole) throws SQLException {
    prepared(raw, nextId(), blackhole);
  }

  /**
   * The prepared primary-key lookup through the toolkit's wrapper.
   *
   * @param blackhole consumes the row
   * @throws SQLException when PostgreSQL fails
   */
  @Benchmark
  public void preparedOurs(Blackhole blackhole) throws SQLException {
    prepared(ours, nextId(), blackhole);
  }

  /**
   * The prepared primary-key lookup through the official wrapper.
   *
   * @param blackhole consumes the row
   * @throws SQLException when PostgreSQL fails
   */
  @Benchmark
  public void preparedOfficial(Blackhole blackhole) throws SQLException {
    prepared(official, nextId(), blackhole);
  }

  private long nextId() {
    int i = next;
    next = (i + 1) & (JdbcBenchmark.ROWS - 1);
    return i + 1;
  }

  private void prepared(Connection connection, long id, Blackhole blackhole) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(select)) {
      statement.setLong(1, id);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("account " + id + " is missing");
        }
        blackhole.consume(row.getLong(1));
        blackhole.consume(row.getString(2));
        blackhole.consume(row.getString(3));
        BigDecimal balance = row.getBigDecimal(4);
        blackhole.consume(balance);
      }
    }
  }

  private void createTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
      statement.execute(
          "CREATE TABLE "
              + table
              + " (id BIGINT PRIMARY KEY, name VARCHAR(64),"
              + " email VARCHAR(128), status VARCHAR(16), balance DECIMAL(12, 2))");
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < JdbcBenchmark.ROWS; i++) {
        insert.setLong(1, i + 1);
        insert.setString(2, "customer " + i);
        insert.setString(3, "customer." + i + "@example.com");
        insert.setString(4, i % 3 == 0 ? "active" : "closed");
        insert.setBigDecimal(5, BigDecimal.valueOf(i * 37L % 100_000, 2));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
