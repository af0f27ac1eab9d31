package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.testsupport.RequiredService;

/**
 * Where broker tests find out whether their broker is there, through the project's one check
 * ({@link RequiredService}): an unreachable broker skips every test of its class with the reason on
 * the console, or fails them where {@code OTELTOOLKIT_REQUIRE_SERVICES=true} (CI). A reachable
 * broker that then misbehaves (refused login, API errors) fails the tests.
 */
final class BrokerAvailability {

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
    RequiredService service = RequiredService.at(broker, host, port, howToStart);
    String reason = service.unreachableReason();
    if (reason != null) {
      throw new Unavailable(service, testClass.getSimpleName() + ": " + reason);
    }
  }

  /**
   * Skips the current test (or fails it where services are required) when its broker was found
   * unavailable; returns when {@code unavailable} is null.
   */
  static void skipIfUnavailable(Unavailable unavailable) {
    if (unavailable != null) {
      unavailable.service.unavailable(unavailable.getMessage());
    }
  }

  /** The broker a test class needs is not reachable; the message says which and why. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient RequiredService service;

    Unavailable(RequiredService service, String reason) {
      super(reason);
      this.service = service;
    }
  }
}
