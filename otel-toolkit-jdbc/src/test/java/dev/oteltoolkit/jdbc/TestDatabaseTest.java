package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.testsupport.RequiredService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;
import org.opentest4j.TestAbortedException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database tests' verdicts: a server that is not there skips (or fails where services are
 * required); a server that is there but refuses the login fails, on the real servers too.
 */
class TestDatabaseTest {

  /** The expected verdicts go here, not to the build's console. */
  private final ByteArrayOutputStream verdicts = new ByteArrayOutputStream();

  private final PrintStream out = new PrintStream(verdicts, true, StandardCharsets.UTF_8);

  @Test
  void anUnreachableServerSkipsOrFailsAsTheEnvironmentSays() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    TestDatabase nowhere =
        new TestDatabase(
                "Nowhere",
                "127.0.0.1",
                closed,
                List.of(
                    () -> {
                      throw new AssertionError("must not connect when the port is closed");
                    }))
            .printingTo(out);
    if (RequiredService.requiredByEnvironment()) {
      assertThatThrownBy(nowhere::require)
          .isInstanceOf(AssertionError.class)
          .isNotInstanceOf(TestAbortedException.class)
          .hasMessageStartingWith("FAILED: Nowhere is not reachable at 127.0.0.1:" + closed);
    } else {
      assertThatThrownBy(nowhere::require)
          .isInstanceOf(TestAbortedException.class)
          .hasMessageStartingWith("SKIPPED: Nowhere is not reachable at 127.0.0.1:" + closed);
    }
  }

  @Test
  void aListeningServerThatRefusesTheLoginFails() throws IOException, SQLException {
    // H2 stands in for the login (its database exists, with another password); the listening
    // socket stands in for the server's port
    String url = "jdbc:h2:mem:refusing_login;DB_CLOSE_DELAY=-1";
    JdbcDataSource owner = new JdbcDataSource();
    owner.setURL(url);
    owner.setUser("sa");
    owner.setPassword("the-password");
    try (ServerSocket listening = new ServerSocket(0);
        Connection keepsItAlive = owner.getConnection()) {
      JdbcDataSource wrong = new JdbcDataSource();
      wrong.setURL(url);
      wrong.setUser("sa");
      wrong.setPassword("not-the-password");
      TestDatabase refusing =
          new TestDatabase("Refusing", "127.0.0.1", listening.getLocalPort(), List.of(() -> wrong))
              .printingTo(out);

      assertThatThrownBy(refusing::require)
          .isInstanceOf(AssertionError.class)
          .isNotInstanceOf(TestAbortedException.class)
          .hasMessageContaining("FAILED: Refusing answers at 127.0.0.1:")
          .hasMessageContaining("refused the login")
          .hasMessageContaining("Wrong user name or password");
      keepsItAlive.createStatement().execute("SHUTDOWN");
    }
  }

  @Test
  void postgresqlRefusingAnUnknownRoleFails() {
    PostgresJdbcTest.POSTGRESQL.require(); // skips here when PostgreSQL is down
    PGSimpleDataSource unknown = new PGSimpleDataSource();
    unknown.setServerNames(new String[] {"127.0.0.1"});
    unknown.setPortNumbers(new int[] {5432});
    unknown.setDatabaseName("test");
    unknown.setUser("no_such_role_otel_toolkit");
    TestDatabase wrongLogin =
        new TestDatabase("PostgreSQL (unknown role)", "127.0.0.1", 5432, List.of(() -> unknown))
            .printingTo(out);

    assertThatThrownBy(wrongLogin::require)
        .isInstanceOf(AssertionError.class)
        .isNotInstanceOf(TestAbortedException.class)
        .hasMessageContaining("refused the login")
        .hasMessageContaining("no_such_role_otel_toolkit");
  }

  @Test
  void mariadbRefusingAWrongPasswordFails() throws SQLException {
    MariaDbJdbcTest.MARIADB.require(); // skips here when MariaDB is down
    MariaDbDataSource wrong =
        new MariaDbDataSource(
            "jdbc:mariadb://127.0.0.1:3306/test?user=root&password=not-the-password"
                + "&connectTimeout=5000");
    TestDatabase wrongLogin =
        new TestDatabase("MariaDB (wrong password)", "127.0.0.1", 3306, List.of(() -> wrong))
            .printingTo(out);

    assertThatThrownBy(wrongLogin::require)
        .isInstanceOf(AssertionError.class)
        .isNotInstanceOf(TestAbortedException.class)
        .hasMessageContaining("refused the login")
        .hasMessageContaining("Access denied");
    assertThat(MariaDbJdbcTest.MARIADB.require()).as("the right login still works").isNotNull();
  }
}
