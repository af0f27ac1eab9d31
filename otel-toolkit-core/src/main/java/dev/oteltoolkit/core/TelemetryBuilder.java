package dev.oteltoolkit.core;

import dev.oteltoolkit.api.internal.InstalledTracing;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link Telemetry}. Every setting can also be given by its standard {@code OTEL_*}
 * environment variable or {@code otel.*} system property, which win over the code (see
 * docs/CONFIGURATION.md). Invalid values fail at {@link #build()} with an {@link
 * IllegalArgumentException} naming the setting and its value.
 */
public final class TelemetryBuilder {

  private @Nullable String serviceName;
  private @Nullable String serviceVersion;
  private @Nullable String environment;
  private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
  private @Nullable String endpoint;
  private @Nullable String protocol;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private @Nullable Double samplingRatio;
  private @Nullable Sampler sampler;
  private final List<SpanExporter> spanExporters = new ArrayList<>();
  private final List<MetricReader> metricReaders = new ArrayList<>();
  private final List<LogRecordExporter> logRecordExporters = new ArrayList<>();
  private @Nullable PrintStream console;
  private boolean enabled = true;
  private @Nullable Boolean otlp;
  private @Nullable Duration timeout;
  private @Nullable String compression;
  private @Nullable Integer prometheusPort;
  private boolean keepErrors;
  private @Nullable Duration keepSlowerThan;
  private final Set<Integer> keepHttpStatuses = new TreeSet<>();
  private LongSupplier tailSamplingClock = System::nanoTime;
  private @Nullable Map<String, String> configProperties;
  private @Nullable Boolean exportLogs;

  TelemetryBuilder() {}

  /**
   * Sets {@code service.name}, the name backends group by. Default: {@code OTEL_SERVICE_NAME}, else
   * {@code unknown_service:java}.
   *
   * @param serviceName the service name, not blank
   * @return this builder
   */
  public TelemetryBuilder serviceName(String serviceName) {
    this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    return this;
  }

  /**
   * Sets {@code service.version}. Default: unset.
   *
   * @param serviceVersion the version of the service, e.g. {@code 1.4.2}
   * @return this builder
   */
  public TelemetryBuilder serviceVersion(String serviceVersion) {
    this.serviceVersion = Objects.requireNonNull(serviceVersion, "serviceVersion");
    return this;
  }

