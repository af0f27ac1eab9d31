package dev.oteltoolkit.benchmarks.pipeline;

import static dev.oteltoolkit.benchmarks.pipeline.PipelineReport.map;

import dev.oteltoolkit.benchmarks.pipeline.RequestOverhead.ServiceOutput;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stack comparison: the same service ({@link StackService}: an HTTP route, one SQL query, one
 * chat completion through the OpenAI Java SDK, 5 log lines) with telemetry off, with the toolkit,
 * with the OpenTelemetry Java agent and with the same telemetry written by hand on the SDK
 * (autoconfigure), each telemetry stack at 10% and 100% sampling, all exporting OTLP/gRPC to one
 * receiver in this JVM. Answers "the agent, the toolkit or our own SDK setup?" with, per
 * configuration: p50/p95/p99 latency, the service process's CPU time per request (all its threads:
 * handlers, exporter, JIT, GC), allocation per request, heap after a full GC, and startup: from the
 * service JVM's launch to its first request served and to its first span received.
 *
 * <p>Each configuration runs in a fresh service JVM (same JDK, class path and heap options); the
 * configurations are interleaved in rounds, each round in a rotated order, so that drift of the
 * machine hits all alike; goals are judged on the median over rounds. This JVM runs the open-loop
 * load generator ({@link RequestOverheadLoad}), the OTLP receiver (which decodes every request and
 * tallies span names per run) and the fake OpenAI server, so none of their work is counted as the
 * service's.
 *
 * <p>The agent runs with its defaults except: OTLP over gRPC to the receiver, the same sampler, no
 * log export and no Logback appender capture (the other stacks put ids in the MDC and export no log
 * records), and no OkHttp client spans (the OpenAI SDK's transport; the other stacks do not trace
 * it). Every stack keeps its own batch and metric defaults, as a user gets them.
 *
 * <pre>
 * java -cp otel-toolkit-benchmarks/target/benchmarks.jar \
 *     dev.oteltoolkit.benchmarks.pipeline.StackComparison --out stack-comparison.json [--quick]
 * </pre>
 *
 * <p>The agent's jar is fetched by the module's build into {@code target/agent/} ({@code mvn -pl
 * otel-toolkit-benchmarks -am package}).
 */
public final class StackComparison {

  /** The service name of every stack. */
  static final String SERVICE_NAME = "stack-comparison";

  /** Spans per sampled request every stack produces: SERVER, the query, the chat call. */
  static final int SPANS_PER_REQUEST = 3;

  private static final String OFF = "off";
  private static final List<String> STACKS = List.of("toolkit", "agent", "sdk");

  private final PipelineReport report;
  private final int rounds;
  private final double rate;
  private final Duration warmup;
  private final Duration duration;
  private final Duration settle = Duration.ofMillis(300);
  private final List<String> serverJvmArgs;
  private final List<Double> ratios;
  private final List<String> stacks;
  private final Path agent;
  private final Path jfr;

