package dev.oteltoolkit.tests;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The toolkit set up the way the end-to-end tests use it, and small helpers over the results. */
final class TestTelemetry {

  static final String SERVICE_NAME = "e2e-checkout";
  static final String SERVICE_VERSION = "1.2.3";
  static final String ENVIRONMENT = "e2e";

  /** How long a test waits for data that should already be there after a flush. */
  static final Duration WAIT = Duration.ofSeconds(20);

  private TestTelemetry() {}

  /**
   * A builder exporting to {@code receiver} over its transport, with a known resource and no
   * settings from the process environment or system properties.
   */
  static TelemetryBuilder exportingTo(OtlpReceiver receiver) {
    return exportingTo(receiver.endpoint(), receiver.transport(), Map.of());
  }

  /** As {@link #exportingTo(OtlpReceiver)}, toward any endpoint and with the given settings. */
  static TelemetryBuilder exportingTo(
      String endpoint, OtlpReceiver.Transport transport, Map<String, String> settings) {
    return Telemetry.setup()
        .serviceName(SERVICE_NAME)
        .serviceVersion(SERVICE_VERSION)
        .environment(ENVIRONMENT)
        .endpoint(endpoint)
        .protocol(transport.protocol())
        .configProperties(settings);
  }

  /** The only span named {@code name}. */
  static ReceivedSpan only(List<ReceivedSpan> spans, String name) {
    List<ReceivedSpan> named = named(spans, name);
    if (named.size() != 1) {
      throw new AssertionError("expected one span named " + name + " but got " + spans);
    }
    return named.get(0);
  }

  /** The spans named {@code name}. */
  static List<ReceivedSpan> named(List<ReceivedSpan> spans, String name) {
    return spans.stream().filter(s -> s.name().equals(name)).toList();
  }
}