  /**
   * Sets {@code deployment.environment.name}, e.g. {@code production}. Default: unset.
   *
   * @param environment the deployment environment
   * @return this builder
   */
  public TelemetryBuilder environment(String environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  /**
   * Adds a resource attribute. {@code OTEL_RESOURCE_ATTRIBUTES} wins per key.
   *
   * @param key the attribute name
   * @param value the value
   * @return this builder
   */
  public TelemetryBuilder resourceAttribute(String key, String value) {
    resourceAttributes.put(
        Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Sets the OTLP base URL, like {@code OTEL_EXPORTER_OTLP_ENDPOINT}: for {@code http/protobuf} the
   * signal paths ({@code /v1/traces}, ...) are appended. Default: {@code http://localhost:4317} for
   * grpc, {@code http://localhost:4318} for http/protobuf.
   *
   * @param endpoint an absolute http:// or https:// URL
   * @return this builder
   */
  public TelemetryBuilder endpoint(String endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    return this;
  }

  /**
   * Sets the OTLP protocol: {@code grpc} or {@code http/protobuf}. Default: {@code grpc}.
   *
   * @param protocol the protocol
   * @return this builder
   */
  public TelemetryBuilder protocol(String protocol) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    return this;
  }

  /**
   * Adds a header sent with every OTLP export, e.g. an API key. {@code OTEL_EXPORTER_OTLP_HEADERS}
   * wins per key. Header values never appear in error messages.
   *
   * @param name the header name
   * @param value the header value
   * @return this builder
   */
  public TelemetryBuilder header(String name, String value) {
    headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Sets the fraction of new traces recorded (parent-based: a trace continued from another service
   * keeps that service's decision). Default: 1.0. {@code OTEL_SAMPLING_RATE} and {@code
   * OTEL_TRACES_SAMPLER} win.
   *
   * @param ratio between 0 and 1
   * @return this builder
   */
  public TelemetryBuilder samplingRatio(double ratio) {
    this.samplingRatio = ratio;
    this.sampler = null;
    return this;
  }

  /**
   * Uses {@code sampler} instead of the parent-based ratio sampler. {@code OTEL_TRACES_SAMPLER} and
   * {@code OTEL_SAMPLING_RATE} win. Forced sampling ({@link
   * dev.oteltoolkit.api.TracedSpanBuilder#forceSample()}) still applies on top of it.
   *
   * @param sampler the sampler
   * @return this builder
   */
  public TelemetryBuilder sampler(Sampler sampler) {
    this.sampler = Objects.requireNonNull(sampler, "sampler");
    this.samplingRatio = null;
    return this;
  }

  /**
   * Keeps every local trace tree in which a span failed (status {@code ERROR}), whatever head
   * sampling decided: in-process tail sampling. Default: off. {@code
   * OTELTOOLKIT_SAMPLING_KEEP_ERRORS} wins.
   *
   * <p>With this or {@link #keepSlowerThan(Duration)} on, spans that head sampling drops are still
   * recorded and held in memory until their local root (a span without a parent, or with a remote
   * one) ends; then the whole local tree is exported if a span in it failed, the root was slower
   * than the threshold, or a span in it was force-sampled, and discarded otherwise. The local root
   * of a kept tree carries {@code oteltoolkit.sampling.kept_by} ({@code error}, {@code latency} or
   * {@code forced}). The sampled flag sent downstream does not change, so a kept tree's downstream
   * part may be missing in the backend. Every span is recorded, so the cost per request is about
   * that of sampling everything; memory is bounded (see docs/CONFIGURATION.md for the caps and the
   * timeout).
   *
   * @param keepErrors whether to keep the trees of failed requests
   * @return this builder
   */
  public TelemetryBuilder keepErrors(boolean keepErrors) {
    this.keepErrors = keepErrors;
    return this;
  }

  /**
   * Keeps every local trace tree whose local root took longer than {@code threshold}, whatever head
   * sampling decided: in-process tail sampling, see {@link #keepErrors(boolean)}. Default: off.
   * {@code OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN} wins ({@code off} turns it off).
   *
   * @param threshold a positive duration
   * @return this builder
   */
  public TelemetryBuilder keepSlowerThan(Duration threshold) {
    this.keepSlowerThan = Objects.requireNonNull(threshold, "threshold");
    return this;
  }

  /**
   * Keeps every local trace tree with a span answered with one of these HTTP statuses ({@code
   * http.response.status_code}), whatever the sampling ratio: for example 404 and 429, which the
   * semantic conventions do not mark as errors on a server span, so {@link #keepErrors(boolean)}
   * does not keep them. Turns in-process tail keeping on, like the other keep options. Default:
   * none. {@code OTELTOOLKIT_SAMPLING_KEEP_HTTP_STATUS} (a comma list, {@code off} for none) wins.
   *
   * @param statuses HTTP status codes, 100 to 599
   * @return this builder
   */
  public TelemetryBuilder keepHttpStatuses(int... statuses) {
    for (int status : statuses) {
      keepHttpStatuses.add(status);
    }
    return this;
  }

  /**
   * Adds a span exporter, behind its own batch processor. Added exporters always stay, whatever
   * {@code OTEL_TRACES_EXPORTER} says.
   *
   * @param exporter the exporter
   * @return this builder
   */
  public TelemetryBuilder addSpanExporter(SpanExporter exporter) {
    spanExporters.add(Objects.requireNonNull(exporter, "exporter"));
    return this;
  }

  /**
   * Adds a metric reader (e.g. a periodic reader around an exporter). Added readers always stay,
   * whatever {@code OTEL_METRICS_EXPORTER} says.
   *
   * @param reader the reader
   * @return this builder
   */
  public TelemetryBuilder addMetricReader(MetricReader reader) {
    metricReaders.add(Objects.requireNonNull(reader, "reader"));
    return this;
  }

  /**
   * Adds a log record exporter, behind its own batch processor. Added exporters always stay,
   * whatever {@code OTEL_LOGS_EXPORTER} says.
   *
   * @param exporter the exporter
   * @return this builder
   */
  public TelemetryBuilder addLogRecordExporter(LogRecordExporter exporter) {
    logRecordExporters.add(Objects.requireNonNull(exporter, "exporter"));
    return this;
  }

  /**
   * Turns the export of the application's log lines on or off. Default: on. With {@code
   * otel-toolkit-logging} and Logback or Log4j 2 on the class path, {@link #build()} and {@link
   * #install()} attach OpenTelemetry's appender to the root logger, bound to the built telemetry,
   * so every line is exported as a log record with the trace and span ids of the span current when
   * it was logged (see that module's README); {@link Telemetry#close()} detaches it. Off attaches
   * nothing. {@code OTEL_LOGS_EXPORTER=none} (with no {@link
   * #addLogRecordExporter(LogRecordExporter) added exporter}) turns it off as well, whatever the
   * code says.
   *
   * @param exportLogs whether log lines are exported
   * @return this builder
   */
  public TelemetryBuilder exportLogs(boolean exportLogs) {
    this.exportLogs = exportLogs;
    return this;
  }

  /**
   * Prints each local trace tree to {@code System.out} when its root span ends. Default: off. It is
   * a named exporter ({@code console}): {@code OTEL_TRACES_EXPORTER} replaces it. With no OTLP
   * endpoint configured anywhere and {@link #otlp(boolean)} not called, the console is the only
   * destination (local development needs no collector and no flag).
   *
   * @return this builder
   */
  public TelemetryBuilder console() {
    return console(System.out);
  }

  /**
   * Prints each local trace tree to {@code out} when its root span ends.
   *
   * @param out where to print
   * @return this builder
   */
  public TelemetryBuilder console(PrintStream out) {
    this.console = Objects.requireNonNull(out, "out");
    return this;
  }

  /**
   * Turns OTLP export from code on or off. Default: on, except with {@link #console()} and no OTLP
   * endpoint configured anywhere (neither {@link #endpoint(String)} nor an {@code
   * OTEL_EXPORTER_OTLP_*ENDPOINT} setting): then the console is the destination, which the toolkit
   * says once. Off leaves only the console and the added exporters, which suits local runs and
   * demos; {@code OTEL_TRACES_EXPORTER}, {@code OTEL_METRICS_EXPORTER} and {@code
   * OTEL_LOGS_EXPORTER} still win.
   *
   * @param otlp whether to export over OTLP
   * @return this builder
   */
  public TelemetryBuilder otlp(boolean otlp) {
    this.otlp = otlp;
    return this;
  }

  /**
   * Serves metrics for Prometheus to scrape on {@code port} ({@code /metrics}), through
   * OpenTelemetry's Prometheus exporter, which must be on the classpath ({@code
   * io.opentelemetry:opentelemetry-exporter-prometheus}, an optional dependency). Default: off.
   *
   * @param port the port to listen on
   * @return this builder
   */
  public TelemetryBuilder prometheus(int port) {
    this.prometheusPort = port;
    return this;
  }

  /**
   * Turns all telemetry on or off. Default: on. Off gives a no-op that exports nothing and costs
   * next to nothing; {@code OTEL_ENABLED=false} or {@code OTEL_SDK_DISABLED=true} do the same
   * whatever the code says.
   *
   * @param enabled whether telemetry is recorded
   * @return this builder
   */
  public TelemetryBuilder enabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /**
   * Sets the OTLP export timeout. Default: 10 s. {@code OTEL_EXPORTER_OTLP_TIMEOUT} wins.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public TelemetryBuilder timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * Sets the OTLP compression: {@code gzip} or {@code none}. Default: {@code none}. {@code
   * OTEL_EXPORTER_OTLP_COMPRESSION} wins.
   *
   * @param compression the compression
   * @return this builder
   */
  public TelemetryBuilder compression(String compression) {
    this.compression = Objects.requireNonNull(compression, "compression");
    return this;
  }

  /**
   * Reads settings from {@code properties} instead of the process's environment variables and
   * system properties: keys written like variables ({@code OTEL_SERVICE_NAME}) act as environment
   * variables, keys like {@code otel.service.name} as system properties. For tests and embedding;
   * the process environment is never changed.
   *
   * @param properties the settings
   * @return this builder
   */
  public TelemetryBuilder configProperties(Map<String, String> properties) {
    this.configProperties = new LinkedHashMap<>(Objects.requireNonNull(properties, "properties"));
    return this;
  }

  /**
   * Builds the telemetry, not registered as global. Close it when the application stops.
   *
   * @return the telemetry
   * @throws IllegalArgumentException when a setting is invalid; the message names the setting and
   *     its value
   */
  public Telemetry build() {
    Telemetry telemetry = SdkAssembly.create(options(), false);
    InstalledTracing.noteBuiltNotInstalled();
    return telemetry;
  }

  /**
   * Builds the telemetry, registers it as {@link io.opentelemetry.api.GlobalOpenTelemetry} (so
   * {@link dev.oteltoolkit.api.Traced} and libraries using the global instance record through it)
   * and adds a JVM shutdown hook that flushes and shuts it down.
   *
   * @return the telemetry
   * @throws IllegalArgumentException when a setting is invalid
   * @throws IllegalStateException when a global OpenTelemetry is already installed, for example by
   *     the OpenTelemetry Java agent
   */
  public Telemetry install() {
    return GlobalInstall.install(options());
  }

  /** Tests: the time source of tail sampling's hold timeout. */
  TelemetryBuilder tailSamplingClock(LongSupplier nanoClock) {
    this.tailSamplingClock = Objects.requireNonNull(nanoClock, "nanoClock");
    return this;
  }

  /** An immutable copy of what the code set. */
  TelemetryOptions options() {
    return new TelemetryOptions(
        serviceName,
        serviceVersion,
        environment,
        Collections.unmodifiableMap(new LinkedHashMap<>(resourceAttributes)),
        endpoint,
        protocol,
        Collections.unmodifiableMap(new LinkedHashMap<>(headers)),
        samplingRatio,
        sampler,
        List.copyOf(spanExporters),
        List.copyOf(metricReaders),
        List.copyOf(logRecordExporters),
        console,
        enabled,
        otlp,
        timeout,
        compression,
        prometheusPort,
        keepErrors,
        keepSlowerThan,
        Collections.unmodifiableSet(new TreeSet<>(keepHttpStatuses)),
        tailSamplingClock,
        configProperties == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(configProperties)),
        exportLogs);
  }
}
