package dev.oteltoolkit.benchmarks.pipeline;

import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.api.TracedSpanBuilder;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The heap the span export path can hold at most with the toolkit's defaults: a collector that
 * accepts connections and never answers (each export waits for its timeout), spans produced until
 * the queue is full, then the heap after a full GC minus the heap before the first span. What is
 * held then is the default queue full plus the batch the exporter is stuck on (its spans and its
 * serialized request): the bound a stalled or unreachable collector can cost.
 *
 * <p>Each measure runs in a JVM of its own. Measured for spans of 0 attributes ({@code traced()}
 * alone) and of 12 (a server span's: method, route, URL, addresses, ports, user agent, status), all
 * strings of typical length.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp otel-toolkit-benchmarks/target/benchmarks.jar \
 *     dev.oteltoolkit.benchmarks.pipeline.ExportMemory --out export-memory.json
 * </pre>
 */
public final class ExportMemory {

  private static final String[][] ATTRIBUTES = {
    {"http.request.method", "GET"},
    {"http.route", "/orders/{id}"},
    {"url.scheme", "https"},
    {"url.path", "/orders/4711"},
    {"url.query", "expand=items&currency=EUR"},
    {"server.address", "orders.internal.example.com"},
    {"server.port", "8443"},
    {"client.address", "10.20.30.40"},
    {"network.peer.address", "10.20.30.40"},
    {"network.protocol.version", "1.1"},
    {"user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120"},
    {"http.response.status_code", "200"},
  };

  private final PipelineReport report;

  private ExportMemory(PipelineOptions options) {
    this.report =
        options == null ? null : new PipelineReport("export-memory", ExportMemory.class, options);
  }

  /**
   * Runs the measure.
   *
   * @param args {@code --out FILE [--quick]}
   */
  public static void main(String[] args) throws Exception {
    PipelineEnvironment.exportMeasure();
    if (args.length == 5 && args[0].equals("--one")) {
      // a child: one measure in a JVM of its own (a stuck pipeline holds its spans until its
      // export times out and its retries give up, which would blur the next measure)
      Map<String, Object> result =
          new ExportMemory(null)
              .measure(
                  args[1],
                  args[2],
                  Integer.parseInt(args[3]),
                  Telemetry.DEFAULT_MAX_QUEUE_SIZE,
                  Integer.parseInt(args[4]));
      StringBuilder line = new StringBuilder("RESULT");
      result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      System.out.println(line);
      System.exit(0);
    }
    PipelineOptions options = new PipelineOptions("ExportMemory").parse(args);
    PipelineOptions.orExit("ExportMemory", () -> new ExportMemory(options)).run();
  }

  private void run() throws Exception {
    int queue = Telemetry.DEFAULT_MAX_QUEUE_SIZE;
    int batch = ExportPipeline.Config.TOOLKIT_DEFAULT_BATCH;
    report.settings().put("maxQueueSize", queue);
    report.settings().put("maxExportBatchSize", batch);
    report.settings().put("scheduleDelayMillis", Telemetry.DEFAULT_SCHEDULE_DELAY_MILLIS);
    report.settings().put("collector", "a loopback socket that accepts and never answers");
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!blackHole.isClosed()) {
                  try {
                    Socket socket = blackHole.accept();
                    synchronized (accepted) {
                      accepted.add(socket); // held open, never read
                    }
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "black-hole-collector");
      acceptor.setDaemon(true);
      acceptor.start();
      String endpoint = "http://127.0.0.1:" + blackHole.getLocalPort();
      for (String protocol : List.of("grpc", "http/protobuf")) {
        for (int attributes : new int[] {0, ATTRIBUTES.length}) {
          Map<String, Object> result = child(endpoint, protocol, attributes, batch);
          report.result(result);
          report.comparison(
              String.format(
                  Locale.ROOT,
                  "heap held by a full span queue with the defaults, %s, spans of %d attributes",
                  protocol,
                  attributes),
              (Double) result.get("heldMiB"),
              "MiB",
              PipelineReport.map(
                  "bytesPerHeldSpan",
                  result.get("bytesPerHeldSpan"),
                  "heldSpans",
                  result.get("heldSpans")));
        }
      }
    } finally {
      synchronized (accepted) {
        for (Socket socket : accepted) {
          socket.close();
        }
      }
    }
    report.write();
  }

  /** Runs one measure in a JVM of its own and reads its result line. */
  private static Map<String, Object> child(
      String endpoint, String protocol, int attributes, int batch) throws Exception {
    List<String> command =
        List.of(
            java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms512m",
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            ExportMemory.class.getName(),
            "--one",
            endpoint,
            protocol,
            Integer.toString(attributes),
            Integer.toString(batch));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String resultLine = null;
    try (java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          resultLine = line;
        }
      }
    }
    process.waitFor();
    if (resultLine == null) {
      throw new IllegalStateException(
          "the measure of "
              + protocol
              + ", "
              + attributes
              + " attributes printed no result (exit "
              + process.exitValue()
              + ")");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    for (String pair : resultLine.substring(7).split(" ")) {
      int eq = pair.indexOf('=');
      String key = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      result.put(key, key.equals("protocol") ? value : (Object) Double.valueOf(value));
    }
    return result;
  }

  private Map<String, Object> measure(
      String endpoint, String protocol, int attributes, int queue, int batch) throws Exception {
    long empty = usedAfterGc();
    Telemetry telemetry =
        Telemetry.setup()
            .serviceName("export-memory")
            .endpoint(endpoint)
            .protocol(protocol)
            .configProperties(Map.of())
            .build();
    Tracing tracing = telemetry.tracing();
    tracing.traced("first", () -> {}); // loads the span path before the baseline
    long before = usedAfterGc();
    ThrowingRunnable<RuntimeException> body = () -> {};
    long produced = 0;
    // the worker takes a batch and blocks on its export; the queue then fills behind it
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < queue + batch; i++) {
        TracedSpanBuilder span = tracing.span("GET /orders/{id}").kind(SpanKind.SERVER);
        for (int a = 0; a < attributes; a++) {
          span.attribute(ATTRIBUTES[a][0], ATTRIBUTES[a][1]);
        }
        span.run(body);
        produced++;
      }
      Thread.sleep(100);
    }
    long after = usedAfterGc();
    long held = Math.min(produced, (long) queue + batch);
    telemetry.shutdown(Duration.ofMillis(200));
    double bytes = after - before;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("protocol", protocol);
    result.put("attributes", attributes);
    result.put("produced", produced);
    result.put("setupBytes", (double) (before - empty));
    result.put("heldSpans", held);
    result.put("heldBytes", bytes);
    result.put("heldMiB", bytes / 1048576.0);
    result.put("bytesPerHeldSpan", bytes / held);
    System.err.println(
        String.format(
            Locale.ROOT,
            "%s, %d attributes: %.1f MiB held for %d spans (%.0f B per span)",
            protocol,
            attributes,
            bytes / 1048576.0,
            held,
            bytes / held));
    return result;
  }

  private static long usedAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
