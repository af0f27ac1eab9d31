package dev.oteltoolkit.examples;

// README:quickstart:begin
import static dev.oteltoolkit.api.Traced.traced;

import dev.oteltoolkit.core.Telemetry;

public class Quickstart {
  public static void main(String[] args) {
    try (Telemetry telemetry = Telemetry.setup().serviceName("checkout").console().install()) {
      String receipt = traced("checkout", () -> {
        traced("reserve-stock", () -> System.out.println("stock reserved"));
        return traced("charge-card", () -> "receipt-42");
      });
      System.out.println(receipt);
    }
  }
}
// README:quickstart:end
