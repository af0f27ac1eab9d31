package dev.oteltoolkit.core;

import dev.oteltoolkit.api.instrumentation.InstrumentationScope;
import dev.oteltoolkit.core.internal.ConsoleSpanExporter;
import dev.oteltoolkit.core.internal.ExportFailureLog;
import dev.oteltoolkit.core.internal.ExportOutcomes;
import dev.oteltoolkit.core.internal.ForceSampleSampler;
import dev.oteltoolkit.core.internal.FreshFlush;
import dev.oteltoolkit.core.internal.OtlpTarget;
import dev.oteltoolkit.core.internal.RedactingExceptionAttributes;
import dev.oteltoolkit.core.internal.TailSampler;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.logs.internal.SdkLoggerProviderUtil;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Assembles the OpenTelemetry SDK of a {@link Telemetry} through autoconfigure, with the toolkit's
 * customizers: its sampler (forced sampling, tail keeping), its span processors (console tree,
 * added exporters, tail keeping in front of the exporting processors), metric readers, log
 * processors, and export-outcome counting on every exporter.
 */
final class SdkAssembly {

  private static final Logger logger = Logger.getLogger(Telemetry.class.getName());
  private static final AtomicBoolean CONSOLE_ONLY_SAID = new AtomicBoolean();

  private final TelemetryOptions options;
  private final ResolvedConfig config;
  private final ExportOutcomes outcomes = new ExportOutcomes();

  /** The SDK's meter provider once built, for the batch processors' own metrics. */
  private volatile MeterProvider meterProvider = MeterProvider.noop();

  /** With tail keeping: the exporting processors (autoconfigure's and ours) behind it. */
  private final List<SpanProcessor> exporting = new ArrayList<>();

  private @Nullable TailSamplingSpanProcessor tailProcessor;

  /** The console tree view, shared by the span and log sides; null when console() is off. */
  private @Nullable ConsoleSpanExporter console;

  /** The tree view autoconfigure built for OTEL_TRACES_EXPORTER=console, fed the log records. */
  private @Nullable ConsoleSpanExporter namedConsole;

  /** How many log record processors export somewhere: none means log lines go nowhere. */
  private int logDestinations;

  private SdkAssembly(TelemetryOptions options, ResolvedConfig config) {
    this.options = options;
    this.config = config;
  }

  /**
   * Resolves {@code options} against the process's settings (or the injected ones) and builds the
   * telemetry; a disabled configuration gives a no-op telemetry.
   */
  static Telemetry create(TelemetryOptions options, boolean global) {
    ConfigSource source =
        options.configProperties() == null
            ? ConfigSource.fromProcess()
            : ConfigSource.fromMap(options.configProperties());
    ResolvedConfig config = ConfigResolver.resolve(options, source);
    if (!config.enabled()) {
      return Telemetry.disabled();
    }
    ExportFailureLog.install();
    boolean logsOn = !Boolean.FALSE.equals(options.exportLogs());
    ConfigSource.ConfigValue configFile = source.get(ConfigFile.PROPERTY);
    if (configFile != null) {
      return Attachments.attach(
          ConfigFile.create(configFile, options, config, global), logsOn, source);
    }
    if (config.consoleOnly() && CONSOLE_ONLY_SAID.compareAndSet(false, true)) {
      logger.info(
          "otel-toolkit: console() and no OTLP endpoint configured: telemetry is printed here and"
              + " not exported. Set OTEL_EXPORTER_OTLP_ENDPOINT (or endpoint(...)) to export too.");
    }
    SdkAssembly assembly = new SdkAssembly(options, config);
    OpenTelemetrySdk sdk = assembly.build();
    return Attachments.attach(
        new Telemetry(sdk, assembly.outcomes, config.describe(global)),
        logsOn && assembly.logDestinations > 0,
        source);
  }

  private OpenTelemetrySdk build() {
    AutoConfiguredOpenTelemetrySdkBuilder autoconfigure =
        AutoConfiguredOpenTelemetrySdk.builder()
            .disableShutdownHook()
            .addPropertiesCustomizer(properties -> config.properties())
            // every exporter counts its failed exports: a flush that lost data says so
            .addSpanExporterCustomizer(
                (exporter, properties) -> {
                  if (exporter instanceof ConsoleSpanExporter && namedConsole == null) {
                    // OTEL_TRACES_EXPORTER=console: its log records go to that tree view
                    namedConsole = (ConsoleSpanExporter) exporter;
                  }
                  return outcomes.track(exporter, otlpTarget(exporter, properties, "traces"));
                })
            .addMetricExporterCustomizer(
                (exporter, properties) ->
                    outcomes.track(exporter, otlpTarget(exporter, properties, "metrics")))
            .addLogRecordExporterCustomizer(
                (exporter, properties) ->
                    outcomes.track(exporter, otlpTarget(exporter, properties, "logs")))
            .addSamplerCustomizer((configured, properties) -> sampler(configured))
            .addTracerProviderCustomizer((builder, properties) -> tracerProvider(builder))
            .addMeterProviderCustomizer((builder, properties) -> meterProvider(builder))
            .addLoggerProviderCustomizer((builder, properties) -> loggerProvider(builder))
            // autoconfigure's batch processors flush what was queued before each flush request;
            // what they are handed is counted, so shutdown can say what did not get through
            .addLogRecordProcessorCustomizer(
                (processor, properties) -> {
                  logDestinations++;
                  return FreshFlush.logs(countedIfOtlp(processor, properties));
                })
            .addSpanProcessorCustomizer(
                (processor, properties) ->
                    exportingProcessor(countedIfOtlp(processor, properties)));
    OpenTelemetrySdk sdk;
    try {
      sdk = autoconfigure.build().getOpenTelemetrySdk();
    } catch (ConfigurationException e) {
      throw new IllegalArgumentException(
          "Invalid OpenTelemetry configuration: "
              + e.getMessage()
              + " (otel.x.y keys are set by OTEL_X_Y environment variables)",
          e);
    }
    meterProvider = sdk.getMeterProvider();
    if (tailProcessor != null) {
      tailProcessor.registerMetrics(InstrumentationScope.CORE.meter(sdk));
    }
    return sdk;
  }

