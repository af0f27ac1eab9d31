package dev.oteltoolkit.tests;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * An in-memory Logback appender: what an application's log file would hold, kept for assertions.
 * Each line is recorded with a copy of the MDC taken on the logging thread at the log call (the way
 * Logback's asynchronous appenders copy it) and formatted with a pattern that prints the MDC keys
 * of the toolkit's bridge, as a user's log pattern would.
 */
final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  /** The pattern of the otel-toolkit-logging README. */
  static final String PATTERN =
      "trace_id=%X{trace_id} span_id=%X{span_id} trace_flags=%X{trace_flags} - %msg";

  private final Object lock = new Object();
  private final Logger logger;
  private final PatternLayout layout = new PatternLayout();
  private final List<Line> lines = new ArrayList<>(); // guarded by lock

  /**
   * Starts capturing the lines logged through {@code loggerName} and the loggers below it.
   *
   * @param loggerName the logger (a package or class name)
   * @return the running capture; close it to detach
   */
  static CapturedLogs attach(String loggerName) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    CapturedLogs capture = new CapturedLogs(context.getLogger(loggerName));
    capture.setContext(context);
    capture.setName("captured-logs");
    capture.layout.setContext(context);
    capture.layout.setPattern(PATTERN);
    capture.layout.start();
    capture.start();
    capture.logger.addAppender(capture);
    return capture;
  }

  private CapturedLogs(Logger logger) {
    this.logger = logger;
  }

  /** The lines logged so far, in order. */
  List<Line> lines() {
    synchronized (lock) {
      return List.copyOf(lines);
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    // Runs on the logging thread: the MDC is the one current at the log call.
    Line line =
        new Line(
            event.getFormattedMessage(),
            event.getThreadName(),
            Map.copyOf(event.getMDCPropertyMap()),
            layout.doLayout(event));
    synchronized (lock) {
      lines.add(line);
    }
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
    layout.stop();
  }

  /** One log line: its message, thread, MDC and the line as the pattern prints it. */
  record Line(String message, String thread, Map<String, String> mdc, String formatted) {}
}
