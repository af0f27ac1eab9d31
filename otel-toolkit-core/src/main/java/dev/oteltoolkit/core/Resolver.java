package dev.oteltoolkit.core;

import dev.oteltoolkit.core.Settings.Setting;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a {@link Telemetry.Builder} against system properties and environment variables:
 * validates what the toolkit adds or maps (so errors name the setting as the user wrote it) and
 * computes the {@code otel.*} properties handed to autoconfigure.
 */
final class Resolver {

  /** Longer durations cannot be held in nanoseconds (Duration.toNanos overflows near 292 years). */
  private static final Duration MAX_DURATION = Duration.ofDays(100_000);


  static final int DEFAULT_MAX_EXPORT_BATCH_SIZE = 512;
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  static final String KEEP_ERRORS = "oteltoolkit.sampling.keep_errors";
  static final String KEEP_SLOWER_THAN = "oteltoolkit.sampling.keep_slower_than";
  static final String MAX_HELD_SPANS = "oteltoolkit.sampling.max_held_spans";
  static final String MAX_HELD_SPANS_PER_TRACE = "oteltoolkit.sampling.max_held_spans_per_trace";
  static final String HOLD_TIMEOUT = "oteltoolkit.sampling.hold_timeout";
  private static final String PROMETHEUS_CLASS =
      "io.opentelemetry.exporter.prometheus.PrometheusHttpServer";

  private Resolver() {}

