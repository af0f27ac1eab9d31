package dev.oteltoolkit.jdbc;

import dev.oteltoolkit.api.testsupport.RequiredService;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A database the tests run against. Whether a server database is there is decided by {@link
 * RequiredService}: not reachable, its tests skip with the reason on the console (fail where {@code
 * OTELTOOLKIT_REQUIRE_SERVICES=true}, as in CI); reachable but refusing every login, its tests
 * fail, never skip.
 */
final class TestDatabase {

  /** Per database name: the index of the candidate that logged in. */
  private static final Map<String, Integer> usable = new ConcurrentHashMap<>();

  private static final Map<String, Boolean> announced = new ConcurrentHashMap<>();

  final String name;
  final String host;
  final int port;
  private final List<Supplier<DataSource>> candidates;

  /** Where the verdict line goes instead of the console; null: the console. */
  private PrintStream verdicts;

  /**
   * A server database; {@code candidates} are tried in order (e.g. two user names) and the first
   * that logs in is used.
   */
  TestDatabase(String name, String host, int port, List<Supplier<DataSource>> candidates) {
    this.name = name;
    this.host = host;
    this.port = port;
    this.candidates = candidates;
  }

  /** An embedded database: always there. */
  static TestDatabase embedded(String name, Supplier<DataSource> dataSource) {
    return new TestDatabase(name, null, -1, List.of(dataSource));
  }

  /** Prints the skip / failure verdict to {@code out}: for tests that expect one. */
  TestDatabase printingTo(PrintStream out) {
    this.verdicts = out;
    return this;
  }

  /**
   * The driver's own DataSource; a skip (or, where services are required, a failure) when the
   * server is not reachable, a failure when it refuses every login.
   */
  DataSource require() {
    if (host == null) {
      return candidates.get(0).get();
    }
    RequiredService service =
        RequiredService.at(name, host, port, "the command .ci/run uses to start " + name);
    if (verdicts != null) {
      service = service.printingTo(verdicts);
    }
    Integer index = usable.get(name);
    if (index == null) {
      // reachable, or this skips / fails; then every login refused fails (not cached: each
      // test reports the refusal itself)
      index = service.login(this::firstLogin);
      usable.put(name, index);
    }
    if (announced.putIfAbsent(name, Boolean.TRUE) == null) {
      System.err.println(
          "[otel-toolkit-jdbc] running " + name + " tests against " + host + ":" + port);
    }
    return candidates.get(index).get();
  }

  /** The index of the first candidate that connects; throws with every refusal otherwise. */
  private int firstLogin() throws SQLException {
    StringBuilder why = new StringBuilder();
    for (int i = 0; i < candidates.size(); i++) {
      try (Connection connection = candidates.get(i).get().getConnection()) {
        if (connection.isValid(5)) {
          return i;
        }
        why.append(" connection not valid;");
      } catch (SQLException e) {
        why.append(' ').append(e.getMessage()).append(';');
      }
    }
    throw new SQLException(name + " refused every login:" + why);
  }

  @Override
  public String toString() {
    return name;
  }
}
