package dev.oteltoolkit.jdbc;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.semconv.DbAttributes;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;

/** H2 in memory: always runs. */
class H2JdbcTest extends AbstractJdbcTest {

  static final TestDatabase H2 =
      TestDatabase.embedded(
          "H2",
          () -> {
            JdbcDataSource dataSource = new JdbcDataSource();
            dataSource.setURL("jdbc:h2:mem:otk_h2;DB_CLOSE_DELAY=-1");
            return dataSource;
          });

  @Override
  TestDatabase database() {
    return H2;
  }

  @Override
  String expectedSystem() {
    return "h2database";
  }

  @Override
  String expectedNamespace() {
    return "otk_h2";
  }

  @Override
  String expectedAddress() {
    return null;
  }

  @Override
  long expectedPort() {
    return -1;
  }

  @Override
  String failingStatement() {
    // H2 appends the whole statement to its message
    return "SELECT * FROM otk_missing WHERE secret = 'hunter2'";
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
    return e.getSQLState();
  }

  @Override
  String callableStatement() {
    return "{call ABS(?)}";
  }

  @Override
  String callableProcedure() {
    return "ABS";
  }

  @Override
  String expectedFailingQueryText() {
    return "SELECT * FROM otk_missing WHERE secret = ?";
  }

  @Override
  String expectedCallableQueryText() {
    return "{call ABS(?)}";
  }
}
