package dev.oteltoolkit.core;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of resolving a builder's options against the process's settings.
 *
 * @param enabled false when telemetry is switched off ({@code OTEL_ENABLED=false}, ...)
 * @param properties {@code otel.*} properties handed to autoconfigure; they override what it reads
 *     itself
 * @param sampler a sampler instance from the builder, or null when configuration decides
 * @param console where the console tree view prints, or null when it is off
 * @param maxQueueSize the span queue of each batch processor
 * @param maxExportBatchSize the largest export of a batch processor
 * @param scheduleDelayMillis the delay between two exports of a batch processor
 * @param tail tail keeping, or null when it is off (neither keep-errors nor keep-slower-than)
 * @param consoleOnly the console is the only destination because no OTLP endpoint is configured
 */
record ResolvedConfig(
    boolean enabled,
    Map<String, String> properties,
    @Nullable Sampler sampler,
    @Nullable PrintStream console,
    int maxQueueSize,
    int maxExportBatchSize,
    long scheduleDelayMillis,
    @Nullable Tail tail,
    boolean consoleOnly) {

  /** The configuration of a disabled telemetry. */
  static final ResolvedConfig DISABLED =
      new ResolvedConfig(false, Map.of(), null, null, 0, 0, 0, null, false);

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
      if (tail.keepErrors()) {
        out.append("errors");
      }
      if (tail.keepSlowerThan() != null) {
        out.append(tail.keepErrors() ? "+" : "")
            .append("slower>")
            .append(tail.keepSlowerThan().toMillis())
            .append("ms");
      }
      if (!tail.keepHttpStatuses().isEmpty()) {
        out.append(tail.keepErrors() || tail.keepSlowerThan() != null ? "+" : "")
            .append("http")
            .append(tail.keepHttpStatuses());
      }
    }
    if (global) {
      out.append(", global");
    }
    return out.toString();
  }

  /**
   * Tail keeping's settings.
   *
   * @param keepErrors keep every local tree with a failed span
   * @param keepSlowerThan keep every local tree whose root took longer, or null
   * @param keepHttpStatuses keep every local tree with a span answered with one of these HTTP
   *     statuses (empty: off)
   * @param maxHeldSpans the most spans held across undecided trees
   * @param maxHeldSpansPerTrace the most spans held for one tree
   * @param holdTimeout how long an undecided tree is held
   */
  record Tail(
      boolean keepErrors,
      @Nullable Duration keepSlowerThan,
      BitSet keepHttpStatuses,
      int maxHeldSpans,
      int maxHeldSpansPerTrace,
      Duration holdTimeout) {}
}
