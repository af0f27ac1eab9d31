package dev.oteltoolkit.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.oteltoolkit.logging.LogExport;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.api.config.IncludeExclude;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * One log line exported as an OpenTelemetry log record, inside a sampled span, with one MDC entry
 * of the application's: through the appender {@code otel-toolkit-logging} attaches (what {@code
 * Telemetry.setup()...build()} does, here through {@link LogExport#attach}) vs OpenTelemetry's
 * Logback appender installed by hand on the same SDK.
 *
 * <ul>
 *   <li>{@code toolkit}: the toolkit's appender on the root logger, its defaults (thread name,
 *       markers, the MDC but the bridge's own keys, key-value pairs; the loop guard filter).
 *   <li>{@code officialDefaults}: {@code OpenTelemetryAppender} with its defaults (no thread, no
 *       MDC), as most hand installations are.
 *   <li>{@code officialSameAttributes}: the same appender set to export what the toolkit does
 *       (experimental attributes, markers, every MDC entry but the three ids, key-value pairs).
 * </ul>
 *
 * <p>Same SDK for all: one logger provider whose processor turns each record into its exported form
 * ({@code toLogRecordData()}) and hands it to the blackhole, so the cost measured is the appender's
 * mapping and the SDK's record, not a network. The setup checks that each op emits exactly one
 * record with the span's trace id.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class LogExportBenchmark {

  private static final String MESSAGE = "order {} placed";

  private OpenTelemetrySdk sdk;
  private Span span;
  private Context spanContext;
  private LoggerContext logback;
  private LogExport export;
  private Sink sink;
  private Logger toolkit;
  private Logger officialDefaults;
  private Logger officialSameAttributes;

  /**
   * Builds the SDK, the span and the three Logback pipelines, and checks each op once.
   *
   * @param blackhole consumes each exported record
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    sink = new Sink(blackhole);
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().build())
            .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(sink).build())
            .build();
    span = sdk.getTracer("dev.oteltoolkit.benchmarks.logs").spanBuilder("GET /orders").startSpan();
    spanContext = Context.root().with(span);
    logback = MdcSinkAppender.resetLogback();
    logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
    export = LogExport.attach(sdk);
    if (!export.isAttached()) {
      throw new IllegalStateException("the toolkit's appender did not attach");
    }
    toolkit = logback.getLogger("dev.oteltoolkit.benchmarks.logs.toolkit"); // additive: root

    OpenTelemetryAppender defaults = new OpenTelemetryAppender();
    defaults.setContext(logback);
    defaults.setName("official-defaults");
    defaults.setOpenTelemetry(sdk);
    defaults.start();
    officialDefaults =
        MdcSinkAppender.logger(logback, "dev.oteltoolkit.benchmarks.logs.official", defaults);

    OpenTelemetryAppender same = new OpenTelemetryAppender();
    same.setContext(logback);
    same.setName("official-same-attributes");
    same.setCaptureExperimentalAttributes(true);
    same.setCaptureMarkerAttribute(true);
    same.setMdcAttributes(
        IncludeExclude.builder()
            .setIncluded("*")
            .setExcluded("trace_id", "span_id", "trace_flags")
            .build());
    same.setKeyValuePairAttributes(IncludeExclude.builder().setIncluded("*").build());
    same.setOpenTelemetry(sdk);
    same.start();
    officialSameAttributes =
        MdcSinkAppender.logger(logback, "dev.oteltoolkit.benchmarks.logs.same", same);

    MDC.put("tenant", "acme");
    check("toolkit", this::toolkit);
    check("officialDefaults", this::officialDefaults);
    check("officialSameAttributes", this::officialSameAttributes);
  }

  private void check(String name, Runnable op) {
    long before = sink.records.get();
    op.run();
    if (sink.records.get() != before + 1) {
      throw new IllegalStateException(
          name + ": " + (sink.records.get() - before) + " records emitted, expected 1");
    }
    if (!span.getSpanContext().getTraceId().equals(sink.lastTraceId)) {
      throw new IllegalStateException(name + ": the record has trace id " + sink.lastTraceId);
    }
  }

  /** Detaches the appenders, ends the span and shuts the SDK down. */
  @TearDown
  public void tearDown() {
    MDC.clear();
    export.close();
    span.end();
    logback.reset();
    sdk.close();
  }

  /** The toolkit's appender: one line in the span. */
  @Benchmark
  public void toolkit() {
    try (Scope ignored = spanContext.makeCurrent()) {
      toolkit.info(MESSAGE, 42);
    }
  }

  /** The official appender with its defaults: one line in the span. */
  @Benchmark
  public void officialDefaults() {
    try (Scope ignored = spanContext.makeCurrent()) {
      officialDefaults.info(MESSAGE, 42);
    }
  }

  /** The official appender set to the toolkit's attributes: one line in the span. */
  @Benchmark
  public void officialSameAttributes() {
    try (Scope ignored = spanContext.makeCurrent()) {
      officialSameAttributes.info(MESSAGE, 42);
    }
  }

  /** Turns each record into its exported form and consumes it. */
  private static final class Sink implements LogRecordProcessor {
    private final Blackhole blackhole;
    final AtomicLong records = new AtomicLong();
    volatile String lastTraceId;

    Sink(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void onEmit(Context context, ReadWriteLogRecord logRecord) {
      records.incrementAndGet();
      lastTraceId = logRecord.getSpanContext().getTraceId();
      blackhole.consume(logRecord.toLogRecordData());
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
