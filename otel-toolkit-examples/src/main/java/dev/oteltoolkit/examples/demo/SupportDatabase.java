package dev.oteltoolkit.examples.demo;

import dev.oteltoolkit.jdbc.JdbcTelemetry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The support desk's database: H2 in memory behind its connection pool, wrapped once by
 * otel-toolkit-jdbc so that every statement the application runs is a CLIENT span.
 */
final class SupportDatabase implements AutoCloseable {

  /** The database's name, {@code db.namespace} on its spans. */
  static final String NAME = "support";

  private final JdbcConnectionPool pool;
  private final DataSource dataSource;

  private SupportDatabase(JdbcConnectionPool pool, DataSource dataSource) {
    this.pool = pool;
    this.dataSource = dataSource;
  }

  /** Creates the database with its schema and a few orders. */
  static SupportDatabase create(JdbcTelemetry jdbc) throws SQLException {
    JdbcConnectionPool pool =
        JdbcConnectionPool.create("jdbc:h2:mem:" + NAME + ";DB_CLOSE_DELAY=-1", "sa", "");
    // The migration runs on the pool itself: it is not part of any request. Order 1002 already
    // has a refund: asking for another one breaks the primary key, and that request fails.
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20), eta DATE)");
      statement.execute(
          "INSERT INTO orders VALUES (1001, 'shipped', DATE '2026-11-25'),"
              + " (1002, 'delivered', DATE '2026-11-20'), (1003, 'packing', DATE '2026-11-27')");
      statement.execute("CREATE TABLE refunds (order_id INT PRIMARY KEY, reason VARCHAR(200))");
      statement.execute("INSERT INTO refunds VALUES (1002, 'arrived damaged')");
      statement.execute(
          "CREATE TABLE transcripts (id IDENTITY PRIMARY KEY, question VARCHAR(2000),"
              + " answer VARCHAR(2000))");
    }
    return new SupportDatabase(pool, jdbc.wrap(pool));
  }

  /** The instrumented data source the application uses. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Drops the database (a later {@link #create} starts afresh) and closes its connections. */
  @Override
  public void close() throws SQLException {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    } finally {
      pool.dispose();
    }
  }
}
