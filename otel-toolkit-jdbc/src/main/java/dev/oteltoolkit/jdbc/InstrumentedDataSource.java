package dev.oteltoolkit.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ConnectionBuilder;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.ShardingKey;
import java.sql.ShardingKeyBuilder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A {@code DataSource} whose connections are instrumented; see {@link JdbcTelemetry#wrap}. */
final class InstrumentedDataSource implements DataSource {

  /** Marks a data source whose connections are already instrumented underneath (a pool of ours). */
  private static final DbInfo PASS_THROUGH =
      new DbInfo("", null, null, -1, SqlSanitizer.Dialect.GENERIC);

  private final DataSource delegate;
  private final JdbcTelemetry telemetry;
  private final JdbcInstrumenter instrumenter;

  /** Learnt from the first connection, then fixed: parsed once per data source. */
  private volatile DbInfo dbInfo;

  InstrumentedDataSource(DataSource delegate, JdbcTelemetry telemetry) {
    this.delegate = delegate;
    this.telemetry = telemetry;
    this.instrumenter = telemetry.instrumenter();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return instrument(instrumenter.acquire(knownDbInfo(), delegate, delegate::getConnection));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return instrument(
        instrumenter.acquire(
            knownDbInfo(), delegate, () -> delegate.getConnection(username, password)));
  }

  @Override
  public ConnectionBuilder createConnectionBuilder() throws SQLException {
    ConnectionBuilder builder = delegate.createConnectionBuilder();
    return new ConnectionBuilder() {
      @Override
      public ConnectionBuilder user(String username) {
        builder.user(username);
        return this;
      }

      @Override
      public ConnectionBuilder password(String password) {
        builder.password(password);
        return this;
      }

      @Override
      public ConnectionBuilder shardingKey(ShardingKey shardingKey) {
        builder.shardingKey(shardingKey);
        return this;
      }

      @Override
      public ConnectionBuilder superShardingKey(ShardingKey superShardingKey) {
        builder.superShardingKey(superShardingKey);
        return this;
      }

      @Override
      public Connection build() throws SQLException {
        return instrument(instrumenter.acquire(knownDbInfo(), delegate, builder::build));
      }
    };
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(delegate)) {
      return iface.cast(delegate);
    }
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }

  private DbInfo knownDbInfo() {
    DbInfo info = dbInfo;
    return info == PASS_THROUGH ? null : info;
  }

  private Connection instrument(Connection connection) {
    if (connection == null) {
      return null;
    }
    DbInfo info = dbInfo;
    if (info == null) {
      // first connection: learn the database, or that a pool of ours is underneath
      info =
          telemetry.isInstrumentedUnderneath(connection)
              ? PASS_THROUGH
              : telemetry.dbInfo(connection);
      dbInfo = info;
    }
    if (info == PASS_THROUGH) {
      return connection;
    }
    return new InstrumentedConnection(connection, info, instrumenter);
  }

  // ---------------------------------------------------------------- plain delegation

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public ShardingKeyBuilder createShardingKeyBuilder() throws SQLException {
    return delegate.createShardingKeyBuilder();
  }
}
