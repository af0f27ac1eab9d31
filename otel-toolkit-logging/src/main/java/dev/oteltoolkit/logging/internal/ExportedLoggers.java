package dev.oteltoolkit.logging.internal;

/**
 * Internal, not for public use. The loop guard: log lines that are never exported, because they may
 * be about the export itself. A collector that is down makes the exporter log (through {@code
 * java.util.logging}, which {@code jul-to-slf4j} may bridge into the application's backend);
 * exporting those lines would queue more records for the same failing exporter.
 *
 * <p>Excluded: loggers named {@code io.opentelemetry.*} (the SDK, its exporters, the
 * instrumentation libraries) and the toolkit's own library packages ({@code
 * dev.oteltoolkit.core.*}, {@code .api}, {@code .logging}, {@code .jdbc}, {@code .messaging},
 * {@code .ai}, {@code .testing}), and any line logged on one of the SDK's export threads.
 */
public final class ExportedLoggers {

  private static final String OPENTELEMETRY = "io.opentelemetry";

  private static final String TOOLKIT = "dev.oteltoolkit.";

  /** The toolkit's library packages below {@link #TOOLKIT}. */
  private static final String[] TOOLKIT_LIBRARIES = {
    "core", "api", "logging", "jdbc", "messaging", "ai", "testing",
  };

  /** Thread name prefixes of the SDK's batch processors and metric reader. */
  private static final String[] EXPORT_THREADS = {
    "BatchLogRecordProcessor_WorkerThread",
    "BatchSpanProcessor_WorkerThread",
    "PeriodicMetricReader",
  };

  private ExportedLoggers() {}

  /**
   * Returns whether a line is exported.
   *
   * @param loggerName the logger's name, may be null
   * @param threadName the name of the thread that logged it, may be null
   * @return false for the SDK's and the toolkit's own lines and lines of export threads
   */
  public static boolean isExported(String loggerName, String threadName) {
    // called for every line: the toolkit's common prefix is compared once, not once per library
    if (loggerName != null) {
      if (isUnder(loggerName, 0, OPENTELEMETRY)) {
        return false;
      }
      if (loggerName.startsWith(TOOLKIT)) {
        for (String library : TOOLKIT_LIBRARIES) {
          if (isUnder(loggerName, TOOLKIT.length(), library)) {
            return false;
          }
        }
      }
    }
    if (threadName != null) {
      for (String prefix : EXPORT_THREADS) {
        if (threadName.startsWith(prefix)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code name}, from {@code offset} on, is {@code root} or a name below it. */
  private static boolean isUnder(String name, int offset, String root) {
    int end = offset + root.length();
    return name.startsWith(root, offset) && (name.length() == end || name.charAt(end) == '.');
  }
}
