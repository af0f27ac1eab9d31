package dev.oteltoolkit.benchmarks.pipeline;

import static dev.oteltoolkit.benchmarks.pipeline.PipelineReport.map;

import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Request overhead and memory: an HTTP service ({@link RequestOverheadServer}: JDK {@code
 * HttpServer}, 3 traced steps, one SQL query on H2 through the JDBC wrapper, one fake LLM call with
 * usage and cost, 5 log lines through SLF4J/Logback with the MDC bridge) driven on loopback at a
 * fixed rate by an open-loop JDK {@code HttpClient} generator ({@link RequestOverheadLoad}), with
 * telemetry off ({@code enabled(false)}, as {@code OTEL_ENABLED=false}), on at 10% sampling and on
 * at 100%. Reports p50/p95/p99 latency, the overhead at p95, the allocation per request and the
 * heap after a full GC at the end of the window.
 *
 * <p>Each configuration runs in its own fresh service JVM (same JDK, same class path, fixed heap,
 * G1), so JIT state, heap and the MDC bridge's activation are never shared between configurations;
 * this JVM runs the load generator and the OTLP/gRPC receiver the services export to (it decodes
 * every request, and checks at 100% that every span of every request arrived). Before the first
 * configuration, an unrecorded run against a service with telemetry off warms this JVM up, so the
 * first configuration measured is not slowed by a cold load generator.
 *
 * <pre>
 * java -cp otel-toolkit-benchmarks/target/benchmarks.jar \
 *     dev.oteltoolkit.benchmarks.pipeline.RequestOverhead --out request-overhead.json [--quick]
 * </pre>
 */
public final class RequestOverhead {

  /** The service JVMs' default options: a fixed, pre-touched heap and G1 on every machine. */
  static final String SERVER_JVM_ARGS = "-Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch";

  private static final String[] CONFIGS = {"off", "on-10%", "on-100%"};
  private static final Double[] SAMPLING = {null, 0.1, 1.0};

  private final PipelineReport report;
  private final int rounds;
  private final double rate;
  private final Duration warmup;
  private final Duration duration;
  private final Duration settle = Duration.ofMillis(300);
  private final List<String> serverJvmArgs;

  private RequestOverhead(PipelineOptions options) {
    this.report = new PipelineReport("request-overhead", RequestOverhead.class, options);
    this.rounds = options.positiveInt("rounds");
    this.rate = options.positiveDouble("rate");
    this.warmup = options.duration("warmup");
    this.duration = options.duration("duration");
    this.serverJvmArgs = List.of(options.string("server-jvm-args").trim().split("\\s+"));
  }

  /**
   * Runs the measure.
   *
   * @param args {@code --out FILE [--quick]} and the options printed by {@code --help}
   */
  public static void main(String[] args) throws Exception {
    PipelineEnvironment.mdcBridgeOff(); // this JVM only drives and receives
    PipelineEnvironment.requireNoOtelSettings();
    PipelineEnvironment.serverDefaults();
    PipelineEnvironment.quietLogback();
    PipelineOptions options =
        new PipelineOptions("RequestOverhead")
            .option("rate", "300", "200", "requests per second, open loop")
            .option(
                "rounds",
                "1",
                "1",
                "rounds of the three configs, interleaved; goals use the median over rounds")
            .option("warmup", "15s", "3s", "unmeasured load before the window, per config")
            .option("duration", "30s", "5s", "measurement window per config")
            .option(
                "server-jvm-args",
                SERVER_JVM_ARGS,
                SERVER_JVM_ARGS,
                "JVM options of each service JVM, space-separated")
            .parse(args);
    PipelineOptions parsed = options;
    PipelineOptions.orExit("RequestOverhead", () -> new RequestOverhead(parsed)).run();
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
    settings.put("spansPerSampledRequest", RequestOverheadApp.SPANS_PER_REQUEST);
    settings.put("logLinesPerRequest", RequestOverheadApp.LOG_LINES_PER_REQUEST);
    settings.put("model", RequestOverheadApp.PROVIDER + "/" + RequestOverheadApp.MODEL);

    Map<String, List<Map<String, Object>>> results = new LinkedHashMap<>();
    try (ExportReceiver receiver = ExportReceiver.start(Transport.GRPC)) {
      // Unrecorded: this JVM's load generator and receiver are cold at first, and would make the
      // first configuration look slower than it is.
      System.err.println("warming up the load generator against a service with telemetry off");
      measure(receiver, "driver-warmup", null, Duration.ofSeconds(1));
      for (int round = 1; round <= rounds; round++) {
        for (int c = 0; c < CONFIGS.length; c++) {
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("round", round);
          result.putAll(measure(receiver, CONFIGS[c], SAMPLING[c], duration));
          report.result(result);
          results.computeIfAbsent(CONFIGS[c], k -> new ArrayList<>()).add(result);
        }
      }
    }
    goals(results);
    report.write();
  }

