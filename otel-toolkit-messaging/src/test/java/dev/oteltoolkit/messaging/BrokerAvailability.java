package dev.oteltoolkit.messaging;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place where broker tests find out whether their broker is there. An unreachable broker
 * skips every test of its class loudly: a line on stderr, and each test aborted with the reason
 * (by {@link AbstractBrokerTest}), so the report counts them as skipped and says why. A reachable
 * broker that then misbehaves (refused login, API errors) fails the tests instead.
 */
final class BrokerAvailability {

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private BrokerAvailability() {}

  /**
   * Throws {@link Unavailable} unless something accepts TCP connections at host:port.
   *
   * @param broker the broker's name, for the message
   * @param testClass the test class that needs it
   * @param host the broker host
   * @param port the broker port
   * @param howToStart how to start the broker on this machine
   * @throws Unavailable when the broker does not accept connections
   */
  static void require(String broker, Class<?> testClass, String host, int port, String howToStart)
      throws Unavailable {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      String reason =
          "SKIPPED "
              + testClass.getSimpleName()
              + ": "
              + broker
              + " is not reachable at "
              + host
              + ":"
              + port
              + " ("
              + e
              + "). Start it with: "
              + howToStart;
      System.err.println("*** " + reason + " ***");
      throw new Unavailable(reason);
    }
  }

  /** Skips the current test when its broker was found unavailable. */
  static void skipIfUnavailable(String reason) {
    Assumptions.assumeTrue(reason == null, reason);
  }

  /** The broker a test class needs is not reachable; the message says which and how to start it. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String reason) {
      super(reason);
    }
  }
}
