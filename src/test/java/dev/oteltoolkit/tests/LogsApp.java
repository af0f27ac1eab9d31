package dev.oteltoolkit.tests;

import dev.oteltoolkit.api.Traced;
import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small application that the log export tests run in a child JVM, with the SLF4J backend of the
 * test's class path (Logback or Log4j 2). It installs the toolkit and logs through SLF4J.
 *
 * <p>Arguments: the mode, the OTLP endpoint, the protocol.
 *
 * <ul>
 *   <li>{@code return} / {@code exit}: logs {@link #LINES} lines inside a span, prints {@code
 *       trace-id=...}, then returns from {@code main} or calls {@code System.exit(0)} right after
 *       the last line; never closes the toolkit (the shutdown hook flushes).
 *   <li>{@code down} (the endpoint is a closed port): routes {@code java.util.logging} into SLF4J,
 *       as {@code jul-to-slf4j} does, so the SDK's and the toolkit's complaints about the collector
 *       reach the backend; logs one line per traced tick for {@link #DOWN_SECONDS} seconds; prints
 *       what the application logged, what was handed to the exporters (an added counting exporter
 *       sees every record), how many of those came from the SDK's or the toolkit's loggers, and how
 *       many JUL records were bridged.
 * </ul>
 */
final class LogsApp {

  static final String SERVICE = "e2e-logs-app";
  static final String LOGGER = "dev.oteltoolkit.tests.payments";
  static final int LINES = 300;
  static final long DOWN_SECONDS = Long.getLong("logsapp.down.seconds", 30);

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private LogsApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    if (mode.equals("down")) {
      collectorDown(args[1], args[2]);
      return;
    }
    Telemetry.setup().serviceName(SERVICE).endpoint(args[1]).protocol(args[2]).install();
    String[] traceId = new String[1];
    Traced.traced(
        "checkout",
        () -> {
          traceId[0] = Span.current().getSpanContext().getTraceId();
          for (int i = 0; i < LINES; i++) {
            log.info("line {}", i);
          }
        });
    System.out.println("trace-id=" + traceId[0]);
    System.out.flush();
    if (mode.equals("exit")) {
      System.exit(0);
    }
  }

  private static void collectorDown(String endpoint, String protocol) throws Exception {
    JulToSlf4j bridge = new JulToSlf4j();
    java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    root.addHandler(bridge);
    CountingExporter counting = new CountingExporter();
    Telemetry telemetry =
        Telemetry.setup()
            .serviceName(SERVICE)
            .endpoint(endpoint)
            .protocol(protocol)
            .addLogRecordExporter(counting)
            .install();
    long appLines = 0;
    long maxCallNanos = 0;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(DOWN_SECONDS);
    while (System.nanoTime() < end) {
      long line = appLines++;
      long start = System.nanoTime();
      Traced.traced("tick", () -> log.info("tick {}", line));
      maxCallNanos = Math.max(maxCallNanos, System.nanoTime() - start);
      Thread.sleep(5);
    }
    // everything the application logged was handed to the exporters before this returns
    telemetry.forceFlush();
    Runtime.getRuntime().gc();
    long usedMib = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
    System.out.println(
        "app-lines="
            + appLines
            + " exported="
            + counting.records.get()
            + " foreign="
            + counting.foreign.get()
            + " bridged="
            + bridge.bridged.get()
            + " max-call-ms="
            + TimeUnit.NANOSECONDS.toMillis(maxCallNanos)
            + " used-mib="
            + usedMib);
    System.out.flush();
    telemetry.close();
  }

  /** Counts the records handed to it, and those whose logger is the SDK's or the toolkit's. */
  private static final class CountingExporter implements LogRecordExporter {
    final AtomicLong records = new AtomicLong();
    final AtomicLong foreign = new AtomicLong();

    @Override
    public CompletableResultCode export(Collection<LogRecordData> batch) {
      for (LogRecordData record : batch) {
        records.incrementAndGet();
        if (!record.getInstrumentationScopeInfo().getName().equals(LOGGER)) {
          foreign.incrementAndGet();
          System.out.println(
              "foreign record: "
                  + record.getInstrumentationScopeInfo().getName()
                  + ": "
                  + record.getBodyValue());
        }
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** java.util.logging into SLF4J under the same logger name, as jul-to-slf4j does. */
  private static final class JulToSlf4j extends Handler {
    final AtomicLong bridged = new AtomicLong();

    @Override
    public void publish(LogRecord record) {
      String name = record.getLoggerName() == null ? "jul" : record.getLoggerName();
      Logger target = LoggerFactory.getLogger(name);
      String message = record.getMessage();
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        target.warn(message, record.getThrown());
      } else {
        target.info(message, record.getThrown());
      }
      if (name.startsWith("io.opentelemetry") || name.startsWith("dev.oteltoolkit")) {
        bridged.incrementAndGet();
        System.out.println("bridged: " + name + ": " + message);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
