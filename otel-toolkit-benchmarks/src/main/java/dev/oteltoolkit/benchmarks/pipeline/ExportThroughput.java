package dev.oteltoolkit.benchmarks.pipeline;

import static dev.oteltoolkit.benchmarks.pipeline.PipelineReport.map;

import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Config;
import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Kind;
import dev.oteltoolkit.benchmarks.pipeline.ExportProducers.Produced;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Export throughput: the highest span rate, produced by 2 threads calling {@code traced()}, that
 * the toolkit's pipeline exports over OTLP to a local receiver with nothing dropped; and the same
 * for a raw SDK pipeline configured by hand (SdkTracerProvider + BatchSpanProcessor +
 * OtlpGrpcSpanExporter / OtlpHttpSpanExporter), in the same run. Each side runs with its own
 * defaults and with one tuned configuration (the same settings for both).
 *
 * <p>Per transport, configuration and side: a probe (producers as fast as they can for a moment)
 * gives a first guess of the capacity, then steps at fixed rates search for the highest rate with 0
 * dropped (doubling while nothing drops, then bisecting), each step a fresh pipeline run for a few
 * seconds and closed, so that every span it accepted is flushed: dropped = produced − received,
 * counted by the receiver from the decoded requests (queue overflow and any failed export alike). A
 * step whose producers could not reach the asked rate is flagged; when such a step drops nothing,
 * the search stops there (the producers, not the pipeline, are the limit).
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp otel-toolkit-benchmarks/target/benchmarks.jar \
 *     dev.oteltoolkit.benchmarks.pipeline.ExportThroughput --out export-throughput.json [--quick]
 * </pre>
 */
public final class ExportThroughput {

  private final PipelineReport report;
  private final List<Transport> transports;
  private final int threads;
  private final Duration warmup;
  private final Duration probe;
  private final Duration step;
  private final int maxSteps;
  private final Config tuned;

  private ExportThroughput(PipelineOptions options) {
    this.transports = options.transports("transports");
    this.report = new PipelineReport("export-throughput", ExportThroughput.class, options);
    this.threads = options.positiveInt("threads");
    this.warmup = options.duration("warmup");
    this.probe = options.duration("probe");
    this.step = options.duration("step");
    this.maxSteps = options.positiveInt("steps");
    this.tuned = Config.tuned(options);
  }

  /**
   * Runs the measure.
   *
   * @param args {@code --out FILE [--quick]} and the options printed by {@code --help}
   */
  public static void main(String[] args) {
    PipelineEnvironment.exportMeasure();
    PipelineOptions options =
        Config.tunedOptions(new PipelineOptions("ExportThroughput"))
            .option(
                "transports",
                "grpc,http/protobuf",
                "grpc,http/protobuf",
                "comma-separated OTLP transports")
            .option("threads", "2", "2", "producer threads")
            .option("warmup", "4s", "500ms", "unmeasured warm-up per side and transport")
            .option("probe", "2s", "300ms", "capacity probe per search")
            .option("step", "3s", "400ms", "duration of each fixed-rate step")
            .option("steps", "6", "3", "fixed-rate steps per search, at most")
            .parse(args);
    PipelineOptions.orExit("ExportThroughput", () -> new ExportThroughput(options)).run();
  }

  private void run() {
    Map<String, Object> settings = report.settings();
    settings.put("transports", transports.stream().map(Transport::protocol).toList());
    settings.put("producerThreads", threads);
    settings.put("warmupSeconds", warmup.toMillis() / 1e3);
    settings.put("probeSeconds", probe.toMillis() / 1e3);
    settings.put("stepSeconds", step.toMillis() / 1e3);
    settings.put("maxSteps", maxSteps);
    settings.put("spanName", ExportPipeline.SPAN_NAME);
    settings.put("toolkitDefaults", Config.TOOLKIT_DEFAULTS.describe(Kind.TOOLKIT));
    settings.put("sdkDefaults", Config.SDK_DEFAULTS.describe(Kind.RAW));
    settings.put("tuned", tuned.describe(Kind.TOOLKIT));
    settings.put("garbageCollectors", PipelineEnvironment.garbageCollectors());

    for (Transport transport : transports) {
      try (ExportReceiver receiver = ExportReceiver.start(transport)) {
        for (Kind kind : Kind.values()) {
          log("%s %s: warm-up %d ms", transport, kind.label, warmup.toMillis());
          ExportReceiver.Run run = receiver.newRun("warmup");
          ExportPipeline pipeline =
              ExportPipeline.create(kind, Config.defaults(), transport, receiver, run);
          ExportProducers.run(threads, 0, warmup, pipeline::span);
          pipeline.close();
        }
        Map<String, Map<Kind, Double>> best = new LinkedHashMap<>();
        for (Config config : List.of(Config.defaults(), tuned)) {
          for (Kind kind : Kind.values()) {
            Map<String, Object> result = search(receiver, transport, kind, config);
            report.result(result);
            best.computeIfAbsent(config.name(), k -> new EnumMap<>(Kind.class))
                .put(kind, (Double) result.get("maxZeroDropRate"));
          }
        }
        if (receiver.undecodableRequests() > 0 || receiver.foreignSpans() > 0) {
          report.note(
              transport
                  + ": "
                  + receiver.undecodableRequests()
                  + " undecodable requests, "
                  + receiver.foreignSpans()
                  + " spans of no known run");
        }
        for (Map.Entry<String, Map<Kind, Double>> entry : best.entrySet()) {
          Double ours = entry.getValue().get(Kind.TOOLKIT);
          Double raw = entry.getValue().get(Kind.RAW);
          report.goal(
              "export throughput, "
                  + transport
                  + ", "
                  + entry.getKey()
                  + " settings: toolkit ÷ raw SDK (highest rate with 0 dropped)",
              ours != null && raw != null && raw > 0 ? ours / raw : null,
              "ratio",
              ">=",
              1.0,
              map("toolkitSpansPerSecond", ours, "rawSpansPerSecond", raw));
        }
        Double defaultOurs = best.get(Config.defaults().name()).get(Kind.TOOLKIT);
        report.goal(
            "export throughput, "
                + transport
                + ", default settings: toolkit, highest rate with 0"
                + " dropped",
            defaultOurs,
            "spans/s",
            ">=",
            50_000,
            map("config", Config.TOOLKIT_DEFAULTS.describe(Kind.TOOLKIT)));
      }
    }
    report.write();
  }

