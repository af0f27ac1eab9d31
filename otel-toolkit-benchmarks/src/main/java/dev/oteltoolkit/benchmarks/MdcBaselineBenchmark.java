package dev.oteltoolkit.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The two sides {@code MdcBridgeBenchmark} is compared with, in forks where the MDC bridge is off:
 * the official {@code opentelemetry-logback-mdc-1.0} appender, and no log correlation at all.
 *
 * <ul>
 *   <li>{@code officialLog}: a scope switch into a sampled span and one {@code logger.info} call
 *       inside it, through the official {@code OpenTelemetryAppender}, which wraps the sink and
 *       copies the event's MDC map with {@code trace_id}, {@code span_id} and {@code trace_flags}
 *       of {@code Context.current()} added: the peer of {@code MdcBridgeBenchmark.bridgeLog}.
 *   <li>{@code baselineLog}: the same op, the logger wired straight to the sink: no ids reach the
 *       event. {@code bridgeLog} minus this is what the bridge costs per log call.
 *   <li>{@code baselineScopeOnly}: the scope switch alone, no log call, the plain context storage.
 *       {@code MdcBridgeBenchmark.bridgeScopeOnly} minus this is what the bridge adds to code that
 *       does not log (the official appender adds nothing there: it works only in the log call).
 * </ul>
 *
 * <p>Fair by construction: the same span context (started once, always-on sampler), the same {@link
 * MdcSinkAppender} at the end of each pipeline reading the event's MDC map the same way, and the
 * same message. The setup checks that the sink sees the span's ids through the official appender
 * and none without it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class MdcBaselineBenchmark {

  private OpenTelemetrySdk sdk;
  private Span span;
  private Context spanContext;
  private LoggerContext logback;
  private MdcSinkAppender sink;
  private Logger plainLogger;
  private Logger officialLogger;

  /**
   * Builds the SDK (checking the bridge is off), the span and both Logback pipelines, and runs each
   * op once to check what it produces.
   *
   * @param blackhole consumes what the sink reads from each event
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    sdk = BenchmarkSdk.create(Sampler.alwaysOn(), false);
    span = sdk.getTracer("dev.oteltoolkit.benchmarks.mdc").spanBuilder("GET /orders").startSpan();
    spanContext = Context.root().with(span);
    logback = MdcSinkAppender.resetLogback();
    sink = new MdcSinkAppender(logback, blackhole);
    plainLogger = MdcSinkAppender.logger(logback, "dev.oteltoolkit.benchmarks.mdc.plain", sink);

    OpenTelemetryAppender official = new OpenTelemetryAppender();
    official.setContext(logback);
    official.setName("opentelemetry-mdc");
    official.addAppender(sink);
    official.start();
    officialLogger =
        MdcSinkAppender.logger(logback, "dev.oteltoolkit.benchmarks.mdc.official", official);
    check();
  }

  private void check() {
    SpanContext ids = span.getSpanContext();
    if (!ids.isSampled()) {
      throw new IllegalStateException("the span is not sampled");
    }

    long before = sink.events();
    officialLog();
    sink.require("officialLog", before, ids.getTraceId(), ids.getSpanId());

    before = sink.events();
    baselineLog();
    sink.require("baselineLog", before, null, null);

    before = sink.events();
    officialThreeLogs();
    sink.require("officialThreeLogs", before + 2, ids.getTraceId(), ids.getSpanId());

    before = sink.events();
    baselineThreeLogs();
    sink.require("baselineThreeLogs", before + 2, null, null);

    before = sink.events();
    baselineScopeOnly();
    if (sink.events() != before) {
      throw new IllegalStateException("baselineScopeOnly: an event reached the sink");
    }
    try (Scope ignored = spanContext.makeCurrent()) {
      if (MDC.get(MdcSinkAppender.TRACE_ID) != null) {
        throw new IllegalStateException("the MDC holds a trace id with the bridge off");
      }
    }
  }

  /** Ends the span, stops Logback's context and shuts the SDK down. */
  @TearDown
  public void tearDown() {
    span.end();
    logback.reset();
    sdk.close();
  }

  /** The official appender: scope switch into the sampled span and one log call inside it. */
  @Benchmark
  public void officialLog() {
    try (Scope ignored = spanContext.makeCurrent()) {
      officialLogger.info(MdcSinkAppender.MESSAGE);
    }
  }

  /** No correlation: scope switch into the sampled span and one log call inside it. */
  @Benchmark
  public void baselineLog() {
    try (Scope ignored = spanContext.makeCurrent()) {
      plainLogger.info(MdcSinkAppender.MESSAGE);
    }
  }

  /** The official appender: scope switch into the sampled span and three log calls inside it. */
  @Benchmark
  public void officialThreeLogs() {
    try (Scope ignored = spanContext.makeCurrent()) {
      officialLogger.info(MdcSinkAppender.MESSAGE);
      officialLogger.info(MdcSinkAppender.MESSAGE);
      officialLogger.info(MdcSinkAppender.MESSAGE);
    }
  }

  /** No correlation: scope switch into the sampled span and three log calls inside it. */
  @Benchmark
  public void baselineThreeLogs() {
    try (Scope ignored = spanContext.makeCurrent()) {
      plainLogger.info(MdcSinkAppender.MESSAGE);
      plainLogger.info(MdcSinkAppender.MESSAGE);
      plainLogger.info(MdcSinkAppender.MESSAGE);
    }
  }

  /** No correlation: scope switch into the sampled span, no log call. */
  @Benchmark
  public void baselineScopeOnly() {
    try (Scope ignored = spanContext.makeCurrent()) {
      // the scope switch (attach and close) is the op
    }
  }
}
