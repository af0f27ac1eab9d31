package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.metrics.LongCounter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension in an instance field, not global: a telemetry of its own for every test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleTest {

  private static Telemetry firstTestsTelemetry;

  @RegisterExtension
  final TelemetryExtension otel =
      TelemetryExtension.builder()
          // the machine's OTEL_* settings never apply; the test's own do
          .configure(
              b ->
                  b.serviceName("lifecycle")
                      .configProperties(Map.of("OTEL_RESOURCE_ATTRIBUTES", "team=kit")))
          .global(false)
          .build();

  // declared after the extension: builds the telemetry on first use, before beforeEach
  private final Tracing tracing = otel.tracing();
  private final LongCounter orders =
      otel.openTelemetry().getMeter("shop").counterBuilder("shop.orders").build();

  @Test
  @Order(1)
  void eachTestHasItsOwnTelemetryAndTheGlobalIsLeftAlone() {
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
    tracing.traced("first", () -> orders.add(1));
    otel.assertTrace("first")
        .hasRoot(
            root ->
                root.hasResourceSatisfying(
                    resource ->
                        resource
                            .hasAttribute(
                                io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                                "lifecycle")
                            .hasAttribute(
                                io.opentelemetry.api.common.AttributeKey.stringKey("team"),
                                "kit")));
    firstTestsTelemetry = otel.telemetry();
  }

  @Test
  @Order(2)
  void theTelemetryOfTheTestBeforeWasClosed() {
    assertThat(firstTestsTelemetry).isNotNull().isNotSameAs(otel.telemetry());
    assertThat(firstTestsTelemetry.isEnabled()).isFalse();
    assertThat(otel.spans()).isEmpty();
  }

  @Test
  @Order(3)
  void whatWasFlushedWhenTheTestClosedItsTelemetryIsStillThere() {
    tracing.traced("before close", () -> orders.add(4));
    // e.g. a test of an application's shutdown: nothing pending may be lost
    assertThat(otel.telemetry().shutdown(Duration.ofSeconds(10))).isTrue();

    otel.assertTrace("before close").hasNoOtherSpans();
    otel.assertOperation("before close").hasCount(1);
    assertThat(otel.metrics())
        .filteredOn(m -> m.getName().equals("shop.orders"))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.getLongSumData().getPoints())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(4)));
  }

  @AfterAll
  static void globalStillUnset() {
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }
}
