package dev.oteltoolkit.benchmarks.pipeline;

import static dev.oteltoolkit.benchmarks.pipeline.PipelineReport.map;

import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Config;
import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Kind;
import dev.oteltoolkit.benchmarks.pipeline.ExportProducers.Produced;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;

/**
 * The export ceiling: how many spans per second the producer side can export over OTLP with nothing
 * dropped, and what each exported span costs it in CPU, for the toolkit ({@code Telemetry.setup()}
 * + {@code traced()}) and a raw SDK pipeline with the same batch settings, against a receiver that
 * reads and discards the bytes ({@link DiscardingReceiver}, in its own JVM, so neither its decoding
 * nor its CPU is in the figures).
 *
 * <p>Per transport and side: a search for the highest rate with 0 dropped (as {@link
 * ExportThroughput}: a probe, then fixed-rate steps doubling and bisecting, each a fresh pipeline
 * closed at its end; dropped = produced − counted by the receiver), a step at one common rate for
 * both sides to compare CPU per exported span (the process's CPU time, all threads, from the first
 * span to the end of the flush that follows the last, over the spans exported, without the
 * pipeline's setup and shutdown; and the producer threads' share: span start, end and enqueue), and
 * a profile of the highest zero-drop rate (a JFR recording of execution samples, broken down by
 * {@link JfrProfile}).
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp otel-toolkit-benchmarks/target/benchmarks.jar \
 *     dev.oteltoolkit.benchmarks.pipeline.ExportCeiling --out export-ceiling.json [--quick]
 * </pre>
 */
public final class ExportCeiling {

  private final PipelineReport report;
  private final List<Transport> transports;
  private final int threads;
  private final Duration warmup;
  private final Duration probe;
  private final Duration step;
  private final Duration profile;
  private final int maxSteps;
  private final double cpuRate;
  private final Config config;

  private ExportCeiling(PipelineOptions options) {
    this.transports = options.transports("transports");
    this.report = new PipelineReport("export-ceiling", ExportCeiling.class, options);
    this.threads = options.positiveInt("threads");
    this.warmup = options.duration("warmup");
    this.probe = options.duration("probe");
    this.step = options.duration("step");
    this.profile = options.duration("profile");
    this.maxSteps = options.positiveInt("steps");
    this.cpuRate = options.positiveDouble("cpu-rate");
    this.config =
        new Config(
            "ceiling",
            options.positiveInt("queue"),
            options.positiveInt("batch"),
            options.duration("delay").toMillis());
    if (config.maxExportBatchSize() > config.maxQueueSize()) {
      throw new IllegalArgumentException("--batch must not be larger than --queue");
    }
  }

