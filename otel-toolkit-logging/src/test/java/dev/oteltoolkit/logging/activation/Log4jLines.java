package dev.oteltoolkit.logging.activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Log4j 2 appender for the activation JVMs that run Log4j: keeps each event formatted by a pattern
 * and its context data, captured on the logging thread; added to the root logger in code.
 */
final class Log4jLines extends AbstractAppender implements AutoCloseable {

  /** One event: the formatted text and the context data. */
  record Line(String text, Map<String, String> contextData) {}

  private final List<Line> lines = new ArrayList<>();

  private Log4jLines(PatternLayout layout) {
    super("activation-memory", null, layout, false, Property.EMPTY_ARRAY);
  }

  /** Starts an appender formatting with {@code pattern} and adds it to the root logger. */
  static Log4jLines attach(String pattern) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    Log4jLines appender =
        new Log4jLines(
            PatternLayout.newBuilder()
                .withConfiguration(configuration)
                .withPattern(pattern)
                .build());
    appender.start();
    configuration.addAppender(appender);
    configuration.getRootLogger().addAppender(appender, Level.INFO, null);
    context.updateLoggers();
    return appender;
  }

  @Override
  public void append(LogEvent event) {
    Line line =
        new Line(
            ((PatternLayout) getLayout()).toSerializable(event),
            Map.copyOf(event.getContextData().toMap()));
    synchronized (lines) {
      lines.add(line);
    }
  }

  /** The events appended since the last call, in order. */
  List<Line> drain() {
    synchronized (lines) {
      List<Line> drained = new ArrayList<>(lines);
      lines.clear();
      return drained;
    }
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(getName());
    context.updateLoggers();
    stop();
  }
}
