package dev.oteltoolkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.logging.internal.ContextMdcAdapter;
import dev.oteltoolkit.logging.internal.MdcContextStorage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.ContextDataInjector;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AsyncAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.ContextDataInjectorFactory;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusLogger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * The shared scenarios with Log4j 2, through its SLF4J binding (log4j-slf4j2-impl), as the only
 * backend: the {@code log4j2} surefire execution, which leaves Logback off the class path. The
 * bridge is lazy here: events take the ids from its {@code ContextDataProvider} service, {@code
 * MDC.get} from its adapter, and nothing is written into Log4j's {@code ThreadContext}.
 */
class Log4j2MdcBridgeTest extends AbstractMdcBridgeTest {

  private static InMemoryLog4j2Appender appender;

  @BeforeAll
  static void addAppender() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    PatternLayout layout =
        PatternLayout.newBuilder()
            .withConfiguration(configuration)
            .withPattern("trace_id=%X{trace_id} span_id=%X{span_id} trace_flags=%X{trace_flags} %m")
            .build();
    appender = new InMemoryLog4j2Appender(layout);
    appender.start();
    configuration.addAppender(appender);
    LoggerConfig root = configuration.getRootLogger();
    root.addAppender(appender, Level.INFO, null);
    context.updateLoggers();
  }

  @AfterAll
  static void removeAppender() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }

  @Override
  List<LogLine> drainLines() {
    return appender.drain();
  }

  @Test
  void log4jApiLoggersSeeTheIdsToo() {
    try (SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Span span = tracerProvider.get("test").spanBuilder("log4j-api").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        LogManager.getLogger(Log4j2MdcBridgeTest.class).info("through the Log4j API");
      } finally {
        span.end();
      }
      assertThat(drainLines())
          .extracting(LogLine::text)
          .containsExactly(line(span.getSpanContext(), "through the Log4j API"));
    }
  }

  @Test
  void backendIsLog4j2AndLogbackIsAbsent() {
    assertThat(LoggerFactory.getILoggerFactory().getClass().getName())
        .startsWith("org.apache.logging.slf4j.");
    assertThat(getClass().getClassLoader().getResource("ch/qos/logback/classic/Logger.class"))
        .isNull();
  }

  /**
   * A scope switch writes nothing into Log4j's {@code ThreadContext} (the eager bridge wrote the
   * three keys there), yet {@code MDC.get}, {@code MDC.getCopyOfContextMap}, the event's context
   * data and {@code %X{..}} all show the ids, at every level of nesting.
   */
  @Test
  void scopeSwitchWritesNothingIntoTheThreadContextYetReadsAndEventsSeeTheIds() {
    MDC.put("request_id", "r-1");
    Span outer = tracer().spanBuilder("outer").startSpan();
    Span inner = tracer().spanBuilder("inner").setParent(Context.root().with(outer)).startSpan();
    try (Scope ignored = outer.makeCurrent()) {
      assertThat(MdcContextStorage.lazy()).isTrue();
      MDCAdapter adapter = MDC.getMDCAdapter();
      assertThat(adapter).isInstanceOf(ContextMdcAdapter.class);
      assertThat(((ContextMdcAdapter) adapter).delegate().getClass().getName())
          .isEqualTo("org.apache.logging.slf4j.Log4jMDCAdapter");
      assertLazyIdsEverywhere(outer.getSpanContext(), "outer");
      try (Scope ignored2 = inner.makeCurrent()) {
        assertLazyIdsEverywhere(inner.getSpanContext(), "inner");
      }
      assertLazyIdsEverywhere(outer.getSpanContext(), "outer again");
    } finally {
      inner.end();
      outer.end();
    }
    assertThat(ThreadContext.getContext()).isEqualTo(Map.of("request_id", "r-1"));
    assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("request_id", "r-1"));
    LoggerFactory.getLogger("lazy").info("after");
    assertThat(drainLines())
        .singleElement()
        .satisfies(line -> assertThat(line.text()).isEqualTo(line(null, "after")))
        .satisfies(line -> assertThat(line.mdc()).isEqualTo(Map.of("request_id", "r-1")));
    MDC.remove("request_id");
  }

  private void assertLazyIdsEverywhere(SpanContext ids, String message) {
    // nothing was written: Log4j's own map holds only the application's key
    assertThat(ThreadContext.getContext()).as(message).isEqualTo(Map.of("request_id", "r-1"));
    assertThat(ThreadContext.get(TRACE_ID)).as(message).isNull();
    Map<String, String> expected =
        Map.of(
            "request_id",
            "r-1",
            TRACE_ID,
            ids.getTraceId(),
            SPAN_ID,
            ids.getSpanId(),
            TRACE_FLAGS,
            ids.getTraceFlags().asHex());
    assertThat(MDC.get(TRACE_ID)).as(message).isEqualTo(ids.getTraceId());
    assertThat(MDC.get(SPAN_ID)).as(message).isEqualTo(ids.getSpanId());
    assertThat(MDC.get(TRACE_FLAGS)).as(message).isEqualTo(ids.getTraceFlags().asHex());
    assertThat(MDC.getCopyOfContextMap()).as(message).isEqualTo(expected);
    LoggerFactory.getLogger("lazy").info(message);
    List<LogLine> lines = drainLines();
    assertThat(lines).as(message).hasSize(1);
    assertThat(lines.get(0).text()).isEqualTo(line(ids, message));
    assertThat(lines.get(0).mdc()).isEqualTo(expected);
  }

  /**
   * The application's own {@code MDC.put("trace_id", ..)} is kept apart from the {@code
   * ThreadContext}: it shows in {@code MDC.get} and in events while no scope is open, and is
   * hidden, not overwritten, inside scopes, with or without a valid span.
   */
  @Test
  void applicationsOwnTraceIdStaysOutOfTheThreadContextAndIsHiddenInsideScopes() {
    MDC.put(TRACE_ID, "set-by-app");
    Span span = tracer().spanBuilder("span").startSpan();
    try {
      assertThat(ThreadContext.get(TRACE_ID)).isNull();
      assertThat(MDC.get(TRACE_ID)).isEqualTo("set-by-app");
      assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of(TRACE_ID, "set-by-app"));
      LoggerFactory.getLogger("own").info("own before");
      try (Scope ignored = Context.root().with(Span.getInvalid()).makeCurrent()) {
        assertThat(MDC.get(TRACE_ID)).isNull();
        LoggerFactory.getLogger("own").info("own invalid");
      }
      try (Scope ignored = span.makeCurrent()) {
        assertThat(MDC.get(TRACE_ID)).isEqualTo(span.getSpanContext().getTraceId());
        LoggerFactory.getLogger("own").info("own span");
      }
      LoggerFactory.getLogger("own").info("own after");
    } finally {
      span.end();
    }
    List<LogLine> lines = drainLines();
    assertThat(lines)
        .extracting(LogLine::text)
        .containsExactly(
            "trace_id=set-by-app span_id= trace_flags= own before",
            line(null, "own invalid"),
            line(span.getSpanContext(), "own span"),
            "trace_id=set-by-app span_id= trace_flags= own after");
    assertThat(lines.get(1).mdc()).isEmpty();
    MDC.remove(TRACE_ID);
    assertThat(MDC.get(TRACE_ID)).isNull();
    LoggerFactory.getLogger("own").info("removed");
    assertThat(drainLines()).singleElement().extracting(LogLine::mdc).isEqualTo(Map.of());
  }

  /** Log4j lookups of one key ({@code ${ctx:trace_id}}) ask the provider too. */
  @Test
  void singleKeyLookupsAnswerTheCurrentIds() {
    ContextDataInjector injector = ContextDataInjectorFactory.createInjector();
    Span span = tracer().spanBuilder("lookup").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      assertThat(injector.getValue(TRACE_ID)).isEqualTo(span.getSpanContext().getTraceId());
      assertThat(injector.getValue(SPAN_ID)).isEqualTo(span.getSpanContext().getSpanId());
      assertThat(injector.getValue(TRACE_FLAGS))
          .isEqualTo(span.getSpanContext().getTraceFlags().asHex());
    } finally {
      span.end();
    }
    assertThat(injector.getValue(TRACE_ID)).isNull();
  }

  /** Loading and calling the provider leaves no warning or error in Log4j's status log. */
  @Test
  void log4jReportsNoProblem() {
    Span span = tracer().spanBuilder("status").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      LoggerFactory.getLogger("status").info("status");
    } finally {
      span.end();
    }
    drainLines();
    assertThat(StatusLogger.getLogger().getStatusData())
        .extracting(StatusData::getFormattedStatus)
        .noneMatch(status -> status.contains("ContextDataProvider"))
        .noneMatch(status -> status.contains("oteltoolkit"));
  }

  /**
   * Behind an {@code AsyncAppender} the events are written on Log4j's own thread, where no span is
   * current: each still carries the ids of the span current on the logging thread, read when the
   * event was created.
   */
  @Test
  void asyncAppenderEventsCarryTheLoggingThreadsIds() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    AsyncAppender async =
        AsyncAppender.newBuilder()
            .setName("async-memory")
            .setAppenderRefs(
                new AppenderRef[] {AppenderRef.createAppenderRef("memory", null, null)})
            .setConfiguration(configuration)
            .setBlocking(true)
            .build();
    async.start();
    configuration.addAppender(async);
    LoggerConfig asyncLogger =
        LoggerConfig.newBuilder()
            .withLoggerName("async")
            .withLevel(Level.INFO)
            .withAdditivity(false)
            .withConfig(configuration)
            .build();
    asyncLogger.addAppender(async, Level.INFO, null);
    configuration.addLogger("async", asyncLogger);
    context.updateLoggers();
    org.slf4j.Logger logger = LoggerFactory.getLogger("async");
    Span outer = tracer().spanBuilder("outer").startSpan();
    Span inner = tracer().spanBuilder("inner").setParent(Context.root().with(outer)).startSpan();
    try {
      try (Scope ignored = outer.makeCurrent()) {
        logger.info("outer");
        try (Scope ignored2 = inner.makeCurrent()) {
          logger.info("inner");
        }
        logger.info("outer again");
      }
      logger.info("none");
    } finally {
      inner.end();
      outer.end();
      async.stop(); // writes every queued event before it returns
      configuration.removeLogger("async");
      context.updateLoggers();
    }
    assertThat(drainLines())
        .extracting(LogLine::text)
        .containsExactly(
            line(outer.getSpanContext(), "outer"),
            line(inner.getSpanContext(), "inner"),
            line(outer.getSpanContext(), "outer again"),
            line(null, "none"));
  }
}
