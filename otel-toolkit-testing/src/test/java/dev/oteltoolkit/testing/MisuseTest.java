package dev.oteltoolkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension used wrongly: each scenario is a test class run through the JUnit engine from here.
 * The scenario classes are nested (the build does not run them on their own) and, in case a filter
 * selects them anyway, enabled only while this test runs them.
 */
class MisuseTest {

  private static final String SCENARIOS = "oteltoolkit.testing.misuse-scenarios";

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void twoExtensionsInOneClassFailWithAClearMessage() {
    Throwable failure = singleFailure(TwoExtensions.class);
    assertThat(failure)
        .hasMessage(
            "TelemetryExtension is registered twice for "
                + TwoExtensions.class.getName()
                + " (two fields, or one here and one in an enclosing or super class): use one"
                + " TelemetryExtension per test class. For a second service in a test, call"
                + " service(\"name\") on that one extension.");
    // the first extension cleaned up after itself
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void anExtensionHereAndOneInASuperclassFailToo() {
    Throwable failure = singleFailure(SubclassWithItsOwn.class);
    assertThat(failure).hasMessageContaining("TelemetryExtension is registered twice for");
  }

  @Test
  void aNoopGlobalSetByAnEarlyGetFailsWithTheCauseAndTheWayOut() {
    // what a library's static field such as GlobalOpenTelemetry.getTracer("library") does when
    // its class is loaded before the test: GlobalOpenTelemetry.get() sets a no-op global
    Tracer early = GlobalOpenTelemetry.getTracer("library");
    assertThat(early).isNotNull();
    Throwable failure = singleFailure(PlainExtension.class);
    assertThat(failure)
        .hasMessageStartingWith(
            "TelemetryExtension in "
                + PlainExtension.class.getName()
                + " cannot install its Telemetry as GlobalOpenTelemetry: a global is already set"
                + " by a no-op, which GlobalOpenTelemetry.get() sets when it is called before"
                + " any install")
        .hasMessageContaining("TelemetryExtension.builder().global(false).build()");
  }

  @Test
  void aGlobalSdkSetByOtherCodeFailsNamingIt() {
    GlobalOpenTelemetry.set(OpenTelemetrySdk.builder().build());
    Throwable failure = singleFailure(PlainExtension.class);
    assertThat(failure)
        .hasMessageContaining("a global is already set by other code (")
        .hasMessageContaining("Remove that setup from the tests");
  }

  @Test
  void aNonGlobalExtensionRunsBesideAGlobalSetByOtherCode() {
    GlobalOpenTelemetry.set(OpenTelemetrySdk.builder().build());
    Events tests = run(NotGlobal.class);
    tests.assertStatistics(stats -> stats.succeeded(1).failed(0));
  }

  @Test
  void aFailingTestCarriesTheTreeOfWhatWasCaptured() {
    Throwable failure = singleFailure(FailingAssertion.class);
    assertThat(failure).hasMessageContaining("expected: 3");
    assertThat(failure.getSuppressed())
        .singleElement()
        .satisfies(
            tree ->
                assertThat(tree.toString())
                    .startsWith(
                        "telemetry captured when the test failed:\n"
                            + "Captured by TelemetryExtension: 2 spans in 1 trace, 0 log records\n"
                            + "trace ")
                    .contains("\nlookup  ")
                    .contains("\n└─ SELECT  "));
  }

  /** The one failure of a scenario, of its test or of its class (a failed beforeAll). */
  private static Throwable singleFailure(Class<?> scenario) {
    Events all = execute(scenario).allEvents();
    List<Event> failed = all.failed().list();
    assertThat(failed).as("failed tests of " + scenario.getSimpleName()).hasSize(1);
    Optional<Throwable> thrown =
        failed
            .get(0)
            .getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable);
    assertThat(thrown).isPresent();
    return thrown.get();
  }

  private static Events run(Class<?> scenario) {
    return execute(scenario).testEvents();
  }

  private static org.junit.platform.testkit.engine.EngineExecutionResults execute(
      Class<?> scenario) {
    System.setProperty(SCENARIOS, "true");
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(scenario)).execute();
    } finally {
      System.clearProperty(SCENARIOS);
    }
  }

  // ---- scenarios ----

  @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
  static class TwoExtensions {
    @RegisterExtension static final TelemetryExtension first = TelemetryExtension.create();
    @RegisterExtension static final TelemetryExtension second = TelemetryExtension.create();

    @Test
    void test() {}
  }

  @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
  static class WithExtension {
    @RegisterExtension static final TelemetryExtension otel = TelemetryExtension.create();
  }

  @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
  static class SubclassWithItsOwn extends WithExtension {
    @RegisterExtension final TelemetryExtension mine = TelemetryExtension.create();

    @Test
    void test() {}
  }

  @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
  static class PlainExtension {
    @RegisterExtension static final TelemetryExtension otel = TelemetryExtension.create();

    @Test
    void test() {}
  }

  @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
  static class NotGlobal {
    @RegisterExtension
    static final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

    @Test
    void test() {
      otel.tracing().traced("works", () -> {});
      otel.assertTrace("works").hasNoOtherSpans();
    }
  }

  @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
  static class FailingAssertion {
    @RegisterExtension
    final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

    @Test
    void test() {
      otel.tracing().traced("lookup", () -> otel.tracing().traced("SELECT", () -> {}));
      List<SpanData> spans = otel.spans();
      // a plain AssertJ assertion of the test's own: fails with the tree attached
      assertThat(spans.size()).isEqualTo(3);
    }
  }
}
