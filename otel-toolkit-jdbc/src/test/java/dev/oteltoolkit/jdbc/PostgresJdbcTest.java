package dev.oteltoolkit.jdbc;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.semconv.DbAttributes;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** PostgreSQL at 127.0.0.1:5432, database test, trust authentication (user postgres or root). */
class PostgresJdbcTest extends AbstractJdbcTest {

  static final TestDatabase POSTGRESQL =
      new TestDatabase(
          "PostgreSQL", "127.0.0.1", 5432, List.of(() -> pg("postgres"), () -> pg("root")));

  private static DataSource pg(String user) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setServerNames(new String[] {"127.0.0.1"});
    dataSource.setPortNumbers(new int[] {5432});
    dataSource.setDatabaseName("test");
    dataSource.setUser(user);
    dataSource.setConnectTimeout(5);
    return dataSource;
  }

  @Override
  TestDatabase database() {
    return POSTGRESQL;
  }

  @Override
  String expectedSystem() {
    return "postgresql";
  }

  @Override
  String expectedNamespace() {
    return "test";
  }

  @Override
  String expectedAddress() {
    return "127.0.0.1";
  }

  @Override
  long expectedPort() {
    return 5432;
  }

  @Override
  String failingStatement() {
    // PostgreSQL quotes the bad value: invalid input syntax for type integer: "hunter2"
    return "SELECT CAST('hunter2' AS integer)";
  }

  @Override
  String failingSpanName() {
    return "SELECT";
  }

  @Override
  List<AttributeAssertion> failingStatementAttributes() {
    return Collections.singletonList(equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"));
  }

  @Override
  String expectedStatusCode(SQLException e) {
    return e.getSQLState();
  }

  @Override
  String callableStatement() {
    return "CALL " + table + "_p(?)";
  }

  @Override
  String callableProcedure() {
    return table + "_p";
  }

  @Override
  String expectedFailingQueryText() {
    return "SELECT CAST(? AS integer)";
  }

  @Override
  String expectedCallableQueryText() {
    return "CALL " + table + "_p(?)";
  }

  @Override
  void createProcedure(Statement statement) throws SQLException {
    statement.execute("CREATE PROCEDURE " + table + "_p(n integer) LANGUAGE sql AS $$ SELECT n $$");
  }

  @Override
  void dropProcedure(Statement statement) throws SQLException {
    statement.execute("DROP PROCEDURE " + table + "_p");
  }
}