  /**
   * Runs the measure.
   *
   * @param args {@code --out FILE [--quick]} and the options printed by {@code --help}
   */
  public static void main(String[] args) {
    PipelineEnvironment.exportMeasure();
    PipelineOptions options =
        new PipelineOptions("ExportCeiling")
            .option(
                "transports",
                "http/protobuf,grpc",
                "http/protobuf,grpc",
                "comma-separated OTLP transports")
            .option("threads", "2", "2", "producer threads")
            .option("queue", "65536", "65536", "OTEL_BSP_MAX_QUEUE_SIZE of both sides")
            .option("batch", "8192", "8192", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE of both sides")
            .option("delay", "50ms", "50ms", "OTEL_BSP_SCHEDULE_DELAY of both sides")
            .option("warmup", "4s", "1s", "unmeasured warm-up per side and transport")
            .option("probe", "2s", "500ms", "capacity probe per search")
            .option("step", "3s", "700ms", "duration of each fixed-rate step")
            .option("steps", "6", "3", "fixed-rate steps per search, at most")
            .option(
                "cpu-rate",
                "50000",
                "50000",
                "the common rate (spans/s) at which both sides' CPU per span is compared")
            .option("profile", "3s", "1s", "JFR profile at the highest zero-drop rate")
            .parse(args);
    PipelineOptions.orExit("ExportCeiling", () -> new ExportCeiling(options)).run();
  }

  private void run() {
    Map<String, Object> settings = report.settings();
    settings.put("transports", transports.stream().map(Transport::protocol).toList());
    settings.put("producerThreads", threads);
    settings.put("config", config.describe(Kind.TOOLKIT));
    settings.put("warmupSeconds", warmup.toMillis() / 1e3);
    settings.put("probeSeconds", probe.toMillis() / 1e3);
    settings.put("stepSeconds", step.toMillis() / 1e3);
    settings.put("maxSteps", maxSteps);
    settings.put("cpuRate", cpuRate);
    settings.put(
        "receiver",
        "DiscardingReceiver in its own JVM: bytes read and discarded, spans"
            + " counted by skipping length-delimited fields");
    settings.put("garbageCollectors", PipelineEnvironment.garbageCollectors());

    for (Transport transport : transports) {
      try (Child receiver = Child.start(transport)) {
        for (Kind kind : Kind.values()) {
          log("%s %s: warm-up %d ms", transport, kind.label, warmup.toMillis());
          step(receiver, transport, kind, 0, warmup, false);
        }
        Map<Kind, Step> common = new EnumMap<>(Kind.class);
        Map<Kind, Double> best = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
          Map<String, Object> result =
              map("transport", transport.protocol(), "pipeline", kind.label);
          result.putAll(config.describe(kind));
          Step atCommonRate = step(receiver, transport, kind, cpuRate, step, false);
          common.put(kind, atCommonRate);
          result.put("atCommonRate", atCommonRate.describe());
          log(
              "%s %s: at %.0f spans/s: %.0f ns CPU per span (producers %.0f), %d dropped",
              transport,
              kind.label,
              cpuRate,
              atCommonRate.cpuNanosPerSpan(),
              atCommonRate.producerCpuNanosPerSpan(),
              atCommonRate.dropped());
          Step bestStep = search(receiver, transport, kind, result);
          best.put(kind, bestStep == null ? null : bestStep.produced.rate());
          double profileRate = bestStep == null ? 0 : bestStep.produced.targetRate();
          Step profiled = step(receiver, transport, kind, profileRate, profile, true);
          result.put("profile", profiled.describe());
          report.result(result);
        }
        Double ours = best.get(Kind.TOOLKIT);
        Double raw = best.get(Kind.RAW);
        report.goal(
            "export ceiling, "
                + transport
                + ": toolkit, highest rate with 0 dropped (discarding"
                + " receiver)",
            ours,
            "spans/s",
            ">=",
            200_000,
            map("rawSdkSameSettings", raw, "config", config.describe(Kind.TOOLKIT)));
        report.comparison(
            "export ceiling, "
                + transport
                + ": raw SDK pipeline, same settings, highest rate"
                + " with 0 dropped",
            raw,
            "spans/s",
            map());
        Step a = common.get(Kind.TOOLKIT);
        Step b = common.get(Kind.RAW);
        report.comparison(
            "export ceiling, "
                + transport
                + ": producer CPU per exported span at "
                + String.format(Locale.ROOT, "%.0f", cpuRate)
                + " spans/s, toolkit ÷ raw SDK",
            a.cpuNanosPerSpan() / b.cpuNanosPerSpan(),
            "ratio",
            map(
                "toolkitNanosPerSpan", a.cpuNanosPerSpan(),
                "toolkitProducerThreadsNanosPerSpan", a.producerCpuNanosPerSpan(),
                "rawNanosPerSpan", b.cpuNanosPerSpan(),
                "rawProducerThreadsNanosPerSpan", b.producerCpuNanosPerSpan()));
      }
    }
    report.write();
  }

