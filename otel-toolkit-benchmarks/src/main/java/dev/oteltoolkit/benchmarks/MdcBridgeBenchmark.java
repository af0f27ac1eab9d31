package dev.oteltoolkit.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import dev.oteltoolkit.logging.internal.MdcContextStorage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
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
 * The MDC bridge of {@code otel-toolkit-logging}, active as users get it: its {@code
 * ContextStorageProvider} wraps the context storage of this fork, and with Logback it is lazy: a
 * scope switch writes nothing, and {@code trace_id}, {@code span_id} and {@code trace_flags} are
 * answered from the current context when the MDC is read ({@code MDC.get}, or the event's MDC map
 * Logback builds for each log call). {@link MdcEagerBridgeBenchmark} runs the same ops with the
 * eager bridge (the ids written into the MDC on every scope switch and restored on close), which is
 * what backends other than Logback and Log4j 2 get (Log4j 2 is lazy too, through a {@code
 * ContextDataProvider}; not measured here, where Logback is the SLF4J backend).
 *
 * <ul>
 *   <li>{@code bridgeLog}: a scope switch into a sampled span and one {@code logger.info} call
 *       inside it; compared with {@code MdcBaselineBenchmark.officialLog} (the official appender,
 *       same op) and {@code MdcBaselineBenchmark.baselineLog} (no correlation).
 *   <li>{@code bridgeScopeOnly}: the scope switch alone, no log call: what the bridge adds to code
 *       that does not log; compared with {@code MdcBaselineBenchmark.baselineScopeOnly}.
 * </ul>
 *
 * <p>Fair by construction: the same span context (started once, always-on sampler), the same
 * Logback pipeline of {@link MdcSinkAppender}, which reads the ids from the event's MDC map exactly
 * as it does behind the official appender, and the same message. The setup checks that the sink
 * sees the span's ids and that the MDC is empty again after each op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = MdcBridgeBenchmark.MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class MdcBridgeBenchmark {

  /**
   * The bridge's default, spelled out: it overrides an {@code OTELTOOLKIT_MDC_ENABLED} variable of
   * the machine, and {@link BenchmarkSdk#create} fails the fork if the bridge is not active.
   */
  static final String MDC_BRIDGE = "-Doteltoolkit.mdc.enabled=true";

  private OpenTelemetrySdk sdk;
  private Span span;
  private Context spanContext;
  private LoggerContext logback;
  private MdcSinkAppender sink;
  private Logger logger;

  /**
   * Builds the SDK (checking the bridge is active), the span and the Logback pipeline, and runs
   * each op once to check what it produces.
   *
   * @param blackhole consumes what the sink reads from each event
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    sdk = BenchmarkSdk.create(Sampler.alwaysOn(), true);
    span = sdk.getTracer("dev.oteltoolkit.benchmarks.mdc").spanBuilder("GET /orders").startSpan();
    spanContext = Context.root().with(span);
    logback = MdcSinkAppender.resetLogback();
    sink = new MdcSinkAppender(logback, blackhole);
    logger = MdcSinkAppender.logger(logback, "dev.oteltoolkit.benchmarks.mdc.bridge", sink);
    check();
    if (MdcContextStorage.lazy() != lazy()) {
      throw new IllegalStateException(
          "the MDC bridge is " + (lazy() ? "eager" : "lazy") + " in this fork, expected the other");
    }
  }

  /**
   * Tells which bridge this class measures.
   *
   * @return true for the lazy one (Logback's default)
   */
  boolean lazy() {
    return true;
  }

  private void check() {
    SpanContext ids = span.getSpanContext();
    if (!ids.isSampled()) {
      throw new IllegalStateException("the span is not sampled");
    }
    requireEmptyMdc("before the first op");

    long before = sink.events();
    bridgeLog();
    sink.require("bridgeLog", before, ids.getTraceId(), ids.getSpanId());
    requireEmptyMdc("after bridgeLog");

    before = sink.events();
    bridgeThreeLogs();
    sink.require("bridgeThreeLogs", before + 2, ids.getTraceId(), ids.getSpanId());
    requireEmptyMdc("after bridgeThreeLogs");

    try (Scope ignored = spanContext.makeCurrent()) {
      if (!ids.getTraceId().equals(MDC.get(MdcSinkAppender.TRACE_ID))) {
        throw new IllegalStateException(
            "bridgeScopeOnly: the MDC inside the scope has trace_id="
                + MDC.get(MdcSinkAppender.TRACE_ID)
                + ", expected "
                + ids.getTraceId());
      }
    }
    before = sink.events();
    bridgeScopeOnly();
    if (sink.events() != before) {
      throw new IllegalStateException("bridgeScopeOnly: an event reached the sink");
    }
    requireEmptyMdc("after bridgeScopeOnly");
  }

  private static void requireEmptyMdc(String when) {
    if (MDC.get(MdcSinkAppender.TRACE_ID) != null || MDC.get(MdcSinkAppender.SPAN_ID) != null) {
      throw new IllegalStateException("the MDC holds ids " + when);
    }
  }

  /** Ends the span, stops Logback's context and shuts the SDK down. */
  @TearDown
  public void tearDown() {
    span.end();
    logback.reset();
    sdk.close();
  }

  /** The bridge: scope switch into the sampled span and one log call inside it. */
  @Benchmark
  public void bridgeLog() {
    try (Scope ignored = spanContext.makeCurrent()) {
      logger.info(MdcSinkAppender.MESSAGE);
    }
  }

  /**
   * The bridge: scope switch into the sampled span and three log calls inside it. The bridge writes
   * the MDC once per scope; the official appender copies it once per event, so this shows where the
   * two cross.
   */
  @Benchmark
  public void bridgeThreeLogs() {
    try (Scope ignored = spanContext.makeCurrent()) {
      logger.info(MdcSinkAppender.MESSAGE);
      logger.info(MdcSinkAppender.MESSAGE);
      logger.info(MdcSinkAppender.MESSAGE);
    }
  }

  /** The bridge: scope switch into the sampled span, no log call. */
  @Benchmark
  public void bridgeScopeOnly() {
    try (Scope ignored = spanContext.makeCurrent()) {
      // the scope switch (attach and close) is the op
    }
  }
}