  private StackComparison(PipelineOptions options) {
    this.report = new PipelineReport("stack-comparison", StackComparison.class, options);
    this.rounds = options.positiveInt("rounds");
    this.rate = options.positiveDouble("rate");
    this.warmup = options.duration("warmup");
    this.duration = options.duration("duration");
    this.serverJvmArgs = List.of(options.string("server-jvm-args").trim().split("\\s+"));
    this.ratios = new ArrayList<>();
    for (String ratio : options.string("ratios").split(",")) {
      double value;
      try {
        value = Double.parseDouble(ratio.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--ratios " + ratio + ": not a number");
      }
      if (!(value > 0 && value <= 1)) {
        throw new IllegalArgumentException("--ratios " + ratio + ": must be in (0, 1]");
      }
      ratios.add(value);
    }
    this.stacks = new ArrayList<>();
    for (String stack : options.string("stacks").split(",")) {
      if (!STACKS.contains(stack.trim())) {
        throw new IllegalArgumentException("--stacks " + stack + ": must be among " + STACKS);
      }
      stacks.add(stack.trim());
    }
    String jfrOption = options.string("jfr");
    this.jfr = jfrOption.isEmpty() ? null : Path.of(jfrOption);
    String agentOption = options.string("agent");
    this.agent = agentOption.isEmpty() ? defaultAgent() : Path.of(agentOption);
    if (stacks.contains("agent") && !Files.isRegularFile(agent)) {
      throw new IllegalArgumentException(
          "--agent "
              + agent
              + ": no such file; build the module"
              + " (mvn -pl otel-toolkit-benchmarks -am package) or pass the agent's jar");
    }
  }

  /**
   * Runs the comparison.
   *
   * @param args {@code --out FILE [--quick]} and the options printed by {@code --help}
   */
  public static void main(String[] args) throws Exception {
    PipelineEnvironment.mdcBridgeOff(); // this JVM only drives and receives
    PipelineEnvironment.requireNoOtelSettings();
    PipelineEnvironment.serverDefaults();
    PipelineEnvironment.quietLogback();
    PipelineOptions options =
        new PipelineOptions("StackComparison")
            .option("rate", "300", "200", "requests per second, open loop")
            .option(
                "rounds",
                "3",
                "1",
                "rounds of all configurations, interleaved; goals use the median over rounds")
            .option("warmup", "12s", "4s", "unmeasured load before the window, per config")
            .option("duration", "20s", "5s", "measurement window per config")
            .option("ratios", "0.1,1.0", "0.1,1.0", "sampling ratios of the telemetry stacks")
            .option(
                "stacks",
                "toolkit,agent,sdk",
                "toolkit,agent,sdk",
                "telemetry stacks compared with off")
            .option(
                "jfr",
                "",
                "",
                "a directory: each service JVM records a JFR profile of its measurement window"
                    + " there, summarized per configuration in the results (default: none)")
            .option(
                "agent",
                "",
                "",
                "the OpenTelemetry Java agent's jar (default: target/agent/ beside this jar)")
            .option(
                "server-jvm-args",
                RequestOverhead.SERVER_JVM_ARGS,
                RequestOverhead.SERVER_JVM_ARGS,
                "JVM options of each service JVM, space-separated")
            .parse(args);
    PipelineOptions.orExit("StackComparison", () -> new StackComparison(options)).run();
  }

  private static Path defaultAgent() {
    try {
      Path jar =
          Path.of(
              StackComparison.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // target/benchmarks.jar, or target/classes when run from the IDE: target/agent/ either way
      return jar.getParent().resolve("agent").resolve("opentelemetry-javaagent.jar");
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("otel-toolkit-benchmarks/target/agent/opentelemetry-javaagent.jar");
    }
  }

  /** One configuration: a stack and its sampling ratio (none when off). */
  private record Config(String stack, Double ratio) {
    String label() {
      return ratio == null ? stack : stack + "-" + percent(ratio);
    }
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
  }

  private void run() throws Exception {
    Map<String, Object> settings = report.settings();
    settings.put("rounds", rounds);
    settings.put("rate", rate);
    settings.put("warmupSeconds", warmup.toMillis() / 1e3);
    settings.put("durationSeconds", duration.toMillis() / 1e3);
    settings.put("serverJvmArgs", serverJvmArgs);
    settings.put("serverHandlerThreads", 4);
    settings.put("transport", Transport.GRPC.protocol());
    settings.put("samplingRatios", ratios);
    settings.put("stacks", stacks);
    settings.put("spansPerSampledRequest", SPANS_PER_REQUEST);
    settings.put("logLinesPerRequest", StackService.LOG_LINES_PER_REQUEST);
    settings.put("agent", agent.toString());
    settings.put("agentSettings", agentProperties(0.1, "ENDPOINT", "RUN"));

    List<Config> configs = new ArrayList<>();
    configs.add(new Config(OFF, null));
    for (double ratio : ratios) {
      for (String stack : stacks) {
        configs.add(new Config(stack, ratio));
      }
    }
    Map<String, List<Map<String, Object>>> results = new LinkedHashMap<>();
    try (ExportReceiver receiver = ExportReceiver.start(Transport.GRPC);
        FakeOpenAiServer openAi = FakeOpenAiServer.start()) {
      System.err.println("warming up the load generator against a service with telemetry off");
      measure(receiver, openAi, new Config(OFF, null), "driver-warmup", Duration.ofSeconds(1));
      for (int round = 1; round <= rounds; round++) {
        for (int i = 0; i < configs.size(); i++) {
          Config config = configs.get((i + round - 1) % configs.size());
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("round", round);
          result.putAll(measure(receiver, openAi, config, config.label(), duration));
          report.result(result);
          results.computeIfAbsent(config.label(), k -> new ArrayList<>()).add(result);
        }
      }
      if (receiver.undecodableRequests() > 0 || receiver.foreignSpans() > 0) {
        report.note(
            receiver.undecodableRequests()
                + " undecodable requests, "
                + receiver.foreignSpans()
                + " spans of no known run");
      }
    }
    summarize(configs, results);
    report.write();
  }

  private List<String> agentProperties(double ratio, String endpoint, String run) {
    return List.of(
        "-Dotel.service.name=" + SERVICE_NAME,
        "-Dotel.resource.attributes=" + ExportReceiver.RUN_KEY + "=" + run,
        "-Dotel.exporter.otlp.protocol=grpc",
        "-Dotel.exporter.otlp.endpoint=" + endpoint,
        "-Dotel.traces.sampler=parentbased_traceidratio",
        "-Dotel.traces.sampler.arg=" + ratio,
        "-Dotel.logs.exporter=none",
        "-Dotel.instrumentation.logback-appender.enabled=false",
        "-Dotel.instrumentation.okhttp.enabled=false");
  }

  private Map<String, Object> measure(
      ExportReceiver receiver,
      FakeOpenAiServer openAi,
      Config config,
      String label,
      Duration window)
      throws Exception {
    ExportReceiver.Run run = receiver.newRun(label);
    run.tallyShapes();
    double ratio = config.ratio() == null ? 1.0 : config.ratio();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(serverJvmArgs);
    Path recording = null;
    if (jfr != null) {
      Files.createDirectories(jfr);
      recording = jfr.resolve(run.id.replace("%", "pct") + ".jfr").toAbsolutePath();
    }
    if (config.stack().equals("agent")) {
      command.add("-javaagent:" + agent);
      command.addAll(agentProperties(ratio, receiver.endpoint(), run.id));
    }
    if (!config.stack().equals("toolkit")) {
      command.add("-D" + PipelineEnvironment.MDC_ENABLED + "=false");
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            StackService.class.getName(),
            "--stack",
            config.stack(),
            "--sampling",
            String.valueOf(ratio),
            "--endpoint",
            receiver.endpoint(),
            "--run",
            run.id,
            "--openai",
            openAi.baseUrl()));
    if (recording != null) {
      command.addAll(List.of("--jfr", recording.toString()));
    }
    System.err.println(label + ": starting the service: " + String.join(" ", command));
    long launched = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ServiceOutput output = new ServiceOutput(process, label);
    try {
      int port = Integer.parseInt(output.await("READY ", Duration.ofSeconds(120)));
      long ready = System.nanoTime();
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      RequestOverhead.call(client, port, StackService.ROUTE + "?id=1");
      long firstResponse = System.nanoTime();
      RequestOverheadLoad load = new RequestOverheadLoad(client, port, rate);
      load.start();
      Thread.sleep(warmup.toMillis());
      RequestOverhead.call(client, port, "/mark");
      load.record(window);
      Thread.sleep(window.plus(settle).toMillis());
      Map<String, String> stats =
          RequestOverhead.parse(RequestOverhead.call(client, port, "/stats"));
      load.stop(Duration.ofSeconds(30));
      RequestOverhead.call(client, port, "/stop");
      Map<String, String> stopped =
          RequestOverhead.parse(
              output.await("STOPPED ", Duration.ofSeconds(60)).replace(' ', '\n'));
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(label + ": the service did not exit");
      }
      if (load.errors() > 0) {
        throw new IllegalStateException(
            label + ": " + load.errors() + " requests failed", load.firstError());
      }
      long firstSpan = run.firstArrivalNanos();
      long spans = run.received();
      long handledTotal = Long.parseLong(stopped.get("handled")); // the first request too
      boolean telemetry = !config.stack().equals(OFF);
      if (!telemetry && spans != 0) {
        throw new IllegalStateException(
            label + ": telemetry is off but " + spans + " spans arrived");
      }
      if (telemetry && spans == 0) {
        throw new IllegalStateException(label + ": no span arrived");
      }
      Map<String, Long> shapes = run.shapes();
      if (telemetry && ratio == 1.0) {
        checkShapes(label, shapes, handledTotal);
      }

      long handled = Long.parseLong(stats.get("handled"));
      long logEvents = Long.parseLong(stats.get("logEvents"));
      long logEventsWithTraceId = Long.parseLong(stats.get("logEventsWithTraceId"));
      // requests in flight at the window's edges log on either side of it: only the ids count
      if (logEventsWithTraceId != (telemetry ? logEvents : 0)) {
        report.note(
            label
                + ": "
                + logEventsWithTraceId
                + " of "
                + logEvents
                + " log events had a trace_id in the MDC");
      }
      double seconds = Double.parseDouble(stats.get("seconds"));
      long cpuNanos = Long.parseLong(stats.get("cpuNanos"));
      long allocated = Long.parseLong(stats.get("allocatedBytes"));
      Map<String, Object> server = new LinkedHashMap<>();
      server.put("handledInWindow", handled);
      server.put("windowSeconds", seconds);
      server.put("cpuMicrosPerRequest", handled > 0 ? cpuNanos / 1e3 / handled : null);
      server.put("cpuCoresBusy", cpuNanos / 1e9 / seconds);
      server.put("allocatedBytesPerRequest", handled > 0 ? (double) allocated / handled : null);
      server.put("allocationMethod", stats.get("allocationMethod"));
      server.put("heapAfterGcBytes", Long.parseLong(stats.get("heapAfterGcBytes")));
      server.put("heapAfterGcMiB", Long.parseLong(stats.get("heapAfterGcBytes")) / 1048576.0);
      server.put("gcCollector", stats.get("gcCollector"));
      server.put("threads", Long.parseLong(stats.get("threads")));
      server.put("loadedClasses", Long.parseLong(stats.get("loadedClasses")));
      server.put("logEventsInWindow", logEvents);
      server.put("logEventsWithTraceIdInWindow", logEventsWithTraceId);
      server.put("handledTotal", handledTotal);
      server.put("flushedAtStop", stopped.get("flushed"));

      Map<String, Object> startup = new LinkedHashMap<>();
      startup.put("readyMillis", (ready - launched) / 1e6);
      startup.put("firstResponseMillis", (firstResponse - launched) / 1e6);
      startup.put("firstSpanMillis", firstSpan == 0 ? null : (firstSpan - launched) / 1e6);

      PipelineSamples samples = load.samples();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("config", label);
      result.put("stack", config.stack());
      result.put("samplingRatio", config.ratio());
      result.put("rate", rate);
      result.put("sent", load.sent());
      result.put("recorded", samples.size());
      result.put("errors", load.recordedErrors());
      result.put("achievedRate", samples.size() / (window.toMillis() / 1e3));
      result.put("latencyMillis", samples.summaryMillis());
      result.put("server", server);
      result.put("startup", startup);
      result.put("spansReceived", spans);
      result.put("spansPerRequest", (double) spans / handledTotal);
      result.put("spanShapes", shapes);
      if (recording != null && Files.isRegularFile(recording)) {
        result.put(
            "jfr", map("file", recording.toString(), "profile", JfrProfile.summarize(recording)));
      }
      System.err.println(
          String.format(
              Locale.ROOT,
              "%s: %s, %s µs CPU/request, %s B/request, heap after GC %.1f MiB, first response"
                  + " %.0f ms, first span %s ms, %.2f spans/request",
              label,
              result.get("latencyMillis"),
              server.get("cpuMicrosPerRequest"),
              server.get("allocatedBytesPerRequest"),
              Long.parseLong(stats.get("heapAfterGcBytes")) / 1048576.0,
              (firstResponse - launched) / 1e6,
              startup.get("firstSpanMillis"),
              (double) spans / handledTotal));
      return result;
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * At 100% every stack must deliver the same telemetry: a SERVER span, a query span and a chat
   * span for every request (noted, not fatal, so one stack's gap does not hide the others).
   */
  private void checkShapes(String label, Map<String, Long> shapes, long requests) {
    long server = 0;
    long query = 0;
    long chat = 0;
    for (Map.Entry<String, Long> shape : shapes.entrySet()) {
      String name = shape.getKey();
      if (name.startsWith("SERVER ") && name.contains(StackService.ROUTE)) {
        server += shape.getValue();
      } else if (name.startsWith("CLIENT SELECT")) { // the agent names it SELECT db.orders
        query += shape.getValue();
      } else if (name.contains(" chat ")) { // the agent's chat span is INTERNAL
        chat += shape.getValue();
      }
    }
    if (server < requests || query < requests || chat < requests) {
      report.note(
          String.format(
              Locale.ROOT,
              "%s: for %d requests the receiver got %d SERVER"
                  + " spans of %s, %d query spans and %d chat spans; all span names: %s",
              label,
              requests,
              server,
              StackService.ROUTE,
              query,
              chat,
              shapes));
    }
  }

  /** The per-configuration medians (the table) and the goals. */
  private void summarize(List<Config> configs, Map<String, List<Map<String, Object>>> results) {
    List<Object> table = new ArrayList<>();
    Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
    for (Config config : configs) {
      List<Map<String, Object>> rows = results.get(config.label());
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("p50Millis", median(rows, "latencyMillis", "p50"));
      m.put("p95Millis", median(rows, "latencyMillis", "p95"));
      m.put("p99Millis", median(rows, "latencyMillis", "p99"));
      m.put("cpuMicrosPerRequest", median(rows, "server", "cpuMicrosPerRequest"));
      m.put("allocatedBytesPerRequest", median(rows, "server", "allocatedBytesPerRequest"));
      m.put("heapAfterGcMiB", median(rows, "server", "heapAfterGcMiB"));
      m.put("firstResponseMillis", median(rows, "startup", "firstResponseMillis"));
      m.put("firstSpanMillis", median(rows, "startup", "firstSpanMillis"));
      m.put("spansPerRequest", median(rows, null, "spansPerRequest"));
      medians.put(config.label(), m);
      Map<String, Object> row =
          map(
              "config",
              config.label(),
              "stack",
              config.stack(),
              "samplingRatio",
              config.ratio(),
              "rounds",
              rows.size());
      row.putAll(m);
      table.add(row);
    }
    report
        .settings()
        .put(
            "summaryFigures",
            List.of(
                "p50Millis",
                "p95Millis",
                "p99Millis",
                "cpuMicrosPerRequest",
                "allocatedBytesPerRequest",
                "heapAfterGcMiB",
                "firstResponseMillis",
                "firstSpanMillis",
                "spansPerRequest"));
    report.summary(table);

    Map<String, Double> off = medians.get(OFF);
    String[][] figures = {
      {"p50Millis", "p50 latency"},
      {"p95Millis", "p95 latency"},
      {"p99Millis", "p99 latency"},
      {"cpuMicrosPerRequest", "CPU time per request"},
      {"allocatedBytesPerRequest", "allocation per request"},
      {"heapAfterGcMiB", "heap after GC"},
      {"firstResponseMillis", "startup to the first request served"},
      {"firstSpanMillis", "startup to the first span received"},
    };
    for (double ratio : ratios) {
      String at = " at " + percent(ratio) + " sampling";
      Map<String, Double> toolkit = medians.get(new Config("toolkit", ratio).label());
      Map<String, Double> agentFigures = medians.get(new Config("agent", ratio).label());
      Map<String, Double> sdk = medians.get(new Config("sdk", ratio).label());
      if (toolkit != null && agentFigures != null) {
        for (String[] figure : figures) {
          Double ours = toolkit.get(figure[0]);
          Double theirs = agentFigures.get(figure[0]);
          report.goal(
              "toolkit ÷ agent, " + figure[1] + at,
              ratio(ours, theirs),
              "ratio",
              "<=",
              1.0,
              map(
                  "toolkit",
                  ours,
                  "agent",
                  theirs,
                  "sdk",
                  sdk == null ? null : sdk.get(figure[0]),
                  "off",
                  off.get(figure[0])));
        }
        Double oursStart =
            difference(toolkit.get("firstResponseMillis"), off.get("firstResponseMillis"));
        Double agentStart =
            difference(agentFigures.get("firstResponseMillis"), off.get("firstResponseMillis"));
        report.goal(
            "startup overhead to the first request served, toolkit ÷ agent" + at,
            ratio(oursStart, agentStart),
            "ratio",
            "<=",
            0.2,
            map(
                "toolkitExtraMillis",
                oursStart,
                "agentExtraMillis",
                agentStart,
                "offMillis",
                off.get("firstResponseMillis")));
      }
      if (toolkit != null && sdk != null) {
        report.goal(
            "CPU time per request, toolkit ÷ hand-built SDK" + at,
            ratio(toolkit.get("cpuMicrosPerRequest"), sdk.get("cpuMicrosPerRequest")),
            "ratio",
            "<=",
            1.05,
            map(
                "toolkitMicros", toolkit.get("cpuMicrosPerRequest"),
                "sdkMicros", sdk.get("cpuMicrosPerRequest"),
                "offMicros", off.get("cpuMicrosPerRequest")));
      }
    }
  }

  private static Double median(List<Map<String, Object>> rounds, String section, String key) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Object> result : rounds) {
      @SuppressWarnings("unchecked")
      Object value =
          section == null ? result.get(key) : ((Map<String, Object>) result.get(section)).get(key);
      if (!(value instanceof Number number)) {
        return null;
      }
      values.add(number.doubleValue());
    }
    values.sort(null);
    int n = values.size();
    return n == 0
        ? null
        : n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  private static Double ratio(Double a, Double b) {
    return a == null || b == null || b <= 0 ? null : a / b;
  }

  private static Double difference(Double a, Double b) {
    return a == null || b == null ? null : a - b;
  }
}
