package dev.oteltoolkit.benchmarks.pipeline;

import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessorBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One span pipeline under measurement, built fresh for each step and closed (flushed) at its end:
 * either the toolkit as a user sets it up, or the raw SDK pipeline a careful user builds by hand.
 * Both export over OTLP to the same {@link ExportReceiver}, and both produce the same spans: one
 * root span named {@value #SPAN_NAME} per call, made current around an empty body, no attributes.
 */
interface ExportPipeline {

  /** The name of every span produced. */
  String SPAN_NAME = "export-benchmark";

  /** How long {@link #close()} waits for the last exports. */
  Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Produces one span through the pipeline, on the calling thread. */
  void span();

  /**
   * Exports every span queued so far.
   *
   * @return true when everything was exported within {@link #CLOSE_TIMEOUT}
   */
  boolean flush();

  /**
   * Flushes every queued span and shuts the pipeline down.
   *
   * @return true when everything was exported within {@link #CLOSE_TIMEOUT}
   */
  boolean close();

  /** Which pipeline. */
  enum Kind {
    /** {@code Telemetry.setup()} and {@code tracing.traced(name, body)}. */
    TOOLKIT("toolkit"),
    /** SdkTracerProvider + BatchSpanProcessor + the OTLP span exporter, raw spans. */
    RAW("raw");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * Builds a pipeline.
   *
   * @param kind toolkit or raw
   * @param config the batch processor settings
   * @param transport the OTLP transport
   * @param receiver where to export
   * @param run the run its spans are counted in
   */
  static ExportPipeline create(
      Kind kind,
      Config config,
      Transport transport,
      ExportReceiver receiver,
      ExportReceiver.Run run) {
    return create(kind, config, transport, receiver.endpoint(), run.id);
  }

  /**
   * Builds a pipeline exporting to any OTLP endpoint.
   *
   * @param endpoint the OTLP base URL
   * @param runId the value of the resource attribute {@link ExportReceiver#RUN_KEY}
   */
  static ExportPipeline create(
      Kind kind, Config config, Transport transport, String endpoint, String runId) {
    return kind == Kind.TOOLKIT
        ? new ToolkitPipeline(config, transport, endpoint, runId)
        : new RawPipeline(config, transport, endpoint, runId);
  }

  /**
   * Batch span processor settings; a null field keeps the pipeline's own default (the toolkit's or
   * the SDK's, see {@link #effective}).
   *
   * @param name {@code default}, {@code tuned}, ...
   * @param maxQueueSize {@code OTEL_BSP_MAX_QUEUE_SIZE}
   * @param maxExportBatchSize {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}
   * @param scheduleDelayMillis {@code OTEL_BSP_SCHEDULE_DELAY}
   */
  record Config(
      String name, Integer maxQueueSize, Integer maxExportBatchSize, Long scheduleDelayMillis) {

    /** The toolkit's default export batch size (see {@link #TOOLKIT_DEFAULTS}). */
    static final int TOOLKIT_DEFAULT_BATCH = Telemetry.DEFAULT_MAX_EXPORT_BATCH_SIZE;

    /**
     * The toolkit's defaults: {@code Telemetry.DEFAULT_MAX_QUEUE_SIZE}, {@code
     * Telemetry.DEFAULT_MAX_EXPORT_BATCH_SIZE}, {@code Telemetry.DEFAULT_SCHEDULE_DELAY_MILLIS}.
     */
    static final Config TOOLKIT_DEFAULTS =
        new Config(
            "default",
            Telemetry.DEFAULT_MAX_QUEUE_SIZE,
            Config.TOOLKIT_DEFAULT_BATCH,
            Telemetry.DEFAULT_SCHEDULE_DELAY_MILLIS);

    /**
     * The SDK's defaults, those of the OTEL_BSP_* specification (BatchSpanProcessorBuilder): 2048
     * spans, batches of 512, 5 s.
     */
    static final Config SDK_DEFAULTS = new Config("default", 2048, 512, 5000L);

    /**
     * The tuned configuration from {@code --tuned-queue}, {@code --tuned-batch} and {@code
     * --tuned-delay} (declared by {@link #tunedOptions}).
     */
    static Config tuned(PipelineOptions options) {
      Config tuned =
          new Config(
              "tuned",
              options.positiveInt("tuned-queue"),
              options.positiveInt("tuned-batch"),
              options.duration("tuned-delay").toMillis());
      if (tuned.maxExportBatchSize() > tuned.maxQueueSize()) {
        throw new IllegalArgumentException(
            "--tuned-batch "
                + tuned.maxExportBatchSize()
                + ": must not be larger than --tuned-queue "
                + tuned.maxQueueSize());
      }
      return tuned;
    }

    /** Declares the options {@link #tuned} reads. */
    static PipelineOptions tunedOptions(PipelineOptions options) {
      return options
          .option("tuned-queue", "32768", "32768", "OTEL_BSP_MAX_QUEUE_SIZE of the tuned config")
          .option(
              "tuned-batch", "8192", "8192", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE of the tuned config")
          .option("tuned-delay", "50ms", "50ms", "OTEL_BSP_SCHEDULE_DELAY of the tuned config");
    }

    /** Only the pipelines' own defaults. */
    static Config defaults() {
      return new Config("default", null, null, null);
    }

    /** The settings a pipeline of {@code kind} really runs with. */
    Config effective(Kind kind) {
      Config base = kind == Kind.TOOLKIT ? TOOLKIT_DEFAULTS : SDK_DEFAULTS;
      return new Config(
          name,
          maxQueueSize != null ? maxQueueSize : base.maxQueueSize,
          maxExportBatchSize != null ? maxExportBatchSize : base.maxExportBatchSize,
          scheduleDelayMillis != null ? scheduleDelayMillis : base.scheduleDelayMillis);
    }

    /** The settings as {@code otel.bsp.*} properties, for the toolkit's builder. */
    Map<String, String> properties() {
      Map<String, String> properties = new LinkedHashMap<>();
      if (maxQueueSize != null) {
        properties.put("otel.bsp.max.queue.size", maxQueueSize.toString());
      }
      if (maxExportBatchSize != null) {
        properties.put("otel.bsp.max.export.batch.size", maxExportBatchSize.toString());
      }
      if (scheduleDelayMillis != null) {
        properties.put("otel.bsp.schedule.delay", scheduleDelayMillis + "ms");
      }
      return properties;
    }

    /** For the report: the effective settings of {@code kind}. */
    Map<String, Object> describe(Kind kind) {
      Config effective = effective(kind);
      return PipelineReport.map(
          "config", name,
          "maxQueueSize", effective.maxQueueSize,
          "maxExportBatchSize", effective.maxExportBatchSize,
          "scheduleDelayMillis", effective.scheduleDelayMillis);
    }
  }

  /**
   * The toolkit as a user sets it up: {@code Telemetry.setup()} with the endpoint and protocol,
   * batch settings as {@code otel.bsp.*} configuration, everything else default (OTLP metrics and
   * logs too, the RED histogram, the request accumulator); spans from {@code traced()}.
   */
  final class ToolkitPipeline implements ExportPipeline {
    private static final ThrowingRunnable<RuntimeException> BODY = () -> {};

    private final Telemetry telemetry;
    private final Tracing tracing;

    ToolkitPipeline(Config config, Transport transport, String endpoint, String runId) {
      telemetry =
          Telemetry.setup()
              .serviceName("pipeline-benchmark")
              .resourceAttribute(ExportReceiver.RUN_KEY, runId)
              .endpoint(endpoint)
              .protocol(transport.protocol())
              // the settings come from here alone (the mains also refuse stray OTEL_* settings)
              .configProperties(config.properties())
              .build();
      tracing = telemetry.tracing();
    }

    @Override
    public void span() {
      tracing.traced(SPAN_NAME, BODY);
    }

    @Override
    public boolean flush() {
      return telemetry.forceFlush(CLOSE_TIMEOUT);
    }

    @Override
    public boolean close() {
      boolean flushed = telemetry.forceFlush(CLOSE_TIMEOUT);
      return telemetry.shutdown(CLOSE_TIMEOUT) && flushed;
    }
  }

  /**
   * The raw SDK pipeline configured by hand: {@code SdkTracerProvider} with the default resource
   * and sampler, one {@code BatchSpanProcessor} (the SDK's defaults, or the given settings) over
   * {@code OtlpGrpcSpanExporter} / {@code OtlpHttpSpanExporter} with their defaults; spans started,
   * made current and ended by hand. No metrics: the raw side does not record the RED histogram.
   */
  final class RawPipeline implements ExportPipeline {
    private final SdkTracerProvider tracerProvider;
    private final Tracer tracer;

    RawPipeline(Config config, Transport transport, String endpoint, String runId) {
      SpanExporter exporter =
          transport == Transport.GRPC
              ? OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build()
              : OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build();
      BatchSpanProcessorBuilder batch = BatchSpanProcessor.builder(exporter);
      if (config.maxQueueSize() != null) {
        batch.setMaxQueueSize(config.maxQueueSize());
      }
      if (config.maxExportBatchSize() != null) {
        batch.setMaxExportBatchSize(config.maxExportBatchSize());
      }
      if (config.scheduleDelayMillis() != null) {
        batch.setScheduleDelay(config.scheduleDelayMillis(), TimeUnit.MILLISECONDS);
      }
      tracerProvider =
          SdkTracerProvider.builder()
              .setResource(
                  Resource.getDefault()
                      .merge(
                          Resource.create(
                              Attributes.of(
                                  AttributeKey.stringKey("service.name"),
                                  "pipeline-benchmark",
                                  AttributeKey.stringKey(ExportReceiver.RUN_KEY),
                                  runId))))
              .addSpanProcessor(batch.build())
              .build();
      tracer = tracerProvider.get("dev.oteltoolkit.benchmarks.raw");
    }

    @Override
    public void span() {
      Span span = tracer.spanBuilder(SPAN_NAME).startSpan();
      try (Scope ignored = span.makeCurrent()) {
        // the same empty body as the toolkit side
      } finally {
        span.end();
      }
    }

    @Override
    public boolean flush() {
      return tracerProvider
          .forceFlush()
          .join(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .isSuccess();
    }

    @Override
    public boolean close() {
      boolean flushed =
          tracerProvider
              .forceFlush()
              .join(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .isSuccess();
      return tracerProvider
              .shutdown()
              .join(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .isSuccess()
          && flushed;
    }
  }
}
