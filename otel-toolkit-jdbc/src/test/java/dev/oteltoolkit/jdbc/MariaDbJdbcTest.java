package dev.oteltoolkit.jdbc;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.semconv.DbAttributes;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.mariadb.jdbc.MariaDbDataSource;

/** MariaDB at 127.0.0.1:3306, user root without password, database test. */
class MariaDbJdbcTest extends AbstractJdbcTest {

  static final TestDatabase MARIADB =
      new TestDatabase(
          "MariaDB",
          "127.0.0.1",
          3306,
          List.of(
              () -> {
                try {
                  return new MariaDbDataSource(
                      "jdbc:mariadb://127.0.0.1:3306/test?user=root&connectTimeout=5000");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              }));

  @Override
  TestDatabase database() {
    return MARIADB;
  }

  @Override
  String expectedSystem() {
    return "mariadb";
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
    return 3306;
  }

  @Override
  String failingStatement() {
    // MariaDB quotes the statement from the error on: near 'WHERE secret = 'hunter2''
    return "SELECT * FROM otk_missing WHERE WHERE secret = 'hunter2'";
  }

  @Override
  String failingSpanName() {
    return "SELECT otk_missing";
  }

  @Override
  List<AttributeAssertion> failingStatementAttributes() {
    return Arrays.asList(
        equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"),
        equalTo(DbAttributes.DB_COLLECTION_NAME, "otk_missing"));
  }

  @Override
  String expectedStatusCode(SQLException e) {
    // semconv for MariaDB: the vendor error code, more specific than SQLSTATE
    return Integer.toString(e.getErrorCode());
  }

  @Override
  String callableStatement() {
    return "{call " + table + "_p(?)}";
  }

  @Override
  String callableProcedure() {
    return table + "_p";
  }

  @Override
  String expectedFailingQueryText() {
    return "SELECT * FROM otk_missing WHERE WHERE secret = ?";
  }

  @Override
  String expectedCallableQueryText() {
    return "{call " + table + "_p(?)}";
  }

  @Override
  void createProcedure(Statement statement) throws SQLException {
    statement.execute("CREATE PROCEDURE " + table + "_p(IN n INT) SELECT n");
  }

  @Override
  void dropProcedure(Statement statement) throws SQLException {
    statement.execute("DROP PROCEDURE " + table + "_p");
  }
}
