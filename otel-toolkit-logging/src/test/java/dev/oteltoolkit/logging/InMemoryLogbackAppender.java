package dev.oteltoolkit.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Logback appender that keeps every event in memory, formatted and with its MDC, captured on the
 * logging thread. Public because logback-test.xml instantiates it.
 */
public final class InMemoryLogbackAppender extends AppenderBase<ILoggingEvent> {

  private static final List<LogLine> lines = new ArrayList<>();

  private Layout<ILoggingEvent> layout;

  /** Creates the appender; called by Logback's configurator. */
  public InMemoryLogbackAppender() {}

  /**
   * Sets the layout that formats each event.
   *
   * @param layout the layout, from logback-test.xml
   */
  public void setLayout(Layout<ILoggingEvent> layout) {
    this.layout = layout;
  }

  @Override
  protected void append(ILoggingEvent event) {
    LogLine line = new LogLine(layout.doLayout(event), Map.copyOf(event.getMDCPropertyMap()));
    synchronized (lines) {
      lines.add(line);
    }
  }

  /**
   * Returns the events logged since the last call, in order, and forgets them.
   *
   * @return the events
   */
  public static List<LogLine> drain() {
    synchronized (lines) {
      List<LogLine> drained = new ArrayList<>(lines);
      lines.clear();
      return drained;
    }
  }
}