  /** The highest rate with 0 dropped, or null when even the lowest rate dropped. */
  private Step search(
      ExportChild receiver, Transport transport, Kind kind, Map<String, Object> result) {
    String label = transport + " " + kind.label;
    Step probeStep = step(receiver, transport, kind, 0, probe, false);
    double capacity = probeStep.received / probeStep.produced.seconds();
    log(
        "%s: probe %.0f spans/s received of %.0f produced",
        label, capacity, probeStep.produced.rate());
    result.put("probe", probeStep.describe());
    List<Object> steps = new ArrayList<>();
    double lo = 0;
    double hi = Double.NaN;
    Step best = null;
    boolean producerLimited = false;
    double rate = Math.max(1000, 0.8 * capacity);
    for (int i = 0; i < maxSteps; i++) {
      Step s = step(receiver, transport, kind, rate, step, false);
      steps.add(s.describe());
      log(
          "%s: %.0f spans/s asked, %.0f produced, %d dropped, %.0f ns CPU per span%s",
          label,
          rate,
          s.produced.rate(),
          s.dropped(),
          s.cpuNanosPerSpan(),
          s.produced.producerLimited() ? " (producer-limited)" : "");
      if (s.dropped() == 0) {
        if (best == null || s.produced.rate() > best.produced.rate()) {
          best = s;
        }
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
    result.put("maxZeroDropRate", best == null ? null : best.produced.rate());
    result.put("best", best == null ? null : best.describe());
    result.put("producerLimited", producerLimited);
    result.put("lowestDroppingRate", Double.isNaN(hi) ? null : hi);
    result.put("steps", steps);
    log(
        "%s: highest rate with 0 dropped %s",
        label,
        best == null ? "none" : String.format(Locale.ROOT, "%.0f spans/s", best.produced.rate()));
    return best;
  }

  /** One fresh pipeline at {@code rate} (0: unlimited), optionally profiled. */
  private Step step(
      ExportChild receiver,
      Transport transport,
      Kind kind,
      double rate,
      Duration duration,
      boolean profiled) {
    System.gc();
    long before = receiver.spans();
    ExportPipeline pipeline =
        ExportPipeline.create(kind, config, transport, receiver.endpoint(), "ceiling");
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Recording recording = null;
    if (profiled) {
      recording = new Recording();
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
      recording.start();
    }
    long cpuStart = os.getProcessCpuTime();
    Produced produced = ExportProducers.run(threads, rate, duration, pipeline::span);
    boolean flushed = pipeline.flush();
    long cpu = os.getProcessCpuTime() - cpuStart; // the spans' whole way out, not the shutdown
    flushed &= pipeline.close();
    Map<String, Object> breakdown = null;
    if (recording != null) {
      recording.stop();
      try {
        Path file = Files.createTempFile("export-ceiling-", ".jfr");
        recording.dump(file);
        breakdown = JfrProfile.summarize(file);
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        recording.close();
      }
    }
    long received = receiver.spans() - before;
    if (!flushed) {
      report.note(
          transport
              + " "
              + kind.label
              + ": close() did not finish exporting within "
              + ExportPipeline.CLOSE_TIMEOUT);
    }
    return new Step(produced, received, cpu, breakdown);
  }

  private static void log(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }

  /** One step's outcome. */
  private record Step(
      Produced produced, long received, long cpuNanos, Map<String, Object> profile) {

    long dropped() {
      return produced.produced() - received;
    }

    double cpuNanosPerSpan() {
      return received == 0 ? Double.NaN : (double) cpuNanos / received;
    }

    double producerCpuNanosPerSpan() {
      return received == 0 ? Double.NaN : (double) produced.producerCpuNanos() / received;
    }

    Map<String, Object> describe() {
      Map<String, Object> described =
          map(
              "targetRate", produced.targetRate() > 0 ? produced.targetRate() : null,
              "seconds", produced.seconds(),
              "produced", produced.produced(),
              "producedRate", produced.rate(),
              "received", received,
              "dropped", dropped(),
              "producerLimited", produced.producerLimited(),
              "processCpuNanosPerSpan", cpuNanosPerSpan(),
              "producerThreadsCpuNanosPerSpan", producerCpuNanosPerSpan(),
              "exportPathCpuNanosPerSpan", cpuNanosPerSpan() - producerCpuNanosPerSpan());
      if (profile != null) {
        described.put("jfr", profile);
      }
      return described;
    }
  }

  /** What the measure needs of the receiver. */
  interface ExportChild {
    String endpoint();

    long spans();
  }

  /** The {@link DiscardingReceiver} in its own JVM. */
  private static final class Child implements ExportChild, AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final String endpoint;

    private Child(Process process, Transport transport) throws IOException {
      this.process = process;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
        System.err.println("[receiver] " + line);
      }
      if (line == null) {
        throw new IllegalStateException("the discarding receiver exited before it was ready");
      }
      this.endpoint = "http://127.0.0.1:" + line.substring(6).trim();
    }

    static Child start(Transport transport) {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xms256m",
              "-Xmx256m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              System.getProperty("java.class.path"),
              DiscardingReceiver.class.getName(),
              "--transport",
              transport.protocol());
      try {
        Process process =
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Child(process, transport);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the discarding receiver", e);
      }
    }

    @Override
    public String endpoint() {
      return endpoint;
    }

    @Override
    public long spans() {
      try {
        in.write("COUNT\n");
        in.flush();
        String line = out.readLine();
        if (line == null || !line.startsWith("COUNT ")) {
          throw new IllegalStateException("the discarding receiver answered " + line);
        }
        return Long.parseLong(line.split(" ")[1]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException | InterruptedException e) {
        process.destroyForcibly();
      }
    }
  }
}
