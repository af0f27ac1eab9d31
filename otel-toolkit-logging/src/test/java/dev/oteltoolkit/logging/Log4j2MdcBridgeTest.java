package dev.oteltoolkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The shared scenarios with Log4j 2, through its SLF4J binding (log4j-slf4j2-impl), as the only
 * backend: the {@code log4j2} surefire execution, which leaves Logback off the class path.
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
}
