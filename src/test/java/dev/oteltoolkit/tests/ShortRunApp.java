package dev.oteltoolkit.tests;

import dev.oteltoolkit.core.Telemetry;

/**
 * A short program as a newcomer writes it, for {@link ExitWithoutCollectorTest}: builds the
 * toolkit, does a little traced work, closes it and returns from {@code main}. Arguments: the OTLP
 * endpoint (or {@code default}) and the protocol. Prints {@code work-done} when the work is over,
 * so the test can tell the cost of exiting from the cost of working.
 */
final class ShortRunApp {

  static final int SPANS = 200;

  private ShortRunApp() {}

  public static void main(String[] args) {
    var setup = Telemetry.setup().serviceName("e2e-short-run").protocol(args[1]);
    if (!args[0].equals("default")) {
      setup.endpoint(args[0]);
    }
    try (Telemetry telemetry = setup.build()) {
      telemetry
          .tracing()
          .traced(
              "request",
              () -> {
                for (int i = 0; i < SPANS - 1; i++) {
                  telemetry.tracing().traced("step", () -> {});
                }
              });
      System.out.println("work-done " + System.nanoTime());
      System.out.flush();
    }
  }
}