  static Resolved resolve(Telemetry.Builder builder, Settings settings) {
    validateBuilder(builder);
    boolean enabled = builder.enabled();
    Setting sdkDisabled = settings.get("otel.sdk.disabled");
    Setting otelEnabled = settings.get("otel.enabled");
    if (otelEnabled != null) {
      enabled = Settings.bool(otelEnabled.name, otelEnabled.value);
    }
    if (sdkDisabled != null && Settings.bool(sdkDisabled.name, sdkDisabled.value)) {
      enabled = false;
    }
    if (!enabled) {
      return new Resolved(false, Map.of(), null, null, 0, 0, 0, null);
    }

    Map<String, String> properties = new LinkedHashMap<>();
    passThrough(builder, properties);

    // service and resource
    Setting serviceName = settings.get("otel.service.name");
    if (serviceName != null) {
      properties.put("otel.service.name", Settings.notBlank(serviceName.name, serviceName.value));
    } else if (builder.serviceName() != null) {
      properties.put("otel.service.name", builder.serviceName());
    }
    Map<String, String> resource = new LinkedHashMap<>();
    builder.resourceAttributes().forEach((k, v) -> resource.put(k, Settings.encode(v)));
    if (builder.serviceVersion() != null) {
      resource.put("service.version", Settings.encode(builder.serviceVersion()));
    }
    if (builder.environment() != null) {
      resource.put("deployment.environment.name", Settings.encode(builder.environment()));
    }
    mergeList(resource, settings.environmentVariable("otel.resource.attributes"));
    mergeList(resource, settings.systemProperty("otel.resource.attributes"));
    if (!resource.isEmpty()) {
      properties.put("otel.resource.attributes", Settings.joinList(resource));
    }

    // OTLP endpoint, protocol, headers, timeout, compression
    Setting endpoint = settings.get("otel.exporter.otlp.endpoint");
    if (endpoint != null) {
      properties.put(
          "otel.exporter.otlp.endpoint", Settings.endpoint(endpoint.name, endpoint.value));
    } else if (builder.endpoint() != null) {
      properties.put("otel.exporter.otlp.endpoint", builder.endpoint().trim());
    }
    Setting protocol = settings.get("otel.exporter.otlp.protocol");
    if (protocol != null) {
      properties.put(
          "otel.exporter.otlp.protocol", Settings.protocol(protocol.name, protocol.value));
    } else if (builder.protocol() != null) {
      properties.put("otel.exporter.otlp.protocol", builder.protocol().trim());
    }
    for (String signal : new String[] {"traces", "metrics", "logs"}) {
      Setting signalEndpoint = settings.get("otel.exporter.otlp." + signal + ".endpoint");
      if (signalEndpoint != null) {
        Settings.endpoint(signalEndpoint.name, signalEndpoint.value);
      }
      Setting signalProtocol = settings.get("otel.exporter.otlp." + signal + ".protocol");
      if (signalProtocol != null) {
        Settings.protocol(signalProtocol.name, signalProtocol.value);
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    builder.headers().forEach((k, v) -> headers.put(k, Settings.encode(v)));
    mergeList(headers, settings.environmentVariable("otel.exporter.otlp.headers"));
    mergeList(headers, settings.systemProperty("otel.exporter.otlp.headers"));
    if (!headers.isEmpty()) {
      properties.put("otel.exporter.otlp.headers", Settings.joinList(headers));
    }
    if (settings.get("otel.exporter.otlp.timeout") == null && builder.timeout() != null) {
      properties.put("otel.exporter.otlp.timeout", Long.toString(builder.timeout().toMillis()));
    }
    Setting compression = settings.get("otel.exporter.otlp.compression");
    if (compression != null) {
      properties.put(
          "otel.exporter.otlp.compression",
          Settings.compression(compression.name, compression.value));
    } else if (builder.compression() != null) {
      properties.put(
          "otel.exporter.otlp.compression",
          builder.compression().trim().toLowerCase(Locale.ROOT));
    }

    // sampling
    io.opentelemetry.sdk.trace.samplers.Sampler samplerInstance = null;
    Setting sampler = settings.get("otel.traces.sampler");
    // OTEL_SAMPLING_RATE (seed variable) or, as our default sampler is a ratio sampler, the
    // standard OTEL_TRACES_SAMPLER_ARG alone
    Setting rate = settings.get("otel.sampling.rate");
    if (rate == null && sampler == null) {
      rate = settings.get("otel.traces.sampler.arg");
    }
    if (sampler != null) {
      if (sampler.value.contains("traceidratio")) {
        Setting arg = settings.get("otel.traces.sampler.arg");
        if (arg != null) {
          Settings.ratio(arg.name, arg.value);
        }
      }
    } else if (rate != null) {
      double ratio = Settings.ratio(rate.name, rate.value);
      properties.put("otel.traces.sampler", "parentbased_traceidratio");
      properties.put("otel.traces.sampler.arg", Double.toString(ratio));
    } else if (builder.sampler() != null) {
      samplerInstance = builder.sampler();
    } else {
      double ratio = builder.samplingRatio() != null ? builder.samplingRatio() : 1.0;
      properties.put("otel.traces.sampler", "parentbased_traceidratio");
      properties.put("otel.traces.sampler.arg", Double.toString(ratio));
    }

    // exporters: OTEL_*_EXPORTER replaces the named set; added instances always stay
    PrintStream console = null;
    if (settings.get("otel.traces.exporter") == null) {
      properties.put("otel.traces.exporter", builder.otlp() ? "otlp" : "none");
      console = builder.consoleStream();
    }
    Setting metricsExporter = settings.get("otel.metrics.exporter");
    if (metricsExporter == null) {
      StringBuilder names = new StringBuilder(builder.otlp() ? "otlp" : "");
      if (builder.prometheusPort() != null) {
        requirePrometheus("prometheus(" + builder.prometheusPort() + ")");
        names.append(names.length() > 0 ? "," : "").append("prometheus");
        if (settings.get("otel.exporter.prometheus.port") == null) {
          properties.put(
              "otel.exporter.prometheus.port", Integer.toString(builder.prometheusPort()));
        }
      }
      properties.put("otel.metrics.exporter", names.length() > 0 ? names.toString() : "none");
    } else if (metricsExporter.value.contains("prometheus")) {
      requirePrometheus(metricsExporter.name + "=" + metricsExporter.value);
    }
    if (settings.get("otel.logs.exporter") == null) {
      properties.put("otel.logs.exporter", builder.otlp() ? "otlp" : "none");
    }

    // batch processing: a queue sized for bursts, exports every half second
    int maxQueueSize =
        positiveInt(settings.get("otel.bsp.max.queue.size"), Telemetry.DEFAULT_MAX_QUEUE_SIZE);
    int maxExportBatchSize =
        positiveInt(
            settings.get("otel.bsp.max.export.batch.size"),
            Math.min(DEFAULT_MAX_EXPORT_BATCH_SIZE, maxQueueSize));
    if (maxExportBatchSize > maxQueueSize) {
      throw Settings.invalid(
          Settings.environmentName("otel.bsp.max.export.batch.size"),
          maxExportBatchSize,
          "must not be larger than the queue size " + maxQueueSize);
    }
    long scheduleDelay =
        millis(settings.get("otel.bsp.schedule.delay"), Telemetry.DEFAULT_SCHEDULE_DELAY_MILLIS);
    properties.put("otel.bsp.max.queue.size", Integer.toString(maxQueueSize));
    properties.put("otel.bsp.max.export.batch.size", Integer.toString(maxExportBatchSize));
    properties.put("otel.bsp.schedule.delay", Long.toString(scheduleDelay));
    return new Resolved(
        true,
        properties,
        samplerInstance,
        console,
        maxQueueSize,
        maxExportBatchSize,
        scheduleDelay,
        tailSampling(builder, settings));
  }

  /**
   * Tail sampling's settings ({@code oteltoolkit.sampling.*}, toolkit settings like {@code
   * oteltoolkit.mdc.*}), all validated even while it is off; null when it is off.
   */
  private static Resolved.Tail tailSampling(Telemetry.Builder builder, Settings settings) {
    boolean keepErrors = builder.keepErrors();
    Setting keepErrorsSetting = settings.get(KEEP_ERRORS);
    if (keepErrorsSetting != null) {
      keepErrors = Settings.bool(keepErrorsSetting.name, keepErrorsSetting.value);
    }
    Duration keepSlowerThan = builder.keepSlowerThan();
    Setting slower = settings.get(KEEP_SLOWER_THAN);
    if (slower != null) {
      if (slower.value.trim().equalsIgnoreCase("off")) {
        keepSlowerThan = null;
      } else {
        long threshold = millis(slower, 0, "must be a duration like 500ms, 2s or 1m, or off");
        if (threshold <= 0) {
          throw Settings.invalid(slower.name, slower.value, "must be positive, or off");
        }
        keepSlowerThan = Duration.ofMillis(threshold);
      }
    }
    int maxHeldSpans =
        positiveInt(
            settings.get(MAX_HELD_SPANS), TailSamplingSpanProcessor.DEFAULT_MAX_HELD_SPANS);
    int maxHeldSpansPerTrace =
        positiveInt(
            settings.get(MAX_HELD_SPANS_PER_TRACE),
            TailSamplingSpanProcessor.DEFAULT_MAX_HELD_SPANS_PER_TRACE);
    Setting timeout = settings.get(HOLD_TIMEOUT);
    Duration holdTimeout = TailSamplingSpanProcessor.DEFAULT_HOLD_TIMEOUT;
    if (timeout != null) {
      long millis = millis(timeout, 0, "must be a positive duration like 30s or 2m");
      if (millis <= 0) {
        throw Settings.invalid(
            timeout.name, timeout.value, "must be a positive duration like 30s or 2m");
      }
      holdTimeout = Duration.ofMillis(millis);
    }
    if (!keepErrors && keepSlowerThan == null) {
      return null;
    }
    return new Resolved.Tail(
        keepErrors, keepSlowerThan, maxHeldSpans, maxHeldSpansPerTrace, holdTimeout);
  }

  /** Validates what the code set, whatever the environment says, so code bugs fail early. */
  private static void validateBuilder(Telemetry.Builder builder) {
    if (builder.serviceName() != null) {
      Settings.notBlank("serviceName", builder.serviceName());
    }
    if (builder.samplingRatio() != null) {
      Settings.checkRatio("samplingRatio", builder.samplingRatio());
    }
    if (builder.endpoint() != null) {
      Settings.endpoint("endpoint", builder.endpoint());
    }
    if (builder.protocol() != null) {
      Settings.protocol("protocol", builder.protocol());
    }
    if (builder.compression() != null) {
      Settings.compression("compression", builder.compression());
    }
    for (Map.Entry<String, String> header : builder.headers().entrySet()) {
      Settings.checkHeader(header.getKey(), header.getValue());
    }
    for (String key : builder.resourceAttributes().keySet()) {
      if (key.trim().isEmpty()) {
        throw Settings.invalid("resourceAttribute", "'" + key + "'", "the key must not be blank");
      }
    }
    Duration timeout = builder.timeout();
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw Settings.invalid("timeout", timeout, "must be positive");
    }
    Duration keepSlowerThan = builder.keepSlowerThan();
    if (keepSlowerThan != null && (keepSlowerThan.isNegative() || keepSlowerThan.isZero())) {
      throw Settings.invalid("keepSlowerThan", keepSlowerThan, "must be positive");
    }
    if (keepSlowerThan != null && keepSlowerThan.compareTo(MAX_DURATION) > 0) {
      throw Settings.invalid("keepSlowerThan", keepSlowerThan, "must be at most 100000 days");
    }
    Integer port = builder.prometheusPort();
    if (port != null && (port < 0 || port > 65535)) {
      throw Settings.invalid("prometheus", port, "must be a port between 0 and 65535");
    }
  }

  /**
   * With settings injected as a map (tests, embedding), autoconfigure cannot see them: hand every
   * {@code OTEL_*} / {@code otel.*} entry over, variables first so properties win.
   */
  private static void passThrough(Telemetry.Builder builder, Map<String, String> properties) {
    Map<String, String> injected = builder.configPropertiesOrNull();
    if (injected == null) {
      return;
    }
    injected.forEach(
        (key, value) -> {
          if (Settings.isEnvironmentStyle(key) && key.startsWith("OTEL_") && !value.isEmpty()) {
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

  private static void mergeList(Map<String, String> target, Setting setting) {
    if (setting != null) {
      target.putAll(Settings.parseList(setting.name, setting.value));
    }
  }

  private static void requirePrometheus(String setting) {
    try {
      Class.forName(PROMETHEUS_CLASS, false, Resolver.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          setting + ": needs io.opentelemetry:opentelemetry-exporter-prometheus on the classpath"
              + " (an optional dependency of otel-toolkit-core)");
    }
  }

  private static int positiveInt(Setting setting, int defaultValue) {
    if (setting == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(setting.value.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Settings.invalid(setting.name, setting.value, "must be a positive integer");
  }

  private static long millis(Setting setting, long defaultValue) {
    return millis(setting, defaultValue, "must be a duration like 500, 500ms, 5s or 1m");
  }

  private static long millis(Setting setting, long defaultValue, String problem) {
    if (setting == null) {
      return defaultValue;
    }
    Matcher matcher = DURATION.matcher(setting.value.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw Settings.invalid(setting.name, setting.value, problem);
    }
    long amount;
    try {
      amount = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException e) {
      throw Settings.invalid(setting.name, setting.value, problem);
    }
    String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
    long factor;
    switch (unit) {
      case "s":
        factor = 1000;
        break;
      case "m":
        factor = 60_000;
        break;
      case "h":
        factor = 3_600_000;
        break;
      case "d":
        factor = 86_400_000;
        break;
      default:
        factor = 1;
    }
    // in milliseconds, and small enough to be held in nanoseconds (Duration.toNanos)
    if (amount > Long.MAX_VALUE / 1_000_000 / factor) {
      throw Settings.invalid(setting.name, setting.value, problem);
    }
    return amount * factor;
  }
}
