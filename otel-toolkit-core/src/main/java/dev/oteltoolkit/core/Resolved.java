package dev.oteltoolkit.core;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/** The outcome of resolving a builder against the process's settings. */
final class Resolved {
  final boolean enabled;
  /** {@code otel.*} properties handed to autoconfigure; they override what it reads itself. */
  final Map<String, String> properties;
  /** A sampler instance from the builder, or null when configuration decides. */
  final Sampler sampler;
  /** Where the console tree view prints, or null when it is off. */
  final PrintStream console;
  final int maxQueueSize;
  final int maxExportBatchSize;
  final long scheduleDelayMillis;
  /** Tail sampling, or null when it is off (neither keep-errors nor keep-slower-than). */
  final Tail tail;

  Resolved(
      boolean enabled,
      Map<String, String> properties,
      Sampler sampler,
      PrintStream console,
      int maxQueueSize,
      int maxExportBatchSize,
      long scheduleDelayMillis,
      Tail tail) {
    this.enabled = enabled;
    this.properties = properties;
    this.sampler = sampler;
    this.console = console;
    this.maxQueueSize = maxQueueSize;
    this.maxExportBatchSize = maxExportBatchSize;
    this.scheduleDelayMillis = scheduleDelayMillis;
    this.tail = tail;
  }

  /** A short description for logs and toString: no header values, no secrets. */
  String describe(boolean global) {
    StringBuilder out = new StringBuilder();
    out.append("service=").append(properties.getOrDefault("otel.service.name", "(from resource)"));
    out.append(", traces=").append(properties.getOrDefault("otel.traces.exporter", "(configured)"));
    if (console != null) {
      out.append("+console");
    }
    String endpoint = properties.get("otel.exporter.otlp.endpoint");
    if (endpoint != null) {
      out.append(", endpoint=").append(endpoint);
    }
    if (tail != null) {
      out.append(", keep=");
      if (tail.keepErrors) {
        out.append("errors");
      }
      if (tail.keepSlowerThan != null) {
        out.append(tail.keepErrors ? "+" : "")
            .append("slower>")
            .append(tail.keepSlowerThan.toMillis())
            .append("ms");
      }
    }
    if (global) {
      out.append(", global");
    }
    return out.toString();
  }

  /** The settings of tail sampling. */
  static final class Tail {
    final boolean keepErrors;
    /** Null when only errors are kept. */
    final Duration keepSlowerThan;
    final int maxHeldSpans;
    final int maxHeldSpansPerTrace;
    final Duration holdTimeout;

    Tail(
        boolean keepErrors,
        Duration keepSlowerThan,
        int maxHeldSpans,
        int maxHeldSpansPerTrace,
        Duration holdTimeout) {
      this.keepErrors = keepErrors;
      this.keepSlowerThan = keepSlowerThan;
      this.maxHeldSpans = maxHeldSpans;
      this.maxHeldSpansPerTrace = maxHeldSpansPerTrace;
      this.holdTimeout = holdTimeout;
    }
  }
}
