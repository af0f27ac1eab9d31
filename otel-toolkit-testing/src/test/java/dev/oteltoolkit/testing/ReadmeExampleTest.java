package dev.oteltoolkit.testing;

import static dev.oteltoolkit.api.Traced.traced;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example at the top of this module's README, as it is written there. */
class ReadmeExampleTest {

  /** The code under test: a service traced with the static functions, as users write it. */
  static final class Shop {
    void checkout(String cart) {
      traced("checkout", () -> {
        traced("charge card", () -> {});
      });
    }
  }

  private final Shop shop = new Shop();

  // README begin
  @RegisterExtension static final TelemetryExtension otel = TelemetryExtension.create();

  @Test
  void checkoutChargesTheCard() {
    shop.checkout("cart-1");
    otel.assertTrace("checkout").hasChild("charge card").hasNoOtherSpans();
    otel.assertOperation("checkout").hasCount(1).hasNoErrors();
  }
  // README end
}
