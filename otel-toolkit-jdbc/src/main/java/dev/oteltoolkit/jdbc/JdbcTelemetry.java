package dev.oteltoolkit.jdbc;

import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import io.opentelemetry.api.OpenTelemetry;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Instruments JDBC: {@code dataSource = JdbcTelemetry.create(openTelemetry).wrap(dataSource)}, and
 * every statement executed through it records one CLIENT span and one {@code
 * db.client.operation.duration} measurement, named and attributed by the database semantic
 * conventions, with the SQL text sanitized (every literal replaced by {@code ?}).
 *
 * <p>Wrap the pool ({@code HikariDataSource}, ...) or the driver's {@code DataSource} under it;
 * both work. Statements from a wrapped connection, prepared and callable statements and batches are
 * instrumented; {@code unwrap} and {@code isWrapperFor} reach the driver's objects, and {@code
 * Statement.getConnection()} returns the wrapped connection. Wrapping an object this library
 * already wrapped returns it unchanged.
 *
 * <p>Works with any {@link OpenTelemetry}: the toolkit's {@code Telemetry}, an SDK built by hand,
 * or the Java agent's {@code GlobalOpenTelemetry}. Instances are thread-safe; create one and share
 * it.
 */
public final class JdbcTelemetry {

  private static final int MAX_CACHED_URLS = 64;

  static {
    // Drivers quote the failing statement, literals included, in SQLException messages, and the
    // exception travels up through the application's enclosing spans (traced() bodies, tool
    // calls, handlers), each of which records it: from now on the toolkit's spans record those
    // messages sanitized too, not only this module's own statement spans.
    FailureRecorder.registerRedactor(
        SQLException.class,
        message -> SqlSanitizer.sanitizeMessage(message, SqlSanitizer.Dialect.GENERIC));
  }

  private final JdbcInstrumenter instrumenter;
  private final Map<String, DbInfo> dbInfoByUrl = new ConcurrentHashMap<>();

  /**
   * Returns a {@code JdbcTelemetry} with the default options (see {@link JdbcTelemetryBuilder}).
   *
   * @param openTelemetry the OpenTelemetry to record spans and metrics with
   * @return a new {@code JdbcTelemetry}
   */
  public static JdbcTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Returns a builder to choose the options.
   *
   * @param openTelemetry the OpenTelemetry to record spans and metrics with
   * @return a new builder
   */
  public static JdbcTelemetryBuilder builder(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new JdbcTelemetryBuilder(openTelemetry);
  }

  JdbcTelemetry(JdbcInstrumenter instrumenter) {
    this.instrumenter = instrumenter;
  }

  /**
   * Returns a {@code DataSource} whose connections are instrumented. The database (system,
   * namespace, server address and port) is read from the first connection's metadata and cached for
   * the life of the returned {@code DataSource}.
   *
   * @param dataSource the data source to instrument: a pool or a driver's
   * @return the instrumented data source; {@code dataSource} itself when it is already one
   */
  public DataSource wrap(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    if (dataSource instanceof InstrumentedDataSource) {
      return dataSource;
    }
    return new InstrumentedDataSource(dataSource, this);
  }

  /**
   * Returns an instrumented view of one connection. The database is read from its metadata (URL
   * parsed once per distinct URL).
   *
   * @param connection the connection to instrument
   * @return the instrumented connection; {@code connection} itself when it is already one, or when
   *     it wraps one (a pool over an instrumented {@code DataSource})
   */
  public Connection wrap(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    if (connection instanceof InstrumentedConnection || isInstrumentedUnderneath(connection)) {
      return connection;
    }
    return new InstrumentedConnection(connection, dbInfo(connection), instrumenter);
  }

  JdbcInstrumenter instrumenter() {
    return instrumenter;
  }

  /** True when {@code connection} is a proxy (a pool's) around a connection we instrumented. */
  boolean isInstrumentedUnderneath(Connection connection) {
    try {
      return connection.isWrapperFor(InstrumentedConnection.class);
    } catch (Exception | LinkageError e) {
      return false;
    }
  }

  /** What the connection's metadata tells about the database; never throws. */
  DbInfo dbInfo(Connection connection) {
    try {
      DatabaseMetaData metaData = connection.getMetaData();
      String url = metaData == null ? null : metaData.getURL();
      if (url != null) {
        DbInfo cached = dbInfoByUrl.get(url);
        if (cached != null) {
          return cached;
        }
      }
      DbInfo info = DbInfo.parseUrl(url);
      if (info == null) {
        info = DbInfo.fromProduct(metaData == null ? null : metaData.getDatabaseProductName());
      }
      if (url != null && dbInfoByUrl.size() < MAX_CACHED_URLS) {
        dbInfoByUrl.put(url, info);
      }
      return info;
    } catch (Exception | LinkageError e) {
      instrumenter.instrumentationFailed(e);
      return DbInfo.UNKNOWN;
    }
  }
}
