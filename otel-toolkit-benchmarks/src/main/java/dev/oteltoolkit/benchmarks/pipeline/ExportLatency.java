package dev.oteltoolkit.benchmarks.pipeline;

import static dev.oteltoolkit.benchmarks.pipeline.PipelineReport.map;

import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Config;
import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Kind;
import dev.oteltoolkit.benchmarks.pipeline.ExportProducers.Produced;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.sdk.common.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Export latency: the time from a span's end to its arrival at the OTLP receiver, at a steady,
 * moderate rate, for the toolkit with its default settings (schedule delay {@code
 * Telemetry.DEFAULT_SCHEDULE_DELAY_MILLIS}) and for the raw SDK pipeline given the same settings,
 * as the floor. (The raw SDK's own default delay is 5 s, so its latency is up to ~5 s by
 * construction; not measured.)
 *
 * <p>Latency = the receiver's clock when the decoded request reaches its handler minus the span's
 * end timestamp, both from the SDK's default clock in this one JVM. Only spans that end inside the
 * measurement window count: the window starts after a warm-up of two schedule delays (the batch
 * processor's timer in its steady state) and spans keep coming for two delays after it, so every
 * counted span left through a regular scheduled export, none through the final flush.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp otel-toolkit-benchmarks/target/benchmarks.jar \
 *     dev.oteltoolkit.benchmarks.pipeline.ExportLatency --out export-latency.json [--quick]
 * </pre>
 */
public final class ExportLatency {

  private final PipelineReport report;
  private final List<Transport> transports;
  private final int threads;
  private final double rate;
  private final Duration warmup;
  private final Duration window;

  private ExportLatency(PipelineOptions options) {
    this.transports = options.transports("transports");
    this.report = new PipelineReport("export-latency", ExportLatency.class, options);
    this.threads = options.positiveInt("threads");
    this.rate = options.positiveDouble("rate");
    this.warmup = options.duration("warmup");
    this.window = options.duration("window");
  }

  /**
   * Runs the measure.
   *
   * @param args {@code --out FILE [--quick]} and the options printed by {@code --help}
   */
  public static void main(String[] args) {
    PipelineEnvironment.exportMeasure();
    PipelineOptions options =
        new PipelineOptions("ExportLatency")
            .option(
                "transports",
                "grpc,http/protobuf",
                "grpc,http/protobuf",
                "comma-separated OTLP transports")
            .option("threads", "2", "2", "producer threads")
            .option("rate", "500", "500", "spans per second, all threads together")
            .option(
                "warmup",
                "2s",
                "300ms",
                "unmeasured time before the window (plus two schedule delays)")
            .option("window", "10s", "1500ms", "measurement window per configuration")
            .parse(args);
    PipelineOptions.orExit("ExportLatency", () -> new ExportLatency(options)).run();
  }

  private void run() {
    Map<String, Object> settings = report.settings();
    settings.put("transports", transports.stream().map(Transport::protocol).toList());
    settings.put("producerThreads", threads);
    settings.put("rate", rate);
    settings.put("warmupSeconds", warmup.toMillis() / 1e3);
    settings.put("windowSeconds", window.toMillis() / 1e3);
    settings.put("toolkitDefaults", Config.TOOLKIT_DEFAULTS.describe(Kind.TOOLKIT));
    settings.put("garbageCollectors", PipelineEnvironment.garbageCollectors());

    for (Transport transport : transports) {
      try (ExportReceiver receiver = ExportReceiver.start(transport)) {
        // unmeasured: loads and compiles both paths before the first measured configuration
        Config toolkitDefaults =
            new Config(
                "toolkit-defaults",
                Config.TOOLKIT_DEFAULTS.maxQueueSize(),
                Config.TOOLKIT_DEFAULTS.maxExportBatchSize(),
                Config.TOOLKIT_DEFAULTS.scheduleDelayMillis());
        for (Kind kind : Kind.values()) {
          measure(receiver, transport, kind, toolkitDefaults, false);
        }
        Map<String, Object> ours = null;
        Map<String, Object> raw = null;
        for (Object[] pair :
            new Object[][] {{Kind.TOOLKIT, Config.defaults()}, {Kind.RAW, toolkitDefaults}}) {
          Kind kind = (Kind) pair[0];
          Config config = (Config) pair[1];
          Map<String, Object> result = measure(receiver, transport, kind, config, true);
          report.result(result);
          if (kind == Kind.TOOLKIT) {
            ours = result;
          } else if (kind == Kind.RAW) {
            raw = result;
          }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) ours.get("latencyMillis");
        @SuppressWarnings("unchecked")
        Map<String, Object> rawLatency = (Map<String, Object>) raw.get("latencyMillis");
        report.goal(
            "export latency, "
                + transport
                + ", default settings (schedule delay "
                + Config.TOOLKIT_DEFAULTS.scheduleDelayMillis()
                + " ms): toolkit p95 from span end to the receiver",
            (Double) latency.get("p95"),
            "ms",
            "<",
            100,
            map(
                "p50",
                latency.get("p50"),
                "max",
                latency.get("max"),
                "rawSdkSameSettingsP95",
                rawLatency.get("p95")));
        if (receiver.undecodableRequests() > 0 || receiver.foreignSpans() > 0) {
          report.note(
              transport
                  + ": "
                  + receiver.undecodableRequests()
                  + " undecodable requests, "
                  + receiver.foreignSpans()
                  + " spans of no known run");
        }
      }
    }
    report.write();
  }

  private Map<String, Object> measure(
      ExportReceiver receiver, Transport transport, Kind kind, Config config, boolean measured) {
    long delay = config.effective(kind).scheduleDelayMillis();
    Duration before = warmup.plusMillis(2 * delay);
    Duration after = Duration.ofMillis(2 * delay + 300);
    Duration span = measured ? window : Duration.ofMillis(Math.min(window.toMillis(), 1000));
    System.gc();
    ExportReceiver.Run run = receiver.newRun(kind.label + "-" + config.name());
    ExportPipeline pipeline = ExportPipeline.create(kind, config, transport, receiver, run);
    long start = Clock.getDefault().now();
    run.recordLatencies(start + before.toNanos(), start + before.plus(span).toNanos());
    Produced produced =
        ExportProducers.run(threads, rate, before.plus(span).plus(after), pipeline::span);
    boolean flushed = pipeline.close();
    long received = run.received();
    Map<String, Object> result = map("transport", transport.protocol(), "pipeline", kind.label);
    result.putAll(config.describe(kind));
    result.put("rate", rate);
    result.put("producedRate", produced.rate());
    result.put("windowSeconds", span.toMillis() / 1e3);
    result.put("produced", produced.produced());
    result.put("received", received);
    result.put("lost", produced.produced() - received);
    result.put("flushedInTime", flushed);
    result.put("latencyMillis", run.latencies().summaryMillis());
    if (measured) {
      System.err.println(
          String.format(
              Locale.ROOT,
              "%s %s %s (delay %d ms): %s",
              transport,
              kind.label,
              config.name(),
              delay,
              result.get("latencyMillis")));
      if (produced.produced() != received) {
        report.note(
            transport
                + " "
                + kind.label
                + " "
                + config.name()
                + ": "
                + (produced.produced() - received)
                + " spans lost at "
                + rate
                + " spans/s");
      }
    }
    return result;
  }
}