  /** The collector of an OTLP exporter (so shutdown can tell when nothing is there), else null. */
  private static @Nullable URI otlpTarget(
      Object exporter, ConfigProperties properties, String signal) {
    return OtlpTarget.isOtlp(exporter) ? OtlpTarget.of(properties, signal) : null;
  }

  /** The batch processor autoconfigure built for OTLP (and other batched exporters), counted. */
  private SpanProcessor countedIfOtlp(SpanProcessor processor, ConfigProperties properties) {
    return processor instanceof BatchSpanProcessor
            && properties.getList("otel.traces.exporter", List.of("otlp")).contains("otlp")
        ? outcomes.countAccepted(processor)
        : processor;
  }

  private LogRecordProcessor countedIfOtlp(
      LogRecordProcessor processor, ConfigProperties properties) {
    return processor instanceof BatchLogRecordProcessor
            && properties.getList("otel.logs.exporter", List.of("otlp")).contains("otlp")
        ? outcomes.countAccepted(processor)
        : processor;
  }

  private Sampler sampler(Sampler configured) {
    Sampler sampler =
        new ForceSampleSampler(config.sampler() != null ? config.sampler() : configured);
    return config.tail() == null ? sampler : new TailSampler(sampler);
  }

  /** Autoconfigure's exporting processors (OTLP, named exporters); behind tail keeping if on. */
  private SpanProcessor exportingProcessor(SpanProcessor processor) {
    SpanProcessor fresh = FreshFlush.spans(processor);
    if (config.tail() == null) {
      return fresh;
    }
    exporting.add(fresh);
    return SpanProcessor.composite();
  }

  private SdkTracerProviderBuilder tracerProvider(SdkTracerProviderBuilder tracerProvider) {
    List<SpanProcessor> ours = new ArrayList<>();
    ConsoleSpanExporter view = consoleView();
    if (view != null) {
      ours.add(batch(view));
    }
    for (SpanExporter exporter : options.spanExporters()) {
      ours.add(batch(exporter));
    }
    ResolvedConfig.Tail tail = config.tail();
    if (tail == null) {
      ours.forEach(tracerProvider::addSpanProcessor);
      return tracerProvider;
    }
    exporting.addAll(ours);
    tailProcessor =
        TailSamplingSpanProcessor.create(
            exporting,
            tail.keepErrors(),
            tail.keepSlowerThan(),
            tail.keepHttpStatuses(),
            tail.maxHeldSpans(),
            tail.maxHeldSpansPerTrace(),
            tail.holdTimeout(),
            options.tailSamplingClock());
    return tracerProvider.addSpanProcessor(tailProcessor);
  }

  private SdkMeterProviderBuilder meterProvider(SdkMeterProviderBuilder builder) {
    for (MetricReader reader : options.metricReaders()) {
      builder.registerMetricReader(reader);
    }
    return builder;
  }

  private SdkLoggerProviderBuilder loggerProvider(SdkLoggerProviderBuilder builder) {
    ConsoleSpanExporter view = consoleView();
    if (view == null) {
      view = namedConsole;
    }
    if (view != null) {
      // synchronous: each record is in the tree view before its span ends and is printed
      logDestinations++;
      builder.addLogRecordProcessor(
          SimpleLogRecordProcessor.create(view.logRecordExporter(config.tail() != null)));
    }
    // exception messages of types that quote secrets (SQLException) redacted as on spans
    SdkLoggerProviderUtil.setExceptionAttributeResolver(
        builder, RedactingExceptionAttributes.INSTANCE);
    for (LogRecordExporter exporter : options.logRecordExporters()) {
      logDestinations++;
      builder.addLogRecordProcessor(
          FreshFlush.logs(
              BatchLogRecordProcessor.builder(outcomes.track(exporter))
                  .setScheduleDelay(config.scheduleDelayMillis(), TimeUnit.MILLISECONDS)
                  .build()));
    }
    return builder;
  }

  private @Nullable ConsoleSpanExporter consoleView() {
    PrintStream out = config.console();
    if (console == null && out != null) {
      console = ConsoleSpanExporter.create(out);
    }
    return console;
  }

  private SpanProcessor batch(SpanExporter exporter) {
    return FreshFlush.spans(
        BatchSpanProcessor.builder(outcomes.track(exporter))
            .setMaxQueueSize(config.maxQueueSize())
            .setMaxExportBatchSize(config.maxExportBatchSize())
            .setScheduleDelay(config.scheduleDelayMillis(), TimeUnit.MILLISECONDS)
            .setMeterProvider(() -> meterProvider)
            .build());
  }
}