  private Map<String, Object> measure(
      ExportReceiver receiver, String label, Double sampling, Duration window) throws Exception {
    ExportReceiver.Run run = receiver.newRun(label);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(serverJvmArgs);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            RequestOverheadServer.class.getName(),
            "--telemetry",
            sampling == null ? "off" : "on",
            "--sampling",
            String.valueOf(sampling == null ? 1.0 : sampling),
            "--endpoint",
            receiver.endpoint(),
            "--run",
            run.id));
    System.err.println(label + ": starting the service: " + String.join(" ", command));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ServiceOutput output = new ServiceOutput(process, label);
    try {
      int port = Integer.parseInt(output.await("READY ", Duration.ofSeconds(60)));
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      RequestOverheadLoad load = new RequestOverheadLoad(client, port, rate);
      load.start();
      Thread.sleep(warmup.toMillis());
      call(client, port, "/mark");
      load.record(window);
      Thread.sleep(window.plus(settle).toMillis());
      Map<String, String> stats = parse(call(client, port, "/stats"));
      load.stop(Duration.ofSeconds(30));
      call(client, port, "/stop");
      Map<String, String> stopped =
          parse(output.await("STOPPED ", Duration.ofSeconds(60)).replace(' ', '\n'));
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(label + ": the service did not exit");
      }
      if (load.errors() > 0) {
        throw new IllegalStateException(
            label + ": " + load.errors() + " requests failed", load.firstError());
      }

      long handledTotal = Long.parseLong(stopped.get("handled"));
      long spans = run.received();
      Long expected =
          sampling == null
              ? Long.valueOf(0)
              : sampling == 1.0 ? handledTotal * RequestOverheadApp.SPANS_PER_REQUEST : null;
      if (sampling == null && spans != 0) {
        throw new IllegalStateException(
            label + ": telemetry is off but " + spans + " spans arrived");
      }
      if (expected != null && spans != expected) {
        report.note(
            label
                + ": "
                + spans
                + " spans arrived, "
                + expected
                + " expected ("
                + handledTotal
                + " requests)");
      }
      if (sampling != null && sampling < 1.0 && spans == 0) {
        throw new IllegalStateException(label + ": no span arrived");
      }

      PipelineSamples samples = load.samples();
      long handled = Long.parseLong(stats.get("handled"));
      long allocated = Long.parseLong(stats.get("allocatedBytes"));
      Map<String, Object> server = new LinkedHashMap<>();
      server.put("handledInWindow", handled);
      server.put("windowSeconds", Double.parseDouble(stats.get("seconds")));
      server.put("allocatedBytesPerRequest", handled > 0 ? (double) allocated / handled : null);
      server.put("allocatedBytesPerSecond", allocated / Double.parseDouble(stats.get("seconds")));
      server.put("allocationMethod", stats.get("allocationMethod"));
      server.put("heapAfterGcBytes", Long.parseLong(stats.get("heapAfterGcBytes")));
      server.put("gcCollector", stats.get("gcCollector"));
      server.put("logEventsInWindow", Long.parseLong(stats.get("logEvents")));
      server.put("handledTotal", handledTotal);
      server.put("telemetryFlushedAtStop", Boolean.parseBoolean(stopped.get("flushed")));

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("config", label);
      result.put("telemetry", sampling != null);
      result.put("samplingRatio", sampling);
      result.put("rate", rate);
      result.put("sent", load.sent());
      result.put("recorded", samples.size());
      result.put("errors", load.recordedErrors());
      result.put("achievedRate", samples.size() / (window.toMillis() / 1e3));
      result.put("latencyMillis", samples.summaryMillis());
      result.put("server", server);
      result.put("spansReceived", spans);
      result.put("spansExpected", expected);
      System.err.println(
          label
              + ": "
              + result.get("latencyMillis")
              + ", "
              + server.get("allocatedBytesPerRequest")
              + " B/request, heap after GC "
              + server.get("heapAfterGcBytes")
              + " B, "
              + spans
              + " spans");
      return result;
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  /** The goal rows, each from the median over rounds of the configurations compared. */
  private void goals(Map<String, List<Map<String, Object>>> results) {
    List<Map<String, Object>> off = results.get("off");
    String[][] targets = {{"on-10%", "10% sampling", "5"}, {"on-100%", "100% sampling", "10"}};
    for (String[] target : targets) {
      List<Map<String, Object>> on = results.get(target[0]);
      Map<String, Object> detail = new LinkedHashMap<>();
      for (String p : new String[] {"p50", "p95", "p99"}) {
        detail.put(p + "Millis", median(on, "latencyMillis", p));
        detail.put("off" + p.toUpperCase(Locale.ROOT) + "Millis", median(off, "latencyMillis", p));
      }
      detail.put("p50OverheadPercent", overheadPercent(on, off, "p50"));
      detail.put("p99OverheadPercent", overheadPercent(on, off, "p99"));
      report.goal(
          "request overhead at p95, telemetry on at " + target[1] + " vs off",
          overheadPercent(on, off, "p95"),
          "%",
          "<",
          Double.parseDouble(target[2]),
          detail);
      report.goal(
          "extra p95 latency per request, telemetry on at " + target[1] + " vs off",
          difference(median(on, "latencyMillis", "p95"), median(off, "latencyMillis", "p95")),
          "ms",
          "<",
          5,
          map());
      Double heap = median(on, "server", "heapAfterGcBytes");
      Double offHeap = median(off, "server", "heapAfterGcBytes");
      Double extraHeap = difference(heap, offHeap);
      report.goal(
          "extra heap after GC, telemetry on at " + target[1] + " vs off",
          extraHeap == null ? null : extraHeap / (1024 * 1024),
          "MiB",
          "<",
          10,
          map("heapAfterGcBytes", heap, "offHeapAfterGcBytes", offHeap));
      Double allocation = median(on, "server", "allocatedBytesPerRequest");
      Double offAllocation = median(off, "server", "allocatedBytesPerRequest");
      report.comparison(
          "extra allocation per request, telemetry on at " + target[1] + " vs off",
          difference(allocation, offAllocation),
          "bytes",
          map(
              "allocatedBytesPerRequest", allocation,
              "offAllocatedBytesPerRequest", offAllocation));
    }
  }

  /** The median over rounds of {@code result[section][key]}, or null when any is missing. */
  @SuppressWarnings("unchecked")
  static Double median(List<Map<String, Object>> rounds, String section, String key) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Object> result : rounds) {
      Object value = ((Map<String, Object>) result.get(section)).get(key);
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

  private static Double overheadPercent(
      List<Map<String, Object>> on, List<Map<String, Object>> off, String percentile) {
    Double a = median(on, "latencyMillis", percentile);
    Double b = median(off, "latencyMillis", percentile);
    return a == null || b == null || b <= 0 ? null : (a / b - 1) * 100;
  }

  private static Double difference(Double a, Double b) {
    return a == null || b == null ? null : a - b;
  }

  static String call(HttpClient client, int port, String path) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(path + ": HTTP " + response.statusCode());
    }
    return response.body();
  }

  static Map<String, String> parse(String lines) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : lines.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return values;
  }

  /** The service's standard output: echoed to our standard error, awaited line by line. */
  static final class ServiceOutput {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Process process;

    ServiceOutput(Process process, String label) {
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    System.err.println("[" + label + "] " + line);
                    lines.add(line);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              "service-output-" + label);
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for a line starting with {@code prefix} and returns the rest of it. */
    String await(String prefix, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long remaining = deadline - System.nanoTime();
        String line =
            lines.poll(Math.max(0, Math.min(remaining, 200_000_000L)), TimeUnit.NANOSECONDS);
        if (line != null && line.startsWith(prefix)) {
          return line.substring(prefix.length()).trim();
        }
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          throw new IllegalStateException(
              "the service exited with status "
                  + process.exitValue()
                  + " before printing '"
                  + prefix.trim()
                  + "'");
        }
        if (remaining <= 0) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT, "the service did not print '%s' within %s", prefix.trim(), timeout));
        }
      }
    }
  }
}
