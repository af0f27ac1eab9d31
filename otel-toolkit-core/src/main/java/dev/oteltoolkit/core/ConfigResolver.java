package dev.oteltoolkit.core;

import dev.oteltoolkit.core.ConfigSource.ConfigValue;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import java.io.PrintStream;
import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a {@link TelemetryBuilder}'s options against system properties and environment
 * variables: validates what the toolkit adds or maps (so errors name the setting as the user wrote
 * it) and computes the {@code otel.*} properties handed to autoconfigure.
 */
final class ConfigResolver {

  static final String KEEP_ERRORS = "oteltoolkit.sampling.keep_errors";
  static final String KEEP_SLOWER_THAN = "oteltoolkit.sampling.keep_slower_than";
  static final String KEEP_HTTP_STATUS = "oteltoolkit.sampling.keep_http_status";
  static final String MAX_HELD_SPANS = "oteltoolkit.sampling.max_held_spans";
  static final String MAX_HELD_SPANS_PER_TRACE = "oteltoolkit.sampling.max_held_spans_per_trace";
  static final String HOLD_TIMEOUT = "oteltoolkit.sampling.hold_timeout";
  private static final String PROMETHEUS_CLASS =
      "io.opentelemetry.exporter.prometheus.PrometheusHttpServer";

  private ConfigResolver() {}

