package dev.oteltoolkit.api.testsupport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place where a test finds out whether a server it needs (PostgreSQL, MariaDB, RabbitMQ,
 * NATS) is there, and what its absence means.
 *
 * <ul>
 *   <li>Nothing accepts TCP connections at the service's address: the test is skipped (a JUnit
 *       abort with the reason), and the reason is printed once, as one line, on the console of the
 *       build (the process's own standard error, not the per-test output that surefire redirects to
 *       report files).
 *   <li>Where the environment says services are required ({@value #REQUIRE_VARIABLE}{@code =true},
 *       or the system property {@value #REQUIRE_PROPERTY}{@code =true}, which {@code mvn
 *       -Doteltoolkit.requireServices=true} passes to the tests), the same absence fails the test
 *       instead: CI, where the services are installed, cannot go green by skipping them.
 *   <li>The service answers but refuses the login ({@link #login(Callable)} throws): always a
 *       failure, never "down". A wrong password or a missing database is a broken setup, not a
 *       missing service.
 * </ul>
 *
 * <p>Test support code, shared through otel-toolkit-api's test-jar; not a published API.
 */
public final class RequiredService {

  /** The environment variable that turns a missing service into a failure: {@code true}. */
  public static final String REQUIRE_VARIABLE = "OTELTOOLKIT_REQUIRE_SERVICES";

  /** The system property that does the same as {@link #REQUIRE_VARIABLE}. */
  public static final String REQUIRE_PROPERTY = "oteltoolkit.requireServices";

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  /** The lines already printed: each reason reaches the console once per JVM. */
  private static final Set<String> printed = ConcurrentHashMap.newKeySet();

  private static final PrintStream console =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

  private final String name;
  private final String host;
  private final int port;
  private final String howToStart;
  private final boolean required;
  private final PrintStream out;

  private RequiredService(
      String name, String host, int port, String howToStart, boolean required, PrintStream out) {
    this.name = Objects.requireNonNull(name, "name");
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.howToStart = Objects.requireNonNull(howToStart, "howToStart");
    this.required = required;
    this.out = out;
  }

  /**
   * A service at {@code host:port}, required or not as the environment says ({@link
   * #requiredByEnvironment()}).
   *
   * @param name the service's name, for messages ("PostgreSQL")
   * @param host its host
   * @param port its TCP port
   * @param howToStart how to start it on this machine, for the skip message
   * @return the service
   */
  public static RequiredService at(String name, String host, int port, String howToStart) {
    return new RequiredService(name, host, port, howToStart, requiredByEnvironment(), console);
  }

  /**
   * Whether this environment requires the services: {@value #REQUIRE_PROPERTY} or {@value
   * #REQUIRE_VARIABLE} equals {@code true} (case-insensitive).
   *
   * @return true where a missing service must fail its tests
   */
  public static boolean requiredByEnvironment() {
    return "true".equalsIgnoreCase(System.getProperty(REQUIRE_PROPERTY))
        || "true".equalsIgnoreCase(System.getenv(REQUIRE_VARIABLE));
  }

  /**
   * The same service, required or not whatever the environment says (for this class's own tests).
   *
   * @param required whether a missing service fails instead of skipping
   * @return a copy
   */
  public RequiredService required(boolean required) {
    return new RequiredService(name, host, port, howToStart, required, out);
  }

  /**
   * The same service, printing its verdicts to {@code out} instead of the console: for tests that
   * expect a skip or a failure and should not put a misleading line on the build's console.
   *
   * @param out where the verdict lines go
   * @return a copy
   */
  public RequiredService printingTo(PrintStream out) {
    return new RequiredService(name, host, port, howToStart, required, out);
  }

  /**
   * Why the service cannot be reached, or null when something accepts TCP connections at its
   * address. Neither skips nor fails: for a check made once (in {@code @BeforeAll}) whose verdict
   * {@link #unavailable(String)} gives each test.
   *
   * @return the reason, or null when reachable
   */
  public String unreachableReason() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      return null;
    } catch (IOException e) {
      return name + " is not reachable at " + host + ":" + port + " (" + e + ")";
    }
  }

  /**
   * Returns when the service is reachable; otherwise skips, or fails where services are required.
   */
  public void require() {
    String reason = unreachableReason();
    if (reason != null) {
      unavailable(reason);
    }
  }

  /**
   * Requires the service, then logs in with {@code login}: a login that throws fails the test (with
   * the failure as the cause), whether or not services are required.
   *
   * @param <T> what the login returns (a connection)
   * @param login the login
   * @return what the login returned
   */
  public <T> T login(Callable<T> login) {
    require();
    try {
      return login.call();
    } catch (Exception e) {
      String failure =
          "FAILED: "
              + name
              + " answers at "
              + host
              + ":"
              + port
              + " but refused the login ("
              + e
              + "); a service that is up but refuses the login is a broken setup, not a skip";
      print(failure);
      throw new AssertionError(failure, e);
    }
  }

  /**
   * Skips the current test because the service is unavailable for {@code reason}, or fails it where
   * services are required; prints the verdict on the console once.
   *
   * @param reason why the service is unavailable
   * @return never returns normally; declared so callers can write {@code throw unavailable(..)}
   */
  public AssertionError unavailable(String reason) {
    if (required) {
      String failure =
          "FAILED: "
              + reason
              + "; services are required here ("
              + REQUIRE_VARIABLE
              + "=true or -D"
              + REQUIRE_PROPERTY
              + "=true). Start it with: "
              + howToStart;
      print(failure);
      throw new AssertionError(failure);
    }
    String skip =
        "SKIPPED: "
            + reason
            + ". Start it with: "
            + howToStart
            + " (set "
            + REQUIRE_VARIABLE
            + "=true to make this a failure)";
    print(skip);
    Assumptions.abort(skip);
    throw new AssertionError("unreachable: Assumptions.abort returned");
  }

  /** The service's name and address. */
  @Override
  public String toString() {
    return name + " at " + host + ":" + port;
  }

  private void print(String line) {
    if (out != console || printed.add(line)) {
      out.println("[otel-toolkit tests] " + line);
    }
  }
}
