package dev.oteltoolkit.benchmarks.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON file a pipeline main writes: schema {@value #SCHEMA}. Every file is one object:
 *
 * <pre>{@code
 * {
 *   "schema": "oteltoolkit-pipeline/1",
 *   "measure": "export-throughput" | "export-latency" | "request-overhead" | ...,
 *   "mainClass": "dev.oteltoolkit.benchmarks.pipeline.ExportThroughput",
 *   "args": ["--out", "x.json", "--quick"],
 *   "quick": true,
 *   "started": "2026-01-31T09:58:00Z", "finished": "...", "elapsedSeconds": 52.1,
 *   "java": {"version": "17.0.15", "vendor": "...", "vmName": "...", "inputArguments": [...]},
 *   "machine": {"availableProcessors": 2, "os": "Linux 6.1 amd64",
 *               "loadAverageBefore": 0.12, "loadAverageAfter": 1.9},
 *   "settings": {...what the main ran with, per measure...},
 *   "results": [{...one object per configuration, per measure...}],
 *   "goals": [{"label": "...", "measured": 1.07, "unit": "ratio", "comparison": ">=",
 *              "target": 1.0, "met": true, "detail": {...}}],
 *   "comparisons": [{"label": "...", "measured": 1234.0, "unit": "bytes", "detail": {...}}],
 *   "summary": [{"config": "toolkit-10%", ...the figures named in settings.summaryFigures}],
 *   "notes": ["..."]
 * }
 * }</pre>
 *
 * <p>{@code met} is {@code null} when the measure could not be taken. Durations are in milliseconds
 * ({@code ...Millis}), rates in spans or requests per second, sizes in bytes.
 */
final class PipelineReport {

  static final String SCHEMA = "oteltoolkit-pipeline/1";

  private final PipelineOptions options;
  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, Object> settings = new LinkedHashMap<>();
  private final List<Object> results = new ArrayList<>();
  private final List<Object> goals = new ArrayList<>();
  private final List<Object> comparisons = new ArrayList<>();
  private final List<Object> notes = new ArrayList<>();
  private final Instant started = Instant.now();
  private final long startNanos = System.nanoTime();
  private final double loadBefore = loadAverage();

  PipelineReport(String measure, Class<?> main, PipelineOptions options) {
    this.options = options;
    root.put("schema", SCHEMA);
    root.put("measure", measure);
    root.put("mainClass", main.getName());
    root.put("args", options.args());
    root.put("quick", options.quick());
  }

  /** The settings object, filled by the main. */
  Map<String, Object> settings() {
    return settings;
  }

  void result(Map<String, Object> result) {
    results.add(result);
  }

  /**
   * Sets the summary: one row per configuration, the figures a report shows side by side (the stack
   * comparison's medians over rounds).
   */
  void summary(List<Object> rows) {
    root.put("summary", rows);
  }

  void note(String note) {
    notes.add(note);
    System.err.println("note: " + note);
  }

  /**
   * Adds a goal row.
   *
   * @param measured the value, null when not measured
   * @param comparison {@code <}, {@code <=} or {@code >=}
   * @param detail what the value was computed from (ours, peer, ...), may be empty
   */
  void goal(
      String label,
      Double measured,
      String unit,
      String comparison,
      double target,
      Map<String, Object> detail) {
    Boolean met;
    if (measured == null || !Double.isFinite(measured)) {
      met = null;
    } else {
      met =
          switch (comparison) {
            case "<" -> measured < target;
            case "<=" -> measured <= target;
            case ">=" -> measured >= target;
            default -> throw new IllegalArgumentException("comparison " + comparison);
          };
    }
    Map<String, Object> goal = new LinkedHashMap<>();
    goal.put("label", label);
    goal.put("measured", measured);
    goal.put("unit", unit);
    goal.put("comparison", comparison);
    goal.put("target", target);
    goal.put("met", met);
    goal.put("detail", detail);
    goals.add(goal);
    System.err.printf(
        Locale.ROOT,
        "goal: %s: %s %s (goal %s %s): %s%n",
        label,
        measured == null ? "n/a" : String.format(Locale.ROOT, "%.4g", measured),
        unit,
        comparison,
        target,
        met == null ? "not measured" : met ? "met" : "NOT met");
  }

  /** Adds a comparison reported for information, without a goal. */
  void comparison(String label, Double measured, String unit, Map<String, Object> detail) {
    comparisons.add(map("label", label, "measured", measured, "unit", unit, "detail", detail));
    System.err.printf(
        Locale.ROOT,
        "info: %s: %s %s%n",
        label,
        measured == null ? "n/a" : String.format(Locale.ROOT, "%.4g", measured),
        unit);
  }

  /** Fills in the run's facts and writes the file. */
  void write() {
    Instant finished = Instant.now();
    root.put("started", started.truncatedTo(ChronoUnit.SECONDS).toString());
    root.put("finished", finished.truncatedTo(ChronoUnit.SECONDS).toString());
    root.put("elapsedSeconds", (System.nanoTime() - startNanos) / 1e9);
    Map<String, Object> java = new LinkedHashMap<>();
    java.put("version", System.getProperty("java.version"));
    java.put("vendor", System.getProperty("java.vendor"));
    java.put("vmName", System.getProperty("java.vm.name"));
    java.put("vmVersion", System.getProperty("java.vm.version"));
    java.put("inputArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    root.put("java", java);
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    machine.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    machine.put("loadAverageBefore", loadBefore);
    machine.put("loadAverageAfter", loadAverage());
    root.put("machine", machine);
    root.put("settings", settings);
    root.put("results", results);
    root.put("goals", goals);
    root.put("comparisons", comparisons);
    root.put("notes", notes);
    Path out = options.out();
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, PipelineJson.write(root), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
    System.err.println("wrote " + out);
  }

  /** The 1-minute load average, or -1 where the OS does not tell. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** A map literal that keeps its order: {@code map("a", 1, "b", 2)}. */
  static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must pair up");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
