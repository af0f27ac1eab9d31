package dev.oteltoolkit.logging;

import dev.oteltoolkit.core.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The module README's quickstart: ReadmeQuickstartTest runs it and compares it with the README. */
final class ReadmeQuickstart {

  private static final Logger log = LoggerFactory.getLogger(ReadmeQuickstart.class);

  private ReadmeQuickstart() {}

  public static void main(String[] args) {
    try (Telemetry telemetry = Telemetry.setup().serviceName("checkout").install()) {
      log.info("starting"); // no span: trace_id, span_id, trace_flags are absent
      telemetry
          .tracing()
          .traced("charge-card", () -> log.info("charging order {}", 42)); // carries the ids
    }
  }
}
