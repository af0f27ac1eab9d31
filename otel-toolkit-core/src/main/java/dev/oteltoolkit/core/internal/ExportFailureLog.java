package dev.oteltoolkit.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Internal, not for public use: replaces the OTLP exporters' own failure logging (several SEVERE
 * lines a minute per signal while a collector is down) with one toolkit warning per signal per
 * minute, which says how many failures it stands for.
 *
 * <p>It installs a {@link Filter} on the exporters' {@code java.util.logging} loggers, once per
 * JVM. Records that are not export failures pass through unchanged.
 */
public final class ExportFailureLog implements Filter {

  /** Loggers of the OTLP exporters whose failure records are throttled. */
  static final String[] EXPORTER_LOGGERS = {
    "io.opentelemetry.exporter.otlp.internal.GrpcExporter",
    "io.opentelemetry.exporter.otlp.internal.HttpExporter",
  };

  /**
   * Loggers that repeat an export failure already reported by the exporters ("Exporter failed"),
   * dropped as such. Their other records (e.g. spans dropped from a full queue) pass.
   */
  static final String[] REPEATING_LOGGERS = {
    "io.opentelemetry.sdk.metrics.export.PeriodicMetricReader",
    "io.opentelemetry.sdk.trace.export.BatchSpanProcessor",
    "io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor",
  };

  private static final Logger WARNING_LOGGER = Logger.getLogger("dev.oteltoolkit.core.Telemetry");
  private static final String[] SIGNALS = {"spans", "metrics", "logs"};
  private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * Failures in the first seconds after the toolkit started are not reported at once: a short run
   * is summarised by shutdown's one line instead, and a collector still starting is no news.
   */
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final Object INSTALL_LOCK = new Object();
  private static final List<Logger> HELD = new ArrayList<>(); // JUL keeps loggers weakly
  private static ExportFailureLog installed; // guarded by INSTALL_LOCK

  private final LongSupplier nanoTime;
  private final Logger warnings;
  private final AtomicLongArray nextReportNanos = new AtomicLongArray(SIGNALS.length);
  private final AtomicLongArray suppressed = new AtomicLongArray(SIGNALS.length);
  private final AtomicLong reported = new AtomicLong();

  ExportFailureLog(LongSupplier nanoTime, Logger warnings) {
    this(nanoTime, warnings, GRACE_NANOS);
  }

  ExportFailureLog(LongSupplier nanoTime, Logger warnings, long graceNanos) {
    this.nanoTime = nanoTime;
    this.warnings = warnings;
    long now = nanoTime.getAsLong() + graceNanos;
    for (int i = 0; i < SIGNALS.length; i++) {
      nextReportNanos.set(i, now);
    }
  }

  /**
   * Installs the filter on the exporters' loggers, once per JVM; later calls return the same
   * instance.
   *
   * @return the installed filter
   */
  public static ExportFailureLog install() {
    synchronized (INSTALL_LOCK) {
      if (installed == null) {
        ExportFailureLog filter = new ExportFailureLog(System::nanoTime, WARNING_LOGGER);
        for (String name : EXPORTER_LOGGERS) {
          Logger logger = Logger.getLogger(name);
          logger.setFilter(filter);
          HELD.add(logger);
        }
        for (String name : REPEATING_LOGGERS) {
          Logger logger = Logger.getLogger(name);
          logger.setFilter(
              record ->
                  !(record.getLevel().intValue() >= Level.WARNING.intValue()
                      && "Exporter failed".equals(record.getMessage())));
          HELD.add(logger);
        }
        installed = filter;
      }
      return installed;
    }
  }

  /**
   * Returns how many toolkit warnings this filter has written.
   *
   * @return the number of warnings written
   */
  public long reportedWarnings() {
    return reported.get();
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    String message = record.getMessage();
    if (message == null) {
      return true;
    }
    if (message.startsWith("Too many log messages detected")) {
      return false; // the SDK's own throttling notice: ours replaces it
    }
    if (!message.startsWith("Failed to export ")) {
      return true;
    }
    int signal = signalOf(message);
    if (signal < 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    long next = nextReportNanos.get(signal);
    if (now - next >= 0 && nextReportNanos.compareAndSet(signal, next, now + INTERVAL_NANOS)) {
      long others = suppressed.getAndSet(signal, 0);
      reported.incrementAndGet();
      warnings.log(
          Level.WARNING,
          "otel-toolkit: OTLP export of {0} failed{1}. The application is not affected: {0} are"
              + " retried with backoff, then dropped. Is the collector running and reachable at"
              + " the configured endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)? This warning repeats at"
              + " most once a minute per signal. Cause: {2}",
          new Object[] {
            SIGNALS[signal],
            others == 0
                ? ""
                : String.format(Locale.ROOT, " (%d more failures since last report)", others),
            firstLine(message)
          });
    } else {
      suppressed.incrementAndGet(signal);
    }
    return false;
  }

  private static int signalOf(String message) {
    String rest = message.substring("Failed to export ".length()).toLowerCase(Locale.ROOT);
    for (int i = 0; i < SIGNALS.length; i++) {
      if (rest.startsWith(SIGNALS[i])) {
        return i;
      }
    }
    return -1;
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
