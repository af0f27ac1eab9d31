package dev.oteltoolkit.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Log4j 2 appender that keeps every event in memory, formatted and with its context data, captured
 * on the logging thread. Added in code, so no plugin annotation processing is needed.
 */
final class InMemoryLog4j2Appender extends AbstractAppender {

  private final List<LogLine> lines = new ArrayList<>();

  InMemoryLog4j2Appender(PatternLayout layout) {
    super("memory", null, layout, false, Property.EMPTY_ARRAY);
  }

  @Override
  public void append(LogEvent event) {
    LogLine line =
        new LogLine(
            ((PatternLayout) getLayout()).toSerializable(event),
            Map.copyOf(event.getContextData().toMap()));
    synchronized (lines) {
      lines.add(line);
    }
  }

  List<LogLine> drain() {
    synchronized (lines) {
      List<LogLine> drained = new ArrayList<>(lines);
      lines.clear();
      return drained;
    }
  }
}