  static ResolvedConfig resolve(TelemetryOptions options, ConfigSource settings) {
    validateOptions(options);
    LookalikeSettings.warnAbout(settings);
    boolean enabled = options.enabled();
    ConfigValue sdkDisabled = settings.get("otel.sdk.disabled");
    ConfigValue otelEnabled = settings.get("otel.enabled");
    if (otelEnabled != null) {
      enabled = ConfigValidation.bool(otelEnabled.name(), otelEnabled.value());
    }
    if (sdkDisabled != null && ConfigValidation.bool(sdkDisabled.name(), sdkDisabled.value())) {
      enabled = false;
    }
    if (!enabled) {
      return ResolvedConfig.DISABLED;
    }

    Map<String, String> properties = new LinkedHashMap<>();
    passThrough(options, properties);

    // service and resource
    ConfigValue serviceName = settings.get("otel.service.name");
    if (serviceName != null) {
      properties.put(
          "otel.service.name", ConfigValidation.notBlank(serviceName.name(), serviceName.value()));
    } else if (options.serviceName() != null) {
      properties.put("otel.service.name", options.serviceName());
    }
    Map<String, String> resource = new LinkedHashMap<>();
    options.resourceAttributes().forEach((k, v) -> resource.put(k, ConfigValidation.encode(v)));
    if (options.serviceVersion() != null) {
      resource.put("service.version", ConfigValidation.encode(options.serviceVersion()));
    }
    if (options.environment() != null) {
      resource.put("deployment.environment.name", ConfigValidation.encode(options.environment()));
    }
    mergeList(resource, settings.environmentVariable("otel.resource.attributes"));
    mergeList(resource, settings.systemProperty("otel.resource.attributes"));
    if (!resource.isEmpty()) {
      properties.put("otel.resource.attributes", ConfigValidation.joinList(resource));
    }

    // OTLP endpoint, protocol, headers, timeout, compression
    ConfigValue endpoint = settings.get("otel.exporter.otlp.endpoint");
    if (endpoint != null) {
      properties.put(
          "otel.exporter.otlp.endpoint",
          ConfigValidation.endpoint(endpoint.name(), endpoint.value()));
    } else if (options.endpoint() != null) {
      properties.put("otel.exporter.otlp.endpoint", options.endpoint().trim());
    }
    ConfigValue protocol = settings.get("otel.exporter.otlp.protocol");
    if (protocol != null) {
      properties.put(
          "otel.exporter.otlp.protocol",
          ConfigValidation.protocol(protocol.name(), protocol.value()));
    } else if (options.protocol() != null) {
      properties.put("otel.exporter.otlp.protocol", options.protocol().trim());
    }
    for (String signal : new String[] {"traces", "metrics", "logs"}) {
      ConfigValue signalEndpoint = settings.get("otel.exporter.otlp." + signal + ".endpoint");
      if (signalEndpoint != null) {
        ConfigValidation.endpoint(signalEndpoint.name(), signalEndpoint.value());
      }
      ConfigValue signalProtocol = settings.get("otel.exporter.otlp." + signal + ".protocol");
      if (signalProtocol != null) {
        ConfigValidation.protocol(signalProtocol.name(), signalProtocol.value());
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    options.headers().forEach((k, v) -> headers.put(k, ConfigValidation.encode(v)));
    mergeList(headers, settings.environmentVariable("otel.exporter.otlp.headers"));
    mergeList(headers, settings.systemProperty("otel.exporter.otlp.headers"));
    if (!headers.isEmpty()) {
      properties.put("otel.exporter.otlp.headers", ConfigValidation.joinList(headers));
    }
    if (settings.get("otel.exporter.otlp.timeout") == null && options.timeout() != null) {
      properties.put("otel.exporter.otlp.timeout", Long.toString(options.timeout().toMillis()));
    }
    ConfigValue compression = settings.get("otel.exporter.otlp.compression");
    if (compression != null) {
      properties.put(
          "otel.exporter.otlp.compression",
          ConfigValidation.compression(compression.name(), compression.value()));
    } else if (options.compression() != null) {
      properties.put(
          "otel.exporter.otlp.compression", options.compression().trim().toLowerCase(Locale.ROOT));
    }

    // sampling
    io.opentelemetry.sdk.trace.samplers.Sampler samplerInstance = null;
    ConfigValue sampler = settings.get("otel.traces.sampler");
    // OTEL_SAMPLING_RATE (seed variable) or, as our default sampler is a ratio sampler, the
    // standard OTEL_TRACES_SAMPLER_ARG alone
    ConfigValue rate = settings.get("otel.sampling.rate");
    if (rate == null && sampler == null) {
      rate = settings.get("otel.traces.sampler.arg");
    }
    if (sampler != null) {
      if (sampler.value().contains("traceidratio")) {
        ConfigValue arg = settings.get("otel.traces.sampler.arg");
        if (arg != null) {
          ConfigValidation.ratio(arg.name(), arg.value());
        }
      }
    } else if (rate != null) {
      double ratio = ConfigValidation.ratio(rate.name(), rate.value());
      properties.put("otel.traces.sampler", "parentbased_traceidratio");
      properties.put("otel.traces.sampler.arg", Double.toString(ratio));
    } else if (options.sampler() != null) {
      samplerInstance = options.sampler();
    } else {
      double ratio = options.samplingRatio() != null ? options.samplingRatio() : 1.0;
      properties.put("otel.traces.sampler", "parentbased_traceidratio");
      properties.put("otel.traces.sampler.arg", Double.toString(ratio));
    }

    // exporters: OTEL_*_EXPORTER replaces the named set; added instances always stay. console()
    // with no endpoint anywhere (and OTLP not asked for in code) prints only: no collector needed
    boolean consoleOnly =
        options.otlp() == null
            && options.console() != null
            && !endpointConfigured(options, settings);
    boolean otlp = options.otlp() != null ? options.otlp() : !consoleOnly;
    PrintStream console = null;
    if (settings.get("otel.traces.exporter") == null) {
      properties.put("otel.traces.exporter", otlp ? "otlp" : "none");
      console = options.console();
    }
    ConfigValue metricsExporter = settings.get("otel.metrics.exporter");
    if (metricsExporter == null) {
      StringBuilder names = new StringBuilder(otlp ? "otlp" : "");
      if (options.prometheusPort() != null) {
        requirePrometheus("prometheus(" + options.prometheusPort() + ")");
        names.append(names.length() > 0 ? "," : "").append("prometheus");
        if (settings.get("otel.exporter.prometheus.port") == null) {
          properties.put(
              "otel.exporter.prometheus.port", Integer.toString(options.prometheusPort()));
        }
      }
      properties.put("otel.metrics.exporter", names.length() > 0 ? names.toString() : "none");
    } else if (metricsExporter.value().contains("prometheus")) {
      requirePrometheus(metricsExporter.name() + "=" + metricsExporter.value());
    }
    if (settings.get("otel.logs.exporter") == null) {
      properties.put("otel.logs.exporter", otlp ? "otlp" : "none");
    }

    // batch processing: a queue sized for bursts, exports every 50 ms or each full batch
    int maxQueueSize =
        positiveInt(settings.get("otel.bsp.max.queue.size"), Telemetry.DEFAULT_MAX_QUEUE_SIZE);
    int maxExportBatchSize =
        positiveInt(
            settings.get("otel.bsp.max.export.batch.size"),
            Math.min(Telemetry.DEFAULT_MAX_EXPORT_BATCH_SIZE, maxQueueSize));
    if (maxExportBatchSize > maxQueueSize) {
      throw ConfigValidation.invalid(
          ConfigSource.environmentName("otel.bsp.max.export.batch.size"),
          maxExportBatchSize,
          "must not be larger than the queue size " + maxQueueSize);
    }
    long scheduleDelay =
        millis(settings.get("otel.bsp.schedule.delay"), Telemetry.DEFAULT_SCHEDULE_DELAY_MILLIS);
    properties.put("otel.bsp.max.queue.size", Integer.toString(maxQueueSize));
    properties.put("otel.bsp.max.export.batch.size", Integer.toString(maxExportBatchSize));
    properties.put("otel.bsp.schedule.delay", Long.toString(scheduleDelay));
    return new ResolvedConfig(
        true,
        properties,
        samplerInstance,
        console,
        maxQueueSize,
        maxExportBatchSize,
        scheduleDelay,
        tailSampling(options, settings),
        consoleOnly && settings.get("otel.traces.exporter") == null);
  }

  /** Whether an OTLP endpoint is set in code or by any setting (general or per signal). */
  private static boolean endpointConfigured(TelemetryOptions options, ConfigSource settings) {
    if (options.endpoint() != null || settings.get("otel.exporter.otlp.endpoint") != null) {
      return true;
    }
    for (String signal : new String[] {"traces", "metrics", "logs"}) {
      if (settings.get("otel.exporter.otlp." + signal + ".endpoint") != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tail sampling's settings ({@code oteltoolkit.sampling.*}, toolkit settings like {@code
   * oteltoolkit.mdc.*}), all validated even while it is off; null when it is off.
   */
  private static ResolvedConfig.@Nullable Tail tailSampling(
      TelemetryOptions options, ConfigSource settings) {
    boolean keepErrors = options.keepErrors();
    ConfigValue keepErrorsSetting = settings.get(KEEP_ERRORS);
    if (keepErrorsSetting != null) {
      keepErrors = ConfigValidation.bool(keepErrorsSetting.name(), keepErrorsSetting.value());
    }
    Duration keepSlowerThan = options.keepSlowerThan();
    ConfigValue slower = settings.get(KEEP_SLOWER_THAN);
    if (slower != null) {
      if (slower.value().trim().equalsIgnoreCase("off")) {
        keepSlowerThan = null;
      } else {
        long threshold = millis(slower, 0, "must be a duration like 500ms, 2s or 1m, or off");
        if (threshold <= 0) {
          throw ConfigValidation.invalid(slower.name(), slower.value(), "must be positive, or off");
        }
        keepSlowerThan = Duration.ofMillis(threshold);
      }
    }
    int maxHeldSpans =
        positiveInt(settings.get(MAX_HELD_SPANS), TailSamplingSpanProcessor.DEFAULT_MAX_HELD_SPANS);
    int maxHeldSpansPerTrace =
        positiveInt(
            settings.get(MAX_HELD_SPANS_PER_TRACE),
            TailSamplingSpanProcessor.DEFAULT_MAX_HELD_SPANS_PER_TRACE);
    ConfigValue timeout = settings.get(HOLD_TIMEOUT);
    Duration holdTimeout = TailSamplingSpanProcessor.DEFAULT_HOLD_TIMEOUT;
    if (timeout != null) {
      long millis = millis(timeout, 0, "must be a positive duration like 30s or 2m");
      if (millis <= 0) {
        throw ConfigValidation.invalid(
            timeout.name(), timeout.value(), "must be a positive duration like 30s or 2m");
      }
      holdTimeout = Duration.ofMillis(millis);
    }
    BitSet keepHttpStatuses =
        httpStatuses(options.keepHttpStatuses(), settings.get(KEEP_HTTP_STATUS));
    if (!keepErrors && keepSlowerThan == null && keepHttpStatuses.isEmpty()) {
      return null;
    }
    return new ResolvedConfig.Tail(
        keepErrors,
        keepSlowerThan,
        keepHttpStatuses,
        maxHeldSpans,
        maxHeldSpansPerTrace,
        holdTimeout);
  }

  /** The HTTP statuses to keep: the setting's comma list ({@code off}: none) wins over code. */
  private static BitSet httpStatuses(Set<Integer> fromCode, @Nullable ConfigValue setting) {
    BitSet statuses = new BitSet(600);
    if (setting == null) {
      fromCode.forEach(statuses::set);
      return statuses;
    }
    if (setting.value().trim().equalsIgnoreCase("off")) {
      return statuses;
    }
    for (String part : setting.value().split(",", -1)) {
      String status = part.trim();
      int code;
      try {
        code = Integer.parseInt(status);
      } catch (NumberFormatException e) {
        code = -1;
      }
      if (code < 100 || code > 599) {
        throw ConfigValidation.invalid(
            setting.name(),
            setting.value(),
            "must be HTTP status codes from 100 to 599, comma separated, or off");
      }
      statuses.set(code);
    }
    return statuses;
  }

  /** Validates what the code set, whatever the environment says, so code bugs fail early. */
  private static void validateOptions(TelemetryOptions options) {
    if (options.serviceName() != null) {
      ConfigValidation.notBlank("serviceName", options.serviceName());
    }
    if (options.samplingRatio() != null) {
      ConfigValidation.checkRatio("samplingRatio", options.samplingRatio());
    }
    if (options.endpoint() != null) {
      ConfigValidation.endpoint("endpoint", options.endpoint());
    }
    if (options.protocol() != null) {
      ConfigValidation.protocol("protocol", options.protocol());
    }
    if (options.compression() != null) {
      ConfigValidation.compression("compression", options.compression());
    }
    for (Map.Entry<String, String> header : options.headers().entrySet()) {
      ConfigValidation.checkHeader(header.getKey(), header.getValue());
    }
    for (String key : options.resourceAttributes().keySet()) {
      if (key.trim().isEmpty()) {
        throw ConfigValidation.invalid(
            "resourceAttribute", "'" + key + "'", "the key must not be blank");
      }
    }
    Duration timeout = options.timeout();
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw ConfigValidation.invalid("timeout", timeout, "must be positive");
    }
    Duration keepSlowerThan = options.keepSlowerThan();
    if (keepSlowerThan != null && (keepSlowerThan.isNegative() || keepSlowerThan.isZero())) {
      throw ConfigValidation.invalid("keepSlowerThan", keepSlowerThan, "must be positive");
    }
    if (keepSlowerThan != null && keepSlowerThan.compareTo(ConfigValidation.MAX_DURATION) > 0) {
      throw ConfigValidation.invalid(
          "keepSlowerThan", keepSlowerThan, "must be at most 100000 days");
    }
    for (int status : options.keepHttpStatuses()) {
      if (status < 100 || status > 599) {
        throw ConfigValidation.invalid(
            "keepHttpStatuses", status, "must be an HTTP status code from 100 to 599");
      }
    }
    Integer port = options.prometheusPort();
    if (port != null && (port < 0 || port > 65535)) {
      throw ConfigValidation.invalid("prometheus", port, "must be a port between 0 and 65535");
    }
  }

  /**
   * With settings injected as a map (tests, embedding), autoconfigure cannot see them: hand every
   * {@code OTEL_*} / {@code otel.*} entry over, variables first so properties win.
   */
  private static void passThrough(TelemetryOptions options, Map<String, String> properties) {
    Map<String, String> injected = options.configProperties();
    if (injected == null) {
      return;
    }
    injected.forEach(
        (key, value) -> {
          if (ConfigSource.isEnvironmentStyle(key) && key.startsWith("OTEL_") && !value.isEmpty()) {
            properties.put(key.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    injected.forEach(
        (key, value) -> {
          if (key.startsWith("otel.") && !value.isEmpty()) {
            properties.put(key, value);
          }
        });
  }

  private static void mergeList(Map<String, String> target, @Nullable ConfigValue setting) {
    if (setting != null) {
      target.putAll(ConfigValidation.parseList(setting.name(), setting.value()));
    }
  }

  private static void requirePrometheus(String setting) {
    try {
      Class.forName(PROMETHEUS_CLASS, false, ConfigResolver.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          setting
              + ": needs io.opentelemetry:opentelemetry-exporter-prometheus on the classpath"
              + " (an optional dependency of otel-toolkit-core)");
    }
  }

  private static int positiveInt(@Nullable ConfigValue setting, int defaultValue) {
    if (setting == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(setting.value().trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ConfigValidation.invalid(setting.name(), setting.value(), "must be a positive integer");
  }

  private static long millis(@Nullable ConfigValue setting, long defaultValue) {
    return millis(setting, defaultValue, "must be a duration like 500, 500ms, 5s or 1m");
  }

  private static long millis(@Nullable ConfigValue setting, long defaultValue, String problem) {
    if (setting == null) {
      return defaultValue;
    }
    return ConfigValidation.duration(setting.name(), setting.value(), problem).toMillis();
  }
}
