package dev.oteltoolkit.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every log pipeline of the MDC benchmarks: a Logback appender that reads each event the
 * way a pattern encoder with {@code %X{trace_id} %X{span_id} %msg} does (the event's MDC map, the
 * two keys, the formatted message) and hands what it read to the {@link Blackhole} instead of
 * writing bytes. So the correlation work is consumed, never optimized away, and no I/O is measured.
 * It also keeps what the last event carried, for the setup checks.
 *
 * <p>Logback is configured here, in code, so no {@code logback.xml} sits on the class path of the
 * other benchmarks: {@link #resetLogback()} empties the context Logback configured by default, and
 * {@link #logger} wires one logger straight to the appender it is given.
 */
final class MdcSinkAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  /** The MDC key of the trace id, the default of both the bridge and the official appender. */
  static final String TRACE_ID = "trace_id";

  /** The MDC key of the span id, the default of both the bridge and the official appender. */
  static final String SPAN_ID = "span_id";

  /** The message every measured log call writes. */
  static final String MESSAGE = "order placed";

  private final Blackhole blackhole;
  private long events;
  private String lastTraceId;
  private String lastSpanId;

  /**
   * Creates a started sink in {@code context}.
   *
   * @param context the Logback context
   * @param blackhole consumes what each event's reading produced
   */
  MdcSinkAppender(LoggerContext context, Blackhole blackhole) {
    this.blackhole = blackhole;
    setContext(context);
    setName("sink");
    start();
  }

  /**
   * Empties Logback's context (the console appender of its default configuration included).
   *
   * @return the context to wire loggers in
   * @throws IllegalStateException when SLF4J is not bound to Logback in this fork
   */
  static LoggerContext resetLogback() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      throw new IllegalStateException(
          "SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
    }
    LoggerContext context = (LoggerContext) factory;
    context.reset();
    return context;
  }

  /**
   * Wires the logger {@code name} at level INFO to {@code appender} alone (not additive).
   *
   * @param context the Logback context
   * @param name the logger's name
   * @param appender the started appender its events go to
   * @return the logger, as SLF4J callers see it
   */
  static Logger logger(LoggerContext context, String name, Appender<ILoggingEvent> appender) {
    ch.qos.logback.classic.Logger logger = context.getLogger(name);
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
    logger.addAppender(appender);
    return logger;
  }

  @Override
  protected void append(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    String traceId = mdc.get(TRACE_ID);
    String spanId = mdc.get(SPAN_ID);
    String message = event.getFormattedMessage();
    blackhole.consume(traceId);
    blackhole.consume(spanId);
    blackhole.consume(message);
    lastTraceId = traceId;
    lastSpanId = spanId;
    events++;
  }

  /**
   * Fails unless the last event reached this sink after {@code eventsBefore} events, with the given
   * ids in its MDC map.
   *
   * @param path the measured path, for the message
   * @param eventsBefore {@link #events()} before the path ran
   * @param traceId the trace id the event must carry, or null for none
   * @param spanId the span id the event must carry, or null for none
   * @throws IllegalStateException when the event is missing or carries other ids
   */
  void require(String path, long eventsBefore, String traceId, String spanId) {
    if (events != eventsBefore + 1) {
      throw new IllegalStateException(
          path + ": expected 1 event at the sink, got " + (events - eventsBefore));
    }
    if (!same(traceId, lastTraceId) || !same(spanId, lastSpanId)) {
      throw new IllegalStateException(
          path
              + ": expected trace_id="
              + traceId
              + " span_id="
              + spanId
              + " in the event's MDC, got trace_id="
              + lastTraceId
              + " span_id="
              + lastSpanId);
    }
  }

  /**
   * Counts the events this sink got.
   *
   * @return the number of events so far
   */
  long events() {
    return events;
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }
}
