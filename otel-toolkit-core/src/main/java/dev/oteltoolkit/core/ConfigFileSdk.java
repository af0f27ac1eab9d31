package dev.oteltoolkit.core;

import dev.oteltoolkit.api.instrumentation.InstrumentationScope;
import dev.oteltoolkit.core.ConfigSource.ConfigValue;
import dev.oteltoolkit.core.internal.ConsoleSpanExporter;
import dev.oteltoolkit.core.internal.ExportOutcomes;
import dev.oteltoolkit.core.internal.ForceSampleSampler;
import dev.oteltoolkit.core.internal.FreshFlush;
import dev.oteltoolkit.core.internal.TailSampler;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import io.opentelemetry.api.incubator.config.ConfigProvider;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfiguration;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.AttributeNameValueModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.LogRecordProcessorModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.LogRecordProcessorPropertyModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.LoggerProviderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.MeterProviderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.MetricReaderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OpenTelemetryConfigurationModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.PullMetricExporterModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.PullMetricExporterPropertyModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.PullMetricReaderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.ResourceModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.SamplerModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.SamplerPropertyModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.SpanProcessorModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.SpanProcessorPropertyModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.TracerProviderModel;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ExtendedDeclarativeConfigProperties;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessorBuilder;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds the SDK of a {@link Telemetry} from a configuration file with OpenTelemetry's {@link
 * DeclarativeConfiguration}, and adds what the toolkit adds.
 *
 * <p>How, as the declarative-config API of 1.65 offers no processor or sampler customizer: the
 * parsed model is rewritten before the SDK is created from it. The file's sampler and span
 * processors are built here (the sampler by {@link DeclarativeConfiguration#createSampler}, the
 * {@code batch} / {@code simple} processors around exporters of the registered component providers,
 * as the SDK builds them) and put back into the model as two components named {@value #TOOLKIT}:
 * the sampler wrapped in forced sampling (and tail keeping's sampler), the processors behind tail
 * keeping with the console view and the added exporters beside them. Added metric readers and log
 * exporters become components of their own. Component providers are handed to the SDK through a
 * {@link ComponentLoader} of this build only: nothing global, no service file.
 */
final class ConfigFileSdk {

  /** The name of the toolkit's components in the rewritten model. */
  static final String TOOLKIT = "oteltoolkit";

  private final ConfigValue setting;
  private final TelemetryOptions options;
  private final ResolvedConfig config;
  private final ExportOutcomes outcomes = new ExportOutcomes();
  private final ComponentLoader defaults =
      ComponentLoader.forClassLoader(ConfigFileSdk.class.getClassLoader());
  private final List<ComponentProvider> ours = new ArrayList<>();

  /** The SDK's meter provider once built, for the batch processors' own metrics. */
  private volatile MeterProvider meterProvider = MeterProvider.noop();

  private final List<SpanProcessor> built = new ArrayList<>();
  private @Nullable TailSamplingSpanProcessor tailProcessor;

  /** The console tree view, shared by the span and log sides; null when console() is off. */
  private @Nullable ConsoleSpanExporter console;

  private @Nullable RuntimeException toolkitFailure;

  private ConfigFileSdk(ConfigValue setting, TelemetryOptions options, ResolvedConfig config) {
    this.setting = setting;
    this.options = options;
    this.config = config;
  }

  static Telemetry create(
      ConfigValue setting,
      byte[] yaml,
      TelemetryOptions options,
      ResolvedConfig config,
      boolean global) {
    ConfigFileSdk assembly = new ConfigFileSdk(setting, options, config);
    OpenTelemetrySdk sdk = assembly.build(yaml);
    StringBuilder description =
        new StringBuilder("config-file=").append(ConfigFile.bounded(setting.value()));
    if (config.tail() != null) {
      description.append(", tail keeping");
    }
    if (global) {
      description.append(", global");
    }
    return new Telemetry(sdk, assembly.outcomes, description.toString());
  }

  private OpenTelemetrySdk build(byte[] yaml) {
    OpenTelemetryConfigurationModel model;
    try {
      model = DeclarativeConfiguration.parse(new ByteArrayInputStream(yaml));
    } catch (RuntimeException e) {
      throw ConfigFile.invalid(setting, "not a valid configuration file: " + problem(e));
    }
    if (model == null) {
      throw ConfigFile.invalid(
          setting, "is empty (a configuration starts with file_format: \"1.0\")");
    }
    if (model.getFileFormat() == null) {
      throw ConfigFile.invalid(setting, "has no file_format (write file_format: \"1.0\")");
    }
    try {
      if (!Boolean.TRUE.equals(model.getDisabled())) {
        addToolkit(model);
      }
      OpenTelemetrySdk sdk = DeclarativeConfiguration.create(model, this::load).getSdk();
      meterProvider = sdk.getMeterProvider();
      if (tailProcessor != null) {
        tailProcessor.registerMetrics(InstrumentationScope.CORE.meter(sdk));
      }
      return sdk;
    } catch (RuntimeException e) {
      // processors built here run threads: stop them when the SDK could not be made
      built.forEach(SpanProcessor::shutdown);
      throw ConfigFile.invalid(
          setting,
          "invalid configuration: " + problem(toolkitFailure != null ? toolkitFailure : e));
    }
  }

  /** Rewrites the model so that the SDK made from it holds what the toolkit adds. */
  private void addToolkit(OpenTelemetryConfigurationModel model) {
    fillResource(model);

    TracerProviderModel tracerProvider = model.getTracerProvider();
    if (tracerProvider == null) {
      tracerProvider = new TracerProviderModel();
      model.withTracerProvider(tracerProvider);
    }
    Sampler sampler = toolkitSampler(tracerProvider.getSampler());
    List<DeclarativeConfigProperties> fileProcessors = new ArrayList<>();
    if (tracerProvider.getProcessors() != null) {
      for (SpanProcessorModel processor : tracerProvider.getProcessors()) {
        fileProcessors.add(DeclarativeConfiguration.toConfigProperties(processor));
      }
    }
    register(Sampler.class, TOOLKIT, properties -> sampler);
    // built while the SDK is made, so that exporters see the SDK's configuration
    // (OpenTelemetry's own exporter providers require it)
    register(
        SpanProcessor.class,
        TOOLKIT,
        properties -> {
          try {
            return toolkitProcessor(fileProcessors, configProvider(properties));
          } catch (RuntimeException e) {
            toolkitFailure = e; // reported as it is, not as the SDK's "error configuring" wrapper
            throw e;
          }
        });
    tracerProvider.withSampler(
        new SamplerModel().withAdditionalProperty(TOOLKIT, new SamplerPropertyModel()));
    List<SpanProcessorModel> processors = new ArrayList<>();
    processors.add(
        new SpanProcessorModel().withAdditionalProperty(TOOLKIT, new SpanProcessorPropertyModel()));
    tracerProvider.withProcessors(processors);

    List<MetricReader> readers = options.metricReaders();
    if (!readers.isEmpty()) {
      MeterProviderModel meterProvider = model.getMeterProvider();
      if (meterProvider == null) {
        meterProvider = new MeterProviderModel();
        model.withMeterProvider(meterProvider);
      }
      List<MetricReaderModel> readerModels =
          meterProvider.getReaders() == null
              ? new ArrayList<>()
              : new ArrayList<>(meterProvider.getReaders());
      for (int i = 0; i < readers.size(); i++) {
        MetricReader reader = readers.get(i);
        String name = TOOLKIT + "_reader_" + i;
        register(MetricReader.class, name, properties -> reader);
        readerModels.add(
            new MetricReaderModel()
                .withPull(
                    new PullMetricReaderModel()
                        .withExporter(
                            new PullMetricExporterModel()
                                .withAdditionalProperty(
                                    name, new PullMetricExporterPropertyModel()))));
      }
      meterProvider.withReaders(readerModels);
    }

    if (!options.logRecordExporters().isEmpty() || options.console() != null) {
      LoggerProviderModel loggerProvider = model.getLoggerProvider();
      if (loggerProvider == null) {
        loggerProvider = new LoggerProviderModel();
        model.withLoggerProvider(loggerProvider);
      }
      List<LogRecordProcessorModel> logProcessors =
          loggerProvider.getProcessors() == null
              ? new ArrayList<>()
              : new ArrayList<>(loggerProvider.getProcessors());
      register(LogRecordProcessor.class, TOOLKIT, properties -> addedLogProcessors());
      logProcessors.add(
          new LogRecordProcessorModel()
              .withAdditionalProperty(TOOLKIT, new LogRecordProcessorPropertyModel()));
      loggerProvider.withProcessors(logProcessors);
    }
  }

  /**
   * The builder's resource calls fill in the keys the file's {@code attributes} and {@code
   * attributes_list} do not set.
   */
  private void fillResource(OpenTelemetryConfigurationModel model) {
    Map<String, String> fromCode = new LinkedHashMap<>(options.resourceAttributes());
    if (options.serviceName() != null) {
      fromCode.put("service.name", options.serviceName());
    }
    if (options.serviceVersion() != null) {
      fromCode.put("service.version", options.serviceVersion());
    }
    if (options.environment() != null) {
      fromCode.put("deployment.environment.name", options.environment());
    }
    if (fromCode.isEmpty()) {
      return;
    }
    ResourceModel resource = model.getResource();
    if (resource == null) {
      resource = new ResourceModel();
      model.withResource(resource);
    }
    List<AttributeNameValueModel> attributes =
        resource.getAttributes() == null
            ? new ArrayList<>()
            : new ArrayList<>(resource.getAttributes());
    Set<String> inFile = new HashSet<>();
    attributes.forEach(attribute -> inFile.add(attribute.getName()));
    if (resource.getAttributesList() != null) {
      for (String entry : resource.getAttributesList().split(",", -1)) {
        int equals = entry.indexOf('=');
        inFile.add((equals < 0 ? entry : entry.substring(0, equals)).trim());
      }
    }
    fromCode.forEach(
        (key, value) -> {
          if (!inFile.contains(key)) {
            attributes.add(new AttributeNameValueModel().withName(key).withValue(value));
          }
        });
    resource.withAttributes(attributes);
  }

  /**
   * The file's sampler (else the builder's, else parent-based always-on as OpenTelemetry's
   * default), under forced sampling and, with tail keeping, its sampler.
   */
  private Sampler toolkitSampler(SamplerModel fromFile) {
    Sampler base;
    if (fromFile != null) {
      base =
          DeclarativeConfiguration.createSampler(
              DeclarativeConfiguration.toConfigProperties(fromFile));
    } else if (options.sampler() != null) {
      base = options.sampler();
    } else {
      double ratio = options.samplingRatio() != null ? options.samplingRatio() : 1.0;
      base = Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
    }
    Sampler sampler = new ForceSampleSampler(base);
    return config.tail() == null ? sampler : new TailSampler(sampler);
  }

  /** The file's span processors, the console view and the added exporters; behind tail keeping. */
  private SpanProcessor toolkitProcessor(
      List<DeclarativeConfigProperties> fromFile, ConfigProvider configProvider) {
    List<SpanProcessor> exporting = new ArrayList<>();
    for (DeclarativeConfigProperties processor : fromFile) {
      exporting.add(remember(spanProcessor(new WithConfigProvider(processor, configProvider))));
    }
    ConsoleSpanExporter view = consoleView();
    if (view != null) {
      exporting.add(remember(batch(view)));
    }
    for (SpanExporter exporter : options.spanExporters()) {
      exporting.add(remember(batch(exporter)));
    }
    ResolvedConfig.Tail tail = config.tail();
    if (tail == null) {
      return SpanProcessor.composite(exporting);
    }
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
    return tailProcessor;
  }

  /** One span processor of the file: {@code batch}, {@code simple} or a component's. */
  private SpanProcessor spanProcessor(DeclarativeConfigProperties node) {
    String kind = singleKey(node, "span processor");
    DeclarativeConfigProperties properties =
        node.getStructured(kind, DeclarativeConfigProperties.empty());
    switch (kind) {
      case "batch" -> {
        BatchSpanProcessorBuilder batch =
            BatchSpanProcessor.builder(outcomes.track(spanExporter(properties, "batch")));
        Long scheduleDelay = properties.getLong("schedule_delay");
        if (scheduleDelay != null) {
          batch.setScheduleDelay(Duration.ofMillis(scheduleDelay));
        }
        Long exportTimeout = properties.getLong("export_timeout");
        if (exportTimeout != null) {
          batch.setExporterTimeout(Duration.ofMillis(exportTimeout));
        }
        Integer maxQueueSize = properties.getInt("max_queue_size");
        if (maxQueueSize != null) {
          batch.setMaxQueueSize(maxQueueSize);
        }
        Integer maxExportBatchSize = properties.getInt("max_export_batch_size");
        if (maxExportBatchSize != null) {
          batch.setMaxExportBatchSize(maxExportBatchSize);
        }
        return FreshFlush.spans(batch.setMeterProvider(() -> meterProvider).build());
      }
      case "simple" -> {
        return SimpleSpanProcessor.builder(outcomes.track(spanExporter(properties, "simple")))
            .setMeterProvider(() -> meterProvider)
            .build();
      }
      default -> {
        return component(SpanProcessor.class, kind, properties);
      }
    }
  }

  /** The exporter of a {@code batch} or {@code simple} processor; {@code console} is our tree. */
  private SpanExporter spanExporter(DeclarativeConfigProperties processor, String kind) {
    DeclarativeConfigProperties node = processor.getStructured("exporter");
    if (node == null) {
      throw new IllegalArgumentException("a " + kind + " span processor needs an exporter");
    }
    String name = singleKey(node, "span exporter");
    if (name.equals("console")) {
      return ConsoleSpanExporter.create(System.out);
    }
    return component(
        SpanExporter.class, name, node.getStructured(name, DeclarativeConfigProperties.empty()));
  }

  /** Creates a component by its registered provider, as the SDK does for the names it meets. */
  private <T> T component(Class<T> type, String name, DeclarativeConfigProperties properties) {
    List<ComponentProvider> matching = new ArrayList<>();
    for (ComponentProvider provider : defaults.load(ComponentProvider.class)) {
      if (provider.getType() == type && name.equals(provider.getName())) {
        matching.add(provider);
      }
    }
    if (matching.size() != 1) {
      throw new IllegalArgumentException(
          matching.isEmpty()
              ? "no "
                  + type.getSimpleName()
                  + " named \""
                  + name
                  + "\" (misspelt, or its"
                  + " artifact is not on the class path)"
              : "more than one provider of " + type.getSimpleName() + " \"" + name + "\"");
    }
    Object component = matching.get(0).create(properties);
    if (!type.isInstance(component)) {
      throw new IllegalArgumentException(
          type.getSimpleName() + " \"" + name + "\" was not created");
    }
    return type.cast(component);
  }

  private static String singleKey(DeclarativeConfigProperties node, String what) {
    Set<String> keys = node.getPropertyKeys();
    if (keys.size() != 1) {
      throw new IllegalArgumentException(
          "a " + what + " must have exactly one kind, found " + keys);
    }
    return keys.iterator().next();
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

  private LogRecordProcessor addedLogProcessors() {
    List<LogRecordProcessor> processors = new ArrayList<>();
    ConsoleSpanExporter view = consoleView();
    if (view != null) {
      // synchronous: each record is in the tree view before its span ends and is printed
      processors.add(
          SimpleLogRecordProcessor.create(view.logRecordExporter(config.tail() != null)));
    }
    for (LogRecordExporter exporter : options.logRecordExporters()) {
      processors.add(
          FreshFlush.logs(
              BatchLogRecordProcessor.builder(outcomes.track(exporter))
                  .setScheduleDelay(config.scheduleDelayMillis(), TimeUnit.MILLISECONDS)
                  .build()));
    }
    return LogRecordProcessor.composite(processors);
  }

  private @Nullable ConsoleSpanExporter consoleView() {
    PrintStream out = options.console();
    if (console == null && out != null) {
      console = ConsoleSpanExporter.create(out);
    }
    return console;
  }

  private SpanProcessor remember(SpanProcessor processor) {
    built.add(processor);
    return processor;
  }

  /** Registers a component of this build under {@code name}. */
  private void register(
      Class<?> type, String name, Function<DeclarativeConfigProperties, ?> component) {
    ours.add(
        new ComponentProvider() {
          @Override
          public Class<?> getType() {
            return type;
          }

          @Override
          public String getName() {
            return name;
          }

          @Override
          public Object create(DeclarativeConfigProperties properties) {
            return component.apply(properties);
          }
        });
  }

  /** The SDK's component loader: the class path's, plus this build's components. */
  private <T> Iterable<T> load(Class<T> type) {
    List<T> loaded = new ArrayList<>();
    defaults.load(type).forEach(loaded::add);
    if (type == ComponentProvider.class) {
      ours.forEach(provider -> loaded.add(type.cast(provider)));
    }
    return loaded;
  }

  /** The SDK's view of the whole configuration, which OpenTelemetry's exporter providers read. */
  private static ConfigProvider configProvider(DeclarativeConfigProperties properties) {
    return properties
            instanceof ExtendedDeclarativeConfigProperties extendedDeclarativeConfigProperties
        ? extendedDeclarativeConfigProperties.getConfigProvider()
        : ConfigProvider.noop();
  }

  /**
   * A node of the file with the SDK's {@link ConfigProvider}, as the SDK hands nodes to component
   * providers (OpenTelemetry's OTLP exporter providers accept no other kind).
   */
  private static final class WithConfigProvider implements ExtendedDeclarativeConfigProperties {
    private final DeclarativeConfigProperties delegate;
    private final ConfigProvider configProvider;

    WithConfigProvider(DeclarativeConfigProperties delegate, ConfigProvider configProvider) {
      this.delegate = delegate;
      this.configProvider = configProvider;
    }

    @Override
    public ConfigProvider getConfigProvider() {
      return configProvider;
    }

    @Override
    public String getString(String name) {
      return delegate.getString(name);
    }

    @Override
    public Boolean getBoolean(String name) {
      return delegate.getBoolean(name);
    }

    @Override
    public Integer getInt(String name) {
      return delegate.getInt(name);
    }

    @Override
    public Long getLong(String name) {
      return delegate.getLong(name);
    }

    @Override
    public Double getDouble(String name) {
      return delegate.getDouble(name);
    }

    @Override
    public <T> List<T> getScalarList(String name, Class<T> scalarType) {
      return delegate.getScalarList(name, scalarType);
    }

    @Override
    public @Nullable DeclarativeConfigProperties getStructured(String name) {
      DeclarativeConfigProperties child = delegate.getStructured(name);
      return child == null ? null : new WithConfigProvider(child, configProvider);
    }

    @Override
    public @Nullable List<DeclarativeConfigProperties> getStructuredList(String name) {
      List<DeclarativeConfigProperties> children = delegate.getStructuredList(name);
      if (children == null) {
        return null;
      }
      List<DeclarativeConfigProperties> wrapped = new ArrayList<>();
      children.forEach(child -> wrapped.add(new WithConfigProvider(child, configProvider)));
      return wrapped;
    }

    @Override
    public Set<String> getPropertyKeys() {
      return delegate.getPropertyKeys();
    }

    @Override
    public ComponentLoader getComponentLoader() {
      return delegate.getComponentLoader();
    }
  }

  /** The innermost useful message of a parse or create failure. */
  private static String problem(Throwable e) {
    StringBuilder out = new StringBuilder();
    Throwable cause = e;
    for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !message.isBlank() && out.indexOf(message) < 0) {
        if (out.length() > 0) {
          out.append(": ");
        }
        out.append(message.replace('\n', ' '));
      }
    }
    return ConfigFile.bounded(out.length() > 0 ? out.toString() : e.getClass().getName());
  }
}
