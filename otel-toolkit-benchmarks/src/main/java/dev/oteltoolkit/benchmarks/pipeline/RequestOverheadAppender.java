package dev.oteltoolkit.benchmarks.pipeline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The only Logback appender of the request-overhead service: it reads each event's MDC map (what a
 * {@code %X{trace_id}} pattern does) and drops the event, counting events and events that carry a
 * {@code trace_id}. No formatting and no I/O: a real appender's cost is the same with telemetry on
 * and off and would only dilute the overhead ratio.
 */
final class RequestOverheadAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  private final LongAdder events = new LongAdder();
  private final LongAdder withTraceId = new LongAdder();

  private RequestOverheadAppender() {}

  /**
   * Replaces whatever Logback configuration was found with this appender on the root logger: {@link
   * RequestOverheadApp}'s logger at INFO, every other at WARN.
   *
   * @throws IllegalStateException when SLF4J is not bound to Logback
   */
  static RequestOverheadAppender install() {
    return install(RequestOverheadApp.class);
  }

  /**
   * Replaces whatever Logback configuration was found with this appender on the root logger: the
   * application's logger ({@code application}'s) at INFO, every other at WARN (libraries stay
   * quiet, so the events counted are the application's).
   *
   * @throws IllegalStateException when SLF4J is not bound to Logback
   */
  static RequestOverheadAppender install(Class<?> application) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      throw new IllegalStateException(
          "SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
    }
    context.reset();
    RequestOverheadAppender appender = new RequestOverheadAppender();
    appender.setContext(context);
    appender.setName("request-overhead-null");
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(appender);
    context.getLogger(application).setLevel(Level.INFO);
    return appender;
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.increment();
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null && mdc.get("trace_id") != null) {
      withTraceId.increment();
    }
  }

  long events() {
    return events.sum();
  }

  long eventsWithTraceId() {
    return withTraceId.sum();
  }
}
