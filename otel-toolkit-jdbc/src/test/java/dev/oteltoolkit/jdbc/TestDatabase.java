package dev.oteltoolkit.jdbc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * A database the tests run against, and the one place that decides whether it is there: a server
 * that cannot be reached (or refuses the login) skips its tests loudly, with the reason in the
 * JUnit report and a line on stderr, so CI output shows whether they ran.
 */
final class TestDatabase {

  /** Per database name: the usable candidate's index, or -1. */
  private static final Map<String, Integer> usable = new ConcurrentHashMap<>();
  private static final Map<String, String> reasons = new ConcurrentHashMap<>();
  private static final Map<String, Boolean> announced = new ConcurrentHashMap<>();

  final String name;
  final String host;
  final int port;
  private final List<Supplier<DataSource>> candidates;

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

  /** The driver's own DataSource, or a skip (JUnit assumption) with the reason. */
  DataSource require() {
    int index = usable.computeIfAbsent(name, n -> probe());
    if (index < 0) {
      String reason = reasons.get(name);
      String message = "SKIPPED " + name + " tests: " + reason
          + " (start the service, see .ci/run, to run them)";
      if (announced.putIfAbsent(name, Boolean.TRUE) == null) {
        System.err.println("[otel-toolkit-jdbc] " + message);
      }
      Assumptions.abort(message);
    }
    if (announced.putIfAbsent(name, Boolean.TRUE) == null) {
      System.err.println("[otel-toolkit-jdbc] running " + name + " tests against "
          + (host == null ? "an embedded database" : host + ":" + port));
    }
    return candidates.get(index).get();
  }

  /** The first candidate that connects, or -1 with the reason in {@link #reasons}. */
  private int probe() {
    if (host != null) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 2000);
      } catch (IOException e) {
        reasons.put(name, name + " is not reachable at " + host + ":" + port + " (" + e + ")");
        return -1;
      }
    }
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
    reasons.put(name, name + " refused every login:" + why);
    return -1;
  }

  @Override
  public String toString() {
    return name;
  }
}