  /** Searches the highest rate with 0 dropped for one side and configuration. */
  private Map<String, Object> search(
      ExportReceiver receiver, Transport transport, Kind kind, Config config) {
    String label = transport + " " + kind.label + " " + config.name();
    Map<String, Object> result = map("transport", transport.protocol(), "pipeline", kind.label);
    result.putAll(config.describe(kind));

    Step probeStep = step(receiver, transport, kind, config, 0, probe);
    double capacity = probeStep.received / probeStep.produced.seconds();
    log(
        "%s: probe %.0f spans/s received of %.0f produced",
        label, capacity, probeStep.produced.rate());
    result.put("probe", probeStep.describe());

    List<Object> steps = new ArrayList<>();
    double lo = 0;
    double hi = Double.NaN;
    Double best = null;
    boolean producerLimited = false;
    double rate = Math.max(1000, 0.8 * capacity);
    for (int i = 0; i < maxSteps; i++) {
      Step s = step(receiver, transport, kind, config, rate, step);
      steps.add(s.describe());
      log(
          "%s: %.0f spans/s asked, %.0f produced, %d dropped%s",
          label,
          rate,
          s.produced.rate(),
          s.dropped(),
          s.produced.producerLimited() ? " (producer-limited)" : "");
      if (s.dropped() == 0) {
        best = best == null ? s.produced.rate() : Math.max(best, s.produced.rate());
        if (s.produced.producerLimited()) {
          producerLimited = true;
          break;
        }
        lo = rate;
      } else {
        hi = rate;
      }
      if (!Double.isNaN(hi) && hi - lo <= 0.05 * hi) {
        break;
      }
      rate = Double.isNaN(hi) ? rate * 2 : (lo + hi) / 2;
    }
    result.put("maxZeroDropRate", best);
    result.put("producerLimited", producerLimited);
    result.put("lowestDroppingRate", Double.isNaN(hi) ? null : hi);
    result.put("steps", steps);
    log(
        "%s: highest rate with 0 dropped %s",
        label, best == null ? "none" : String.format(Locale.ROOT, "%.0f spans/s", best));
    return result;
  }

  /** One fresh pipeline, producing at {@code rate} (0: unlimited) for {@code duration}. */
  private Step step(
      ExportReceiver receiver,
      Transport transport,
      Kind kind,
      Config config,
      double rate,
      Duration duration) {
    System.gc(); // each step starts from a collected heap, whatever the previous one left
    ExportReceiver.Run run = receiver.newRun(kind.label + "-" + config.name());
    ExportPipeline pipeline = ExportPipeline.create(kind, config, transport, receiver, run);
    Produced produced = ExportProducers.run(threads, rate, duration, pipeline::span);
    long closeStart = System.nanoTime();
    boolean flushed = pipeline.close();
    double closeSeconds = (System.nanoTime() - closeStart) / 1e9;
    if (!flushed) {
      report.note(
          transport
              + " "
              + kind.label
              + " "
              + config.name()
              + ": close() did not"
              + " finish exporting within "
              + ExportPipeline.CLOSE_TIMEOUT);
    }
    return new Step(produced, run.received(), flushed, closeSeconds);
  }

  private static void log(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }

  /** One step's outcome. */
  private record Step(Produced produced, long received, boolean flushed, double closeSeconds) {

    long dropped() {
      return produced.produced() - received;
    }

    Map<String, Object> describe() {
      return map(
          "targetRate", produced.targetRate() > 0 ? produced.targetRate() : null,
          "seconds", produced.seconds(),
          "produced", produced.produced(),
          "producedRate", produced.rate(),
          "received", received,
          "dropped", dropped(),
          "producerLimited", produced.producerLimited(),
          "flushedInTime", flushed,
          "closeSeconds", closeSeconds);
    }
  }
}
