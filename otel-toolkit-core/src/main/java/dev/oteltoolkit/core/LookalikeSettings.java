package dev.oteltoolkit.core;

import dev.oteltoolkit.core.ConfigSource.ConfigValue;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Settings that look like OpenTelemetry's but are read by nobody ({@code OTEL_EXPORTER_ENDPOINT},
 * {@code JAEGER_ENDPOINT}, {@code OTEL_LOG_SPANS}, ...): each one set is answered with one warning
 * naming the setting to use instead, once per JVM, never silently ignored.
 */
final class LookalikeSettings {

  private static final Logger logger = Logger.getLogger(Telemetry.class.getName());

  /** Property form of the look-alike (its variable is derived) → what to set instead. */
  static final Map<String, String> INSTEAD =
      Map.ofEntries(
          Map.entry("otel.exporter.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT"),
          Map.entry("otel.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT"),
          Map.entry("otel.otlp.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT"),
          Map.entry("otel.collector.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT"),
          Map.entry(
              "otel.exporter.jaeger.endpoint",
              "OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger takes OTLP on 4317 and 4318; the Jaeger"
                  + " exporter is gone from OpenTelemetry Java)"),
          Map.entry(
              "jaeger.endpoint",
              "OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger takes OTLP on 4317 and 4318)"),
          Map.entry(
              "jaeger.agent.host",
              "OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger takes OTLP on 4317 and 4318)"),
          Map.entry(
              "otel.log.spans",
              "OTEL_TRACES_EXPORTER=console (or console() in code) to print spans"),
          Map.entry("otel.exporter.otlp.header", "OTEL_EXPORTER_OTLP_HEADERS"),
          Map.entry("otel.resource.attribute", "OTEL_RESOURCE_ATTRIBUTES"),
          Map.entry("otel.service", "OTEL_SERVICE_NAME"),
          Map.entry("otel.trace.exporter", "OTEL_TRACES_EXPORTER"),
          Map.entry("otel.metric.exporter", "OTEL_METRICS_EXPORTER"),
          Map.entry("otel.log.exporter", "OTEL_LOGS_EXPORTER"),
          Map.entry("otel.sample.rate", "OTEL_SAMPLING_RATE (or OTEL_TRACES_SAMPLER_ARG)"),
          Map.entry("otel.sampling.ratio", "OTEL_SAMPLING_RATE (or OTEL_TRACES_SAMPLER_ARG)"),
          Map.entry("otel.traces.sampler.ratio", "OTEL_TRACES_SAMPLER_ARG"));

  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private LookalikeSettings() {}

  /** Warns, once per JVM and name, about each look-alike setting {@code settings} holds. */
  static void warnAbout(ConfigSource settings) {
    for (Map.Entry<String, String> entry : INSTEAD.entrySet()) {
      ConfigValue found = settings.get(entry.getKey());
      if (found != null && WARNED.add(found.name())) {
        logger.warning(
            "otel-toolkit: "
                + found.name()
                + " is not an OpenTelemetry setting and nothing reads it; use "
                + entry.getValue()
                + ".");
      }
    }
  }
}
