package dev.oteltoolkit.benchmarks.pipeline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.oteltoolkit.logging.internal.MdcContextStorage;
import io.opentelemetry.context.ContextStorage;
import java.util.List;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every pipeline main checks or sets before it measures, so no stray setting changes a number
 * silently.
 */
final class PipelineEnvironment {

  /** The MDC bridge's switch (see {@code dev.oteltoolkit.logging.MdcBridge}). */
  static final String MDC_ENABLED = "oteltoolkit.mdc.enabled";

  /**
   * The SDK's batch processor logs a warning for every export after spans were dropped: at the
   * rates the throughput search tries that floods the console (and costs both sides the same),
   * while the drops are counted exactly by the receiver. Held here so the level sticks.
   */
  private static final Logger BATCH_PROCESSOR_LOG =
      Logger.getLogger("io.opentelemetry.sdk.trace.export.BatchSpanProcessor");

  private PipelineEnvironment() {}

  /**
   * Logback (on this module's class path for the MDC benchmarks) logs everything at DEBUG to the
   * console when it finds no configuration, and the receiver's Netty logs through SLF4J: that would
   * flood the console and cost CPU in the middle of a measurement. WARN and above only.
   */
  static void quietLogback() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
    }
  }

  /** Silences the batch processor's per-export drop warnings (see {@link #BATCH_PROCESSOR_LOG}). */
  static void quietDropWarnings() {
    BATCH_PROCESSOR_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  /**
   * Fails when an {@code OTEL_*} environment variable or {@code otel.*} system property is set:
   * OpenTelemetry's autoconfiguration would apply it to the toolkit's pipelines (it wins over the
   * code) and not to the hand-built ones, and every configuration here is set by the main itself.
   */
  static void requireNoOtelSettings() {
    TreeSet<String> stray = new TreeSet<>();
    System.getenv().keySet().stream().filter(k -> k.startsWith("OTEL_")).forEach(stray::add);
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith("otel."))
        .forEach(stray::add);
    if (!stray.isEmpty()) {
      throw new IllegalStateException(
          "unset "
              + stray
              + " before running the pipeline measures: each configuration is set"
              + " by the benchmark, and these would apply to the toolkit's pipelines only");
    }
  }

  /**
   * Settings of the in-process receiver and HTTP servers, unless given on the command line: the
   * receiver's Netty (shaded in grpc-netty-shaded) on plain NIO, as in the end-to-end tests (no
   * {@code sun.misc.Unsafe} or native-library warnings on recent JDKs); and {@code TCP_NODELAY} on
   * the JDK HTTP servers (the OTLP/HTTP receiver, the request-overhead service), as any production
   * HTTP server sets it: without it, Nagle's algorithm and delayed ACKs hold small responses on
   * loopback for ~40 ms, which would measure the JDK's server defaults instead of the pipelines.
   */
  static void serverDefaults() {
    setIfAbsent("io.grpc.netty.shaded.io.netty.noUnsafe", "true");
    setIfAbsent("io.grpc.netty.shaded.io.netty.transport.noNative", "true");
    setIfAbsent("sun.net.httpserver.nodelay", "true");
  }

  /**
   * Prepares the JVM of an export measure: MDC bridge off, no {@code OTEL_*} settings, server
   * defaults, quiet logging. Call first thing in {@code main}.
   */
  static void exportMeasure() {
    mdcBridgeOff();
    requireNoOtelSettings();
    serverDefaults();
    quietLogback();
    quietDropWarnings();
  }

  /**
   * Turns the MDC bridge off (unless {@value #MDC_ENABLED} was given) and checks it is off: the
   * export measures compare the toolkit with a raw SDK pipeline in the same JVM, and the bridge
   * would add its MDC updates to both. Call first thing in {@code main}, before any context use.
   */
  static void mdcBridgeOff() {
    setIfAbsent(MDC_ENABLED, "false");
    requireMdcBridge(false);
  }

  /**
   * Fails unless the MDC bridge is (or is not) the active context storage.
   *
   * @throws IllegalStateException when it is not as expected
   */
  static void requireMdcBridge(boolean expected) {
    ContextStorage storage = ContextStorage.get();
    boolean active = storage instanceof MdcContextStorage;
    if (active != expected) {
      throw new IllegalStateException(
          "the MDC bridge should be "
              + (expected ? "active" : "off")
              + " but the context"
              + " storage is "
              + storage.getClass().getName()
              + " (-D"
              + MDC_ENABLED
              + "="
              + System.getProperty(MDC_ENABLED)
              + ")");
    }
  }

  /** The names of the JVM's garbage collectors, for the report. */
  static List<String> garbageCollectors() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(java.lang.management.GarbageCollectorMXBean::getName)
        .toList();
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
