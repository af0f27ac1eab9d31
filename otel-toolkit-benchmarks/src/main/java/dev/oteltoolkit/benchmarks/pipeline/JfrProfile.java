package dev.oteltoolkit.benchmarks.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU time of an export pipeline goes, from the execution samples of a JFR recording
 * ({@code jdk.ExecutionSample}): each sample is put in one category by the frame nearest to the top
 * of its stack that names a known part of the pipeline (span start, span end, batch queue, {@code
 * toSpanData}, OTLP marshalling, sending, context, metrics, the toolkit's own code), and in one
 * thread group (producers, the batch processor's worker, the exporter's I/O threads, other); and by
 * the package of the nearest frame that is not the JDK's (whose code the time was spent for: the
 * service's, a library's, the telemetry's). Shares are of all samples of the recording. Where the
 * recording has allocation samples ({@code jdk.ObjectAllocationSample}, in the JDK's {@code
 * profile} settings), their weights are broken down by the same package.
 *
 * <pre>
 * java -cp otel-toolkit-benchmarks/target/benchmarks.jar \
 *     dev.oteltoolkit.benchmarks.pipeline.JfrProfile recording.jfr
 * </pre>
 */
public final class JfrProfile {

  /** Categories in the order they are tried on each frame: first match wins. */
  private static final String[][] CATEGORIES = {
    {
      "marshal",
      "io.opentelemetry.exporter.internal.marshal.",
      "io.opentelemetry.exporter.internal.otlp.",
      "io.opentelemetry.exporter.otlp."
    },
    {
      "send",
      "io.opentelemetry.exporter.sender.",
      "okhttp3.",
      "okio.",
      "io.grpc.",
      "sun.nio.ch.",
      "java.net.",
      "sun.net."
    },
    {
      "toSpanData",
      "io.opentelemetry.sdk.trace.SdkSpan.toSpanData",
      "io.opentelemetry.sdk.trace.SpanWrapper"
    },
    {
      "queue",
      "io.opentelemetry.sdk.trace.internal.shaded.jctools.",
      "io.opentelemetry.sdk.trace.internal.JcTools",
      "io.opentelemetry.sdk.trace.export.BatchSpanProcessor$Worker.addSpan",
      "io.opentelemetry.sdk.trace.export.BatchSpanProcessor.onEnd",
      "java.util.concurrent.ArrayBlockingQueue"
    },
    {"span end", "io.opentelemetry.sdk.trace.SdkSpan.end"},
    {
      "span start",
      "io.opentelemetry.sdk.trace.SdkSpanBuilder",
      "io.opentelemetry.sdk.trace.SdkSpan.startSpan",
      "io.opentelemetry.sdk.trace.RandomIdGenerator",
      "io.opentelemetry.sdk.trace.samplers."
    },
    {"metrics", "io.opentelemetry.sdk.metrics."},
    {"context", "io.opentelemetry.context."},
    {"batch worker", "io.opentelemetry.sdk.trace.export.BatchSpanProcessor"},
    {"benchmark harness", "dev.oteltoolkit.benchmarks."},
    {"toolkit", "dev.oteltoolkit."},
  };

  private JfrProfile() {}

  /**
   * Prints the breakdown of a recording.
   *
   * @param args the {@code .jfr} file
   * @throws IOException when it cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: JfrProfile FILE.jfr");
      System.exit(2);
    }
    System.out.println(PipelineJson.write(summarize(Path.of(args[0]))));
  }

  /**
   * The breakdown: {@code samples}, {@code byThread}, {@code byCategory} and {@code
   * byThreadAndCategory} (shares of all samples, largest first).
   */
  static Map<String, Object> summarize(Path recording) throws IOException {
    Map<String, Long> byThread = new TreeMap<>();
    Map<String, Long> byCategory = new TreeMap<>();
    Map<String, Long> byBoth = new TreeMap<>();
    Map<String, Long> byPackage = new TreeMap<>();
    Map<String, Long> allocationByPackage = new TreeMap<>();
    long samples = 0;
    long allocated = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (event.getEventType().getName().equals("jdk.ObjectAllocationSample")) {
        long weight = event.getLong("weight");
        allocated += weight;
        allocationByPackage.merge(leafPackage(event.getStackTrace()), weight, Long::sum);
        continue;
      }
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      samples++;
      RecordedThread thread = event.getThread("sampledThread");
      String group = threadGroup(thread == null ? "" : thread.getJavaName());
      String category = category(event.getStackTrace());
      byThread.merge(group, 1L, Long::sum);
      byCategory.merge(category, 1L, Long::sum);
      byBoth.merge(group + " / " + category, 1L, Long::sum);
      byPackage.merge(leafPackage(event.getStackTrace()), 1L, Long::sum);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("samples", samples);
    result.put("byThread", shares(byThread, samples));
    result.put("byCategory", shares(byCategory, samples));
    result.put("byThreadAndCategory", shares(byBoth, samples));
    result.put("byLeafPackage", shares(byPackage, samples));
    if (allocated > 0) {
      result.put("allocationSampledBytes", allocated);
      result.put("allocationByLeafPackage", shares(allocationByPackage, allocated));
    }
    return result;
  }

  /**
   * The package (three segments at most) of the frame nearest to the top of the stack that is not
   * the JDK's: whose code the sample was spent for.
   */
  static String leafPackage(RecordedStackTrace stack) {
    if (stack == null) {
      return "no stack";
    }
    for (RecordedFrame frame : stack.getFrames()) {
      if (frame.getMethod() == null || frame.getMethod().getType() == null) {
        continue;
      }
      String type = frame.getMethod().getType().getName();
      if (type.startsWith("java.")
          || type.startsWith("jdk.")
          || type.startsWith("sun.")
          || type.startsWith("com.sun.")) {
        continue;
      }
      String[] parts = type.split("\\.");
      int keep = Math.min(3, parts.length - 1);
      return keep <= 0 ? type : String.join(".", java.util.Arrays.copyOf(parts, keep));
    }
    return "JDK only";
  }

  static String threadGroup(String name) {
    if (name == null) {
      return "other";
    }
    if (name.startsWith("span-producer")) {
      return "producers";
    }
    if (name.startsWith("BatchSpanProcessor")) {
      return "batch worker";
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.contains("okhttp") || lower.contains("grpc") || lower.contains("netty")) {
      return "exporter I/O";
    }
    return "other";
  }

  private static String category(RecordedStackTrace stack) {
    if (stack == null) {
      return "no stack";
    }
    List<RecordedFrame> frames = stack.getFrames();
    for (RecordedFrame frame : frames) {
      if (frame.getMethod() == null || frame.getMethod().getType() == null) {
        continue;
      }
      String name = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
      for (String[] category : CATEGORIES) {
        for (int i = 1; i < category.length; i++) {
          if (name.startsWith(category[i])) {
            return category[0];
          }
        }
      }
    }
    return "other (JDK, JMX, receiver)";
  }

  private static Map<String, Object> shares(Map<String, Long> counts, long total) {
    Map<String, Object> shares = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> shares.put(e.getKey(), total == 0 ? 0.0 : e.getValue() / (double) total));
    return shares;
  }
}
