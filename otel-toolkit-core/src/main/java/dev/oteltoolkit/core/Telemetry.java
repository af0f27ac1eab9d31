package dev.oteltoolkit.core;

import dev.oteltoolkit.core.Settings.Setting;
import dev.oteltoolkit.core.internal.ConsoleSpanExporter;
import dev.oteltoolkit.core.internal.ExportFailureLog;
import dev.oteltoolkit.core.internal.ExportOutcomes;
import dev.oteltoolkit.core.internal.ForceSampleSampler;
import dev.oteltoolkit.core.internal.TailSampler;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import dev.oteltoolkit.core.internal.ToolkitVersion;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenTelemetry of a service, set up in one call:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Telemetry telemetry = Telemetry.setup()
 *       .serviceName("checkout")
 *       .serviceVersion("1.4.2")
 *       .environment("production")
 *       .install();                       // global + flushed by a JVM shutdown hook
 *   ...
 * }
 * }</pre>
 *
 * <p>It builds an OpenTelemetry SDK with OpenTelemetry's autoconfiguration, so every standard
 * {@code OTEL_*} environment variable and {@code otel.*} system property works and overrides what
 * the code set (precedence: system properties, environment variables, builder calls, defaults).
 * Spans, metrics and logs go over OTLP ({@code grpc} to {@code localhost:4317} unless
 * configured), batched and asynchronous: a collector that is down or slow never blocks or fails
 * the application.
 *
 * <p>{@link #close()} (or the shutdown hook of {@link Builder#install()}) flushes every pending
 * span, metric and log before returning, bounded by its timeout. Afterwards {@link #tracing()}
 * still works, as a no-op.
 */
public final class Telemetry implements AutoCloseable {

  /** Default timeout of {@link #forceFlush()} and {@link #close()}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Default capacity of the span queue of each batch processor: 4096 spans, about 4 MB at the 1
   * KB a typical span holds, which absorbs bursts within a 10 MB heap budget. Spans beyond it
   * are dropped (never blocking) and counted in the SDK's processor metrics. Set {@code
   * OTEL_BSP_MAX_QUEUE_SIZE} to change it.
   */
  public static final int DEFAULT_MAX_QUEUE_SIZE = 4096;

  /** Default delay between two exports of the batch processors, in milliseconds. */
  public static final long DEFAULT_SCHEDULE_DELAY_MILLIS = 500;

  private static final Logger logger = Logger.getLogger(Telemetry.class.getName());
  private static final Object GLOBAL_LOCK = new Object();
  private static volatile Installed installed;

  private final Object lock = new Object();
  private final OpenTelemetrySdk sdk;
  private final ExportOutcomes outcomes;
  private final OpenTelemetry openTelemetry;
  private final String description;
  private volatile Tracing tracing;
  private boolean shutDown; // guarded by lock
  private boolean shutdownSucceeded; // guarded by lock
  private Thread shutdownHook; // guarded by lock

  /**
   * Starts the setup of a service's telemetry.
   *
   * @return a builder; finish with {@link Builder#build()} or {@link Builder#install()}
   */
  public static Builder setup() {
    return new Builder();
  }

  private Telemetry(OpenTelemetrySdk sdk, ExportOutcomes outcomes, String description) {
    this.sdk = sdk;
    this.outcomes = outcomes;
    this.openTelemetry = sdk == null ? OpenTelemetry.noop() : sdk;
    this.tracing = sdk == null ? Tracing.noop() : Tracing.create(sdk);
    this.description = description;
  }

  /** Returns the Tracing to use for the global OpenTelemetry {@code global}. */
  static Tracing tracingFor(OpenTelemetry global) {
    Installed current = installed;
    if (current != null && current.global == global) {
      return current.telemetry.tracing();
    }
    if (global == OpenTelemetry.noop()) {
      return Tracing.noop();
    }
    return Tracing.create(global);
  }

  /**
   * Returns the OpenTelemetry to hand to modules and libraries ({@code
   * JdbcTelemetry.create(telemetry.openTelemetry())}); a no-op one when telemetry is disabled.
   *
   * @return the OpenTelemetry
   */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Returns the {@link Tracing} over this telemetry; after {@link #shutdown(Duration)} a no-op
   * one, which runs bodies and records nothing.
   *
   * @return the tracing instance
   */
  public Tracing tracing() {
    return tracing;
  }

  /**
   * Returns whether telemetry is recorded: false when disabled by {@code OTEL_ENABLED=false},
   * {@code OTEL_SDK_DISABLED=true} or {@link Builder#enabled(boolean)}, and after shutdown.
   *
   * @return whether telemetry is on
   */
  public boolean isEnabled() {
    synchronized (lock) {
      return sdk != null && !shutDown;
    }
  }

  /**
   * Exports everything pending now, waiting at most {@link #DEFAULT_TIMEOUT}.
   *
   * @return true when every pending span, metric and log was exported in time
   */
  public boolean forceFlush() {
    return forceFlush(DEFAULT_TIMEOUT);
  }

  /**
   * Exports everything pending now, waiting at most {@code timeout}.
   *
   * <p>False when the time ran out, and also when an export failed while the flush ran (a
   * collector that is down or refuses the data, after the exporter's own retries): the SDK's
   * processors drop a batch whose export failed and still complete the flush, so the result is
   * taken from the exporters themselves.
   *
   * @param timeout how long to wait
   * @return true when every pending span, metric and log was exported in time
   */
  public boolean forceFlush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (sdk == null) {
      return true;
    }
    synchronized (lock) {
      if (shutDown) {
        return shutdownSucceeded;
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long failuresBefore = outcomes.failures();
    boolean spansAndLogs = flushSpansAndLogs(deadline);
    boolean metrics =
        sdk.getSdkMeterProvider()
            .forceFlush()
            .join(remaining(deadline), TimeUnit.NANOSECONDS)
            .isSuccess();
    // the SDK's processors complete a flush even when the export failed: ask the exporters
    return spansAndLogs && metrics && outcomes.failures() == failuresBefore;
  }

  /**
   * Flushes the span and log processors twice: a batch processor answers a flush request made
   * while an earlier one is still pending (say, one that timed out during a collector outage)
   * with that earlier request, which completes without the spans queued since. The second
   * request, made after the first completed, covers everything queued before this call.
   */
  private boolean flushSpansAndLogs(long deadline) {
    boolean success = true;
    for (int round = 0; round < 2; round++) {
      success =
          CompletableResultCode.ofAll(
                  Arrays.asList(
                      sdk.getSdkTracerProvider().forceFlush(),
                      sdk.getSdkLoggerProvider().forceFlush()))
              .join(remaining(deadline), TimeUnit.NANOSECONDS)
              .isSuccess();
      if (remaining(deadline) == 0) {
        return false;
      }
    }
    return success;
  }

  /**
   * Flushes every pending span, metric and log and shuts the SDK down, waiting at most {@code
   * timeout}. Idempotent: later calls return the first call's result at once. As for {@link
   * #forceFlush(Duration)}, an export that failed while the pending telemetry was flushed makes
   * the result false.
   *
   * @param timeout how long to wait for the flush and shutdown
   * @return true when everything pending was exported and the SDK shut down in time
   */
  public boolean shutdown(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    synchronized (lock) {
      if (shutDown) {
        return shutdownSucceeded;
      }
      shutDown = true;
      tracing = Tracing.noop();
      removeShutdownHook();
      if (sdk == null) {
        shutdownSucceeded = true;
        return true;
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      long spanAndLogFailuresBefore = outcomes.spanAndLogFailures();
      long metricFailuresBefore = outcomes.metricFailures();
      // Flush first (twice, see flushSpansAndLogs), then shut down, which exports the last
      // metrics. The SDK's metric reader exports on the calling thread during shutdown and may
      // wait longer than our timeout: run it on a helper thread so close() keeps its bound.
      boolean flushed = flushSpansAndLogs(deadline);
      // spans and logs: failures of the flush only (what the SDK's shutdown exports after it,
      // spans ended by threads still running, was not pending at this call); metrics: until the
      // end, the SDK's shutdown exports the last ones
      boolean flushExported = outcomes.spanAndLogFailures() == spanAndLogFailuresBefore;
      CompletableResultCode shutdown = new CompletableResultCode();
      Thread stopper =
          new Thread(
              () -> {
                CompletableResultCode result = sdk.shutdown();
                result.whenComplete(
                    () -> {
                      if (result.isSuccess()) {
                        shutdown.succeed();
                      } else {
                        shutdown.fail();
                      }
                    });
              },
              "otel-toolkit-sdk-shutdown");
      stopper.setDaemon(true);
      stopper.start();
      boolean stopped = shutdown.join(remaining(deadline), TimeUnit.NANOSECONDS).isSuccess();
      shutdownSucceeded =
          flushed && flushExported && stopped
              && outcomes.metricFailures() == metricFailuresBefore;
      if (!shutdownSucceeded) {
        logger.log(
            Level.WARNING,
            "otel-toolkit: shutdown did not finish exporting within {0} ms; telemetry still"
                + " pending may be lost ({1})",
            new Object[] {timeout.toMillis(), description});
      }
      return shutdownSucceeded;
    }
  }

  /** Same as {@code shutdown(DEFAULT_TIMEOUT)}. */
  @Override
  public void close() {
    shutdown(DEFAULT_TIMEOUT);
  }

  @Override
  public String toString() {
    return "Telemetry{" + description + "}";
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private void registerShutdownHook() {
    synchronized (lock) {
      Thread hook =
          new Thread(() -> shutdown(DEFAULT_TIMEOUT), "otel-toolkit-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      shutdownHook = hook;
    }
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    shutdownHook = null;
    if (hook != null && hook != Thread.currentThread()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook is running or about to
      }
    }
  }

  /** The telemetry installed as global, and the object GlobalOpenTelemetry hands out for it. */
  private static final class Installed {
    final Telemetry telemetry;
    final OpenTelemetry global;

    Installed(Telemetry telemetry, OpenTelemetry global) {
      this.telemetry = telemetry;
      this.global = global;
    }
  }

  /**
   * Configures a {@link Telemetry}. Every setting can also be given by its standard {@code
   * OTEL_*} environment variable or {@code otel.*} system property, which win over the code (see
   * docs/CONFIGURATION.md). Invalid values fail at {@link #build()} with an {@link
   * IllegalArgumentException} naming the setting and its value.
   */
  public static final class Builder {

    private String serviceName;
    private String serviceVersion;
    private String environment;
    private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
    private String endpoint;
    private String protocol;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Double samplingRatio;
    private Sampler sampler;
    private final List<SpanExporter> spanExporters = new ArrayList<>();
    private final List<MetricReader> metricReaders = new ArrayList<>();
    private final List<LogRecordExporter> logRecordExporters = new ArrayList<>();
    private PrintStream console;
    private boolean enabled = true;
    private boolean otlp = true;
    private Duration timeout;
    private String compression;
    private Integer prometheusPort;
    private boolean keepErrors;
    private Duration keepSlowerThan;
    private LongSupplier tailSamplingClock = System::nanoTime;
    private Map<String, String> configProperties;

    private Builder() {}

    /**
     * Sets {@code service.name}, the name backends group by. Default: {@code OTEL_SERVICE_NAME},
     * else {@code unknown_service:java}.
     *
     * @param serviceName the service name, not blank
     * @return this builder
     */
    public Builder serviceName(String serviceName) {
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
      return this;
    }

    /**
     * Sets {@code service.version}. Default: unset.
     *
     * @param serviceVersion the version of the service, e.g. {@code 1.4.2}
     * @return this builder
     */
    public Builder serviceVersion(String serviceVersion) {
      this.serviceVersion = Objects.requireNonNull(serviceVersion, "serviceVersion");
      return this;
    }

    /**
     * Sets {@code deployment.environment.name}, e.g. {@code production}. Default: unset.
     *
     * @param environment the deployment environment
     * @return this builder
     */
    public Builder environment(String environment) {
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
    public Builder resourceAttribute(String key, String value) {
      resourceAttributes.put(Objects.requireNonNull(key, "key"),
          Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the OTLP base URL, like {@code OTEL_EXPORTER_OTLP_ENDPOINT}: for {@code http/protobuf}
     * the signal paths ({@code /v1/traces}, ...) are appended. Default: {@code
     * http://localhost:4317} for grpc, {@code http://localhost:4318} for http/protobuf.
     *
     * @param endpoint an absolute http:// or https:// URL
     * @return this builder
     */
    public Builder endpoint(String endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Sets the OTLP protocol: {@code grpc} or {@code http/protobuf}. Default: {@code grpc}.
     *
     * @param protocol the protocol
     * @return this builder
     */
    public Builder protocol(String protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * Adds a header sent with every OTLP export, e.g. an API key. {@code
     * OTEL_EXPORTER_OTLP_HEADERS} wins per key. Header values never appear in error messages.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the fraction of new traces recorded (parent-based: a trace continued from another
     * service keeps that service's decision). Default: 1.0. {@code OTEL_SAMPLING_RATE} and
     * {@code OTEL_TRACES_SAMPLER} win.
     *
     * @param ratio between 0 and 1
     * @return this builder
     */
    public Builder samplingRatio(double ratio) {
      this.samplingRatio = ratio;
      this.sampler = null;
      return this;
    }

    /**
     * Uses {@code sampler} instead of the parent-based ratio sampler. {@code
     * OTEL_TRACES_SAMPLER} and {@code OTEL_SAMPLING_RATE} win. Forced sampling ({@link
     * TracedSpanBuilder#forceSample()}) still applies on top of it.
     *
     * @param sampler the sampler
     * @return this builder
     */
    public Builder sampler(Sampler sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      this.samplingRatio = null;
      return this;
    }

    /**
     * Keeps every local trace tree in which a span failed (status {@code ERROR}), whatever head
     * sampling decided: in-process tail sampling. Default: off. {@code
     * OTELTOOLKIT_SAMPLING_KEEP_ERRORS} wins.
     *
     * <p>With this or {@link #keepSlowerThan(Duration)} on, spans that head sampling drops are
     * still recorded and held in memory until their local root (a span without a parent, or
     * with a remote one) ends; then the whole local tree is exported if a span in it failed,
     * the root was slower than the threshold, or a span in it was force-sampled, and discarded
     * otherwise. The local root of a kept tree carries {@code oteltoolkit.sampling.kept_by}
     * ({@code error}, {@code latency} or {@code forced}). The sampled flag sent downstream does
     * not change, so a kept tree's downstream part may be missing in the backend. Every span is
     * recorded, so the cost per request is about that of sampling everything; memory is bounded
     * (see docs/CONFIGURATION.md for the caps and the timeout).
     *
     * @param keepErrors whether to keep the trees of failed requests
     * @return this builder
     */
    public Builder keepErrors(boolean keepErrors) {
      this.keepErrors = keepErrors;
      return this;
    }

    /**
     * Keeps every local trace tree whose local root took longer than {@code threshold},
     * whatever head sampling decided: in-process tail sampling, see {@link
     * #keepErrors(boolean)}. Default: off. {@code OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN} wins
     * ({@code off} turns it off).
     *
     * @param threshold a positive duration
     * @return this builder
     */
    public Builder keepSlowerThan(Duration threshold) {
      this.keepSlowerThan = Objects.requireNonNull(threshold, "threshold");
      return this;
    }

    /**
     * Adds a span exporter, behind its own batch processor. Added exporters always stay, whatever
     * {@code OTEL_TRACES_EXPORTER} says.
     *
     * @param exporter the exporter
     * @return this builder
     */
    public Builder addSpanExporter(SpanExporter exporter) {
      spanExporters.add(Objects.requireNonNull(exporter, "exporter"));
      return this;
    }

    /**
     * Adds a metric reader (e.g. a periodic reader around an exporter). Added readers always
     * stay, whatever {@code OTEL_METRICS_EXPORTER} says.
     *
     * @param reader the reader
     * @return this builder
     */
    public Builder addMetricReader(MetricReader reader) {
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
    public Builder addLogRecordExporter(LogRecordExporter exporter) {
      logRecordExporters.add(Objects.requireNonNull(exporter, "exporter"));
      return this;
    }

    /**
     * Prints each local trace tree to {@code System.out} when its root span ends. Default: off.
     * It is a named exporter ({@code console}): {@code OTEL_TRACES_EXPORTER} replaces it.
     *
     * @return this builder
     */
    public Builder console() {
      return console(System.out);
    }

    /**
     * Prints each local trace tree to {@code out} when its root span ends.
     *
     * @param out where to print
     * @return this builder
     */
    public Builder console(PrintStream out) {
      this.console = Objects.requireNonNull(out, "out");
      return this;
    }

    /**
     * Turns OTLP export from code on or off. Default: on. Off leaves only the console and the
     * added exporters, which suits local runs and demos; {@code OTEL_TRACES_EXPORTER}, {@code
     * OTEL_METRICS_EXPORTER} and {@code OTEL_LOGS_EXPORTER} still win.
     *
     * @param otlp whether to export over OTLP
     * @return this builder
     */
    public Builder otlp(boolean otlp) {
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
    public Builder prometheus(int port) {
      this.prometheusPort = port;
      return this;
    }

    /**
     * Turns all telemetry on or off. Default: on. Off gives a no-op that exports nothing and
     * costs next to nothing; {@code OTEL_ENABLED=false} or {@code OTEL_SDK_DISABLED=true} do the
     * same whatever the code says.
     *
     * @param enabled whether telemetry is recorded
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets the OTLP export timeout. Default: 10 s. {@code OTEL_EXPORTER_OTLP_TIMEOUT} wins.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
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
    public Builder compression(String compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /**
     * Reads settings from {@code properties} instead of the process's environment variables and
     * system properties: keys written like variables ({@code OTEL_SERVICE_NAME}) act as
     * environment variables, keys like {@code otel.service.name} as system properties. For
     * tests and embedding; the process environment is never changed.
     *
     * @param properties the settings
     * @return this builder
     */
    public Builder configProperties(Map<String, String> properties) {
      this.configProperties = new LinkedHashMap<>(Objects.requireNonNull(properties, "properties"));
      return this;
    }

    /**
     * Builds the telemetry, not registered as global. Close it when the application stops.
     *
     * @return the telemetry
     * @throws IllegalArgumentException when a setting is invalid; the message names the setting
     *     and its value
     */
    public Telemetry build() {
      return create(false);
    }

    /**
     * Builds the telemetry, registers it as {@link GlobalOpenTelemetry} (so {@link Traced} and
     * libraries using the global instance record through it) and adds a JVM shutdown hook that
     * flushes and shuts it down.
     *
     * @return the telemetry
     * @throws IllegalArgumentException when a setting is invalid
     * @throws IllegalStateException when a global OpenTelemetry is already installed, for
     *     example by the OpenTelemetry Java agent
     */
    public Telemetry install() {
      synchronized (GLOBAL_LOCK) {
        if (GlobalOpenTelemetry.isSet()) {
          throw alreadyInstalled();
        }
        Telemetry telemetry = create(true);
        try {
          GlobalOpenTelemetry.set(telemetry.openTelemetry());
        } catch (IllegalStateException e) {
          telemetry.shutdown(Duration.ZERO);
          throw alreadyInstalled();
        }
        installed = new Installed(telemetry, GlobalOpenTelemetry.get());
        telemetry.registerShutdownHook();
        return telemetry;
      }
    }

    private static IllegalStateException alreadyInstalled() {
      OpenTelemetry existing = GlobalOpenTelemetry.get();
      Installed ours = installed;
      String what;
      if (ours != null && ours.global == existing) {
        what = "an earlier Telemetry.install() (" + ours.telemetry.description + ")";
      } else if (isJavaAgentPresent()) {
        what = "the OpenTelemetry Java agent";
      } else {
        what = "other code (" + existing.getClass().getName() + ")";
      }
      return new IllegalStateException(
          "A global OpenTelemetry is already installed by " + what + ". Call install() once;"
              + " to run beside the Java agent or another global SDK, use"
              + " Telemetry.setup()...build() and pass telemetry.openTelemetry() to the code"
              + " that records, or use the agent's configuration instead of Telemetry.");
    }

    private static boolean isJavaAgentPresent() {
      try {
        Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    private Telemetry create(boolean global) {
      Settings settings =
          configProperties == null ? Settings.fromProcess() : Settings.fromMap(configProperties);
      Resolved resolved = resolve(settings);
      if (!resolved.enabled) {
        return new Telemetry(null, new ExportOutcomes(), "disabled");
      }
      ExportFailureLog.install();
      ExportOutcomes outcomes = new ExportOutcomes();
      AtomicReference<MeterProvider> meterProvider = new AtomicReference<>(MeterProvider.noop());
      Resolved.Tail tail = resolved.tail;
      // with tail sampling, the exporting processors (autoconfigure's and ours) go behind it
      List<SpanProcessor> exporting = new ArrayList<>();
      AtomicReference<TailSamplingSpanProcessor> tailProcessor = new AtomicReference<>();
      AutoConfiguredOpenTelemetrySdkBuilder autoconfigure =
          AutoConfiguredOpenTelemetrySdk.builder()
              .disableShutdownHook()
              .addPropertiesCustomizer(config -> resolved.properties)
              // every exporter counts its failed exports: a flush that lost data says so
              .addSpanExporterCustomizer((exporter, config) -> outcomes.track(exporter))
              .addMetricExporterCustomizer((exporter, config) -> outcomes.track(exporter))
              .addLogRecordExporterCustomizer((exporter, config) -> outcomes.track(exporter))
              .addSamplerCustomizer(
                  (configured, config) -> {
                    Sampler sampler =
                        new ForceSampleSampler(
                            resolved.sampler != null ? resolved.sampler : configured);
                    return tail == null ? sampler : new TailSampler(sampler);
                  })
              .addTracerProviderCustomizer(
                  (tracerProvider, config) -> {
                    List<SpanProcessor> ours = new ArrayList<>();
                    if (resolved.console != null) {
                      ours.add(
                          batch(
                              outcomes.track(ConsoleSpanExporter.create(resolved.console)),
                              resolved,
                              meterProvider));
                    }
                    for (SpanExporter exporter : spanExporters) {
                      ours.add(batch(outcomes.track(exporter), resolved, meterProvider));
                    }
                    if (tail == null) {
                      ours.forEach(tracerProvider::addSpanProcessor);
                      return tracerProvider;
                    }
                    exporting.addAll(ours);
                    TailSamplingSpanProcessor processor =
                        TailSamplingSpanProcessor.create(
                            exporting,
                            tail.keepErrors,
                            tail.keepSlowerThan,
                            tail.maxHeldSpans,
                            tail.maxHeldSpansPerTrace,
                            tail.holdTimeout,
                            tailSamplingClock);
                    tailProcessor.set(processor);
                    return tracerProvider.addSpanProcessor(processor);
                  })
              .addMeterProviderCustomizer(
                  (meterProviderBuilder, config) -> {
                    for (MetricReader reader : metricReaders) {
                      meterProviderBuilder.registerMetricReader(reader);
                    }
                    return meterProviderBuilder;
                  })
              .addLoggerProviderCustomizer(
                  (loggerProvider, config) -> {
                    for (LogRecordExporter exporter : logRecordExporters) {
                      loggerProvider.addLogRecordProcessor(
                          BatchLogRecordProcessor.builder(outcomes.track(exporter))
                              .setScheduleDelay(
                                  resolved.scheduleDelayMillis, TimeUnit.MILLISECONDS)
                              .build());
                    }
                    return loggerProvider;
                  });
      if (tail != null) {
        // autoconfigure's exporting processors (OTLP, named exporters) go behind tail sampling
        autoconfigure.addSpanProcessorCustomizer(
            (processor, config) -> {
              exporting.add(processor);
              return SpanProcessor.composite();
            });
      }
      OpenTelemetrySdk sdk;
      try {
        sdk = autoconfigure.build().getOpenTelemetrySdk();
      } catch (ConfigurationException e) {
        throw new IllegalArgumentException(
            "Invalid OpenTelemetry configuration: " + e.getMessage()
                + " (otel.x.y keys are set by OTEL_X_Y environment variables)", e);
      }
      meterProvider.set(sdk.getMeterProvider());
      if (tailProcessor.get() != null) {
        tailProcessor
            .get()
            .registerMetrics(
                sdk.getMeterProvider()
                    .meterBuilder(Tracing.SCOPE_NAME)
                    .setInstrumentationVersion(ToolkitVersion.get())
                    .build());
      }
      return new Telemetry(sdk, outcomes, resolved.describe(global));
    }

    private static BatchSpanProcessor batch(
        SpanExporter exporter, Resolved resolved, AtomicReference<MeterProvider> meterProvider) {
      return BatchSpanProcessor.builder(exporter)
          .setMaxQueueSize(resolved.maxQueueSize)
          .setMaxExportBatchSize(resolved.maxExportBatchSize)
          .setScheduleDelay(resolved.scheduleDelayMillis, TimeUnit.MILLISECONDS)
          .setMeterProvider(meterProvider::get)
          .build();
    }

    private Resolved resolve(Settings settings) {
      return Resolver.resolve(this, settings);
    }

    // accessors for the resolver (same package)
    String serviceName() {
      return serviceName;
    }

    String serviceVersion() {
      return serviceVersion;
    }

    String environment() {
      return environment;
    }

    Map<String, String> resourceAttributes() {
      return resourceAttributes;
    }

    String endpoint() {
      return endpoint;
    }

    String protocol() {
      return protocol;
    }

    Map<String, String> headers() {
      return headers;
    }

    Double samplingRatio() {
      return samplingRatio;
    }

    Sampler sampler() {
      return sampler;
    }

    PrintStream consoleStream() {
      return console;
    }

    boolean enabled() {
      return enabled;
    }

    boolean otlp() {
      return otlp;
    }

    Duration timeout() {
      return timeout;
    }

    String compression() {
      return compression;
    }

    Integer prometheusPort() {
      return prometheusPort;
    }

    boolean keepErrors() {
      return keepErrors;
    }

    Duration keepSlowerThan() {
      return keepSlowerThan;
    }

    /** Tests: the time source of tail sampling's hold timeout. */
    Builder tailSamplingClock(LongSupplier nanoClock) {
      this.tailSamplingClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    Map<String, String> configPropertiesOrNull() {
      return configProperties;
    }
  }
}
