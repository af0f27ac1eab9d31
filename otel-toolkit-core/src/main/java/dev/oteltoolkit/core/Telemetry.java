package dev.oteltoolkit.core;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.api.spi.TelemetryAttachment;
import dev.oteltoolkit.core.internal.ExportOutcomes;
import dev.oteltoolkit.core.internal.OtlpTarget;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

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
 * Spans, metrics and logs go over OTLP ({@code grpc} to {@code localhost:4317} unless configured),
 * batched and asynchronous: a collector that is down or slow never blocks or fails the application.
 *
 * <p>{@link #close()} (or the shutdown hook of {@link TelemetryBuilder#install()}) flushes every
 * pending span, metric and log before returning, bounded by its timeout. Afterwards {@link
 * #tracing()} still works, as a no-op.
 */
public final class Telemetry implements AutoCloseable {

  /** Default timeout of {@link #forceFlush()} and {@link #close()}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Default capacity of the span queue of each batch processor: 8192 spans, four export batches of
   * 2048. It absorbs a stalled export of about 160 ms at 50,000 spans a second without a drop. Full
   * (a collector that is down or stalled), it and the batch being exported hold about 10 MiB of
   * heap for server spans with a dozen attributes (about 1 KB each while queued; the measured
   * figures are in docs/CONFIGURATION.md). Spans beyond it are dropped (never blocking) and counted
   * in the SDK's processor metrics. Set {@code OTEL_BSP_MAX_QUEUE_SIZE} to change it.
   */
  public static final int DEFAULT_MAX_QUEUE_SIZE = 8192;

  /**
   * Default span export batch size: 2048 spans per request (the SDK's is 512). One export is in
   * flight at a time, so the export rate is about the batch size over an export's round trip; 2048
   * spans of about 300 B serialized make a request well under the 4 MiB a collector's gRPC receiver
   * accepts by default. Set {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE} to change it.
   */
  public static final int DEFAULT_MAX_EXPORT_BATCH_SIZE = 2048;

  /**
   * Default delay between two exports of the span batch processor, in milliseconds: 50 ms, so a
   * span reaches the collector about 50 ms after it ends (p95 under 100 ms) where the SDK's 5 s
   * default makes it wait seconds. Under load, batches of 2048 leave before the delay is up. The
   * cost is more, smaller export requests at low span rates (at most 20 a second). Set {@code
   * OTEL_BSP_SCHEDULE_DELAY} to change it.
   */
  public static final long DEFAULT_SCHEDULE_DELAY_MILLIS = 50;

  /** How long shutdown waits for a TCP connection to tell that no collector is there. */
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);

  private static final Logger logger = Logger.getLogger(Telemetry.class.getName());

  private final Object lock = new Object();
  private final @Nullable OpenTelemetrySdk sdk;
  private final ExportOutcomes outcomes;
  private final OpenTelemetry openTelemetry;
  private final String description;
  private volatile Tracing tracing;
  private boolean shutDown; // guarded by lock
  private boolean shutdownSucceeded; // guarded by lock
  private @Nullable Thread shutdownHook; // guarded by lock
  private List<TelemetryAttachment.Detach> attachments = List.of(); // guarded by lock

  /**
   * Starts the setup of a service's telemetry.
   *
   * @return a builder; finish with {@link TelemetryBuilder#build()} or {@link
   *     TelemetryBuilder#install()}
   */
  public static TelemetryBuilder setup() {
    return new TelemetryBuilder();
  }

  /** A telemetry that records nothing (disabled by configuration). */
  static Telemetry disabled() {
    return new Telemetry(null, new ExportOutcomes(), "disabled");
  }

  Telemetry(@Nullable OpenTelemetrySdk sdk, ExportOutcomes outcomes, String description) {
    this.sdk = sdk;
    this.outcomes = outcomes;
    this.openTelemetry = sdk == null ? OpenTelemetry.noop() : sdk;
    this.tracing = sdk == null ? Tracing.create(OpenTelemetry.noop()) : Tracing.create(sdk);
    this.description = description;
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
   * Returns the {@link Tracing} over this telemetry; after {@link #shutdown(Duration)} a no-op one,
   * which runs bodies and records nothing.
   *
   * @return the tracing instance
   */
  public Tracing tracing() {
    return tracing;
  }

  /**
   * Returns whether telemetry is recorded: false when disabled by {@code OTEL_ENABLED=false},
   * {@code OTEL_SDK_DISABLED=true} or {@link TelemetryBuilder#enabled(boolean)}, and after
   * shutdown.
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
   * <p>False when the time ran out, and also when an export failed while the flush ran (a collector
   * that is down or refuses the data, after the exporter's own retries): the SDK's processors drop
   * a batch whose export failed and still complete the flush, so the result is taken from the
   * exporters themselves.
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
    boolean spansAndLogs = flushSpansAndLogs(sdk, deadline);
    boolean metrics =
        sdk.getSdkMeterProvider()
            .forceFlush()
            .join(remaining(deadline), TimeUnit.NANOSECONDS)
            .isSuccess();
    // the SDK's processors complete a flush even when the export failed: ask the exporters
    return spansAndLogs && metrics && outcomes.failures() == failuresBefore;
  }

  /**
   * Flushes the span and log processors twice: a batch processor answers a flush request made while
   * an earlier one is still pending (say, one that timed out during a collector outage) with that
   * earlier request, which completes without the spans queued since. The second request, made after
   * the first completed, covers everything queued before this call.
   */
  private static boolean flushSpansAndLogs(OpenTelemetrySdk sdk, long deadline) {
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
   * #forceFlush(Duration)}, an export that failed while the pending telemetry was flushed makes the
   * result false.
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
      tracing = Tracing.create(OpenTelemetry.noop());
      removeShutdownHook();
      detachAll();
      if (sdk == null) {
        shutdownSucceeded = true;
        return true;
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      // With nothing listening at an OTLP collector, waiting for retries would only delay exit:
      // those exporters are abandoned (pending items fail at once, counted) and one line says so.
      List<URI> absent = abandonAbsentCollectors(deadline);
      long spanAndLogFailuresBefore = outcomes.spanAndLogFailures();
      long metricFailuresBefore = outcomes.metricFailures();
      // Metrics first, beside the span flush: one small export, which a long span flush (a
      // burst queued at exit) must not starve of the time left. Then flush spans and logs
      // (twice, see flushSpansAndLogs) and shut down, which exports the last metrics. The SDK's
      // metric reader exports on the calling thread during shutdown and may wait longer than
      // our timeout: run it on a helper thread so close() keeps its bound.
      sdk.getSdkMeterProvider().forceFlush();
      boolean flushed = flushSpansAndLogs(sdk, deadline);
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
          flushed && flushExported && stopped && outcomes.metricFailures() == metricFailuresBefore;
      if (!absent.isEmpty()) {
        logger.warning(notDelivered(absent));
      } else if (!shutdownSucceeded) {
        logger.log(
            Level.WARNING,
            "otel-toolkit: shutdown did not finish exporting within {0} ms; telemetry still"
                + " pending may be lost ({1})",
            new Object[] {timeout.toMillis(), description});
      }
      return shutdownSucceeded;
    }
  }

  /** Probes each OTLP collector (bounded by the deadline) and abandons those not there. */
  private List<URI> abandonAbsentCollectors(long deadline) {
    List<URI> absent = new ArrayList<>();
    for (URI target : outcomes.otlpTargets()) {
      long probe = Math.min(PROBE_TIMEOUT.toNanos(), remaining(deadline));
      if (probe > 0 && OtlpTarget.nothingListens(target, Duration.ofNanos(probe))) {
        absent.add(target);
        outcomes.abandon(target).join(remaining(deadline), TimeUnit.NANOSECONDS);
      }
    }
    return absent;
  }

  private String notDelivered(List<URI> absent) {
    StringBuilder where = new StringBuilder();
    for (URI target : absent) {
      where
          .append(where.length() == 0 ? "" : ", ")
          .append(target.getHost())
          .append(':')
          .append(target.getPort());
    }
    return "otel-toolkit: nothing is listening at "
        + where
        + " (OTLP), so "
        + outcomes.undelivered(ExportOutcomes.Signal.SPANS)
        + " spans, "
        + outcomes.undelivered(ExportOutcomes.Signal.METRICS)
        + " metric points and "
        + outcomes.undelivered(ExportOutcomes.Signal.LOGS)
        + " log records of this run were not exported. Start a collector there, point"
        + " OTEL_EXPORTER_OTLP_ENDPOINT at yours, or use console() without an endpoint to print"
        + " locally.";
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

  /** Whether {@link #shutdown(Duration)} has been called. */
  boolean isShutDown() {
    synchronized (lock) {
      return shutDown;
    }
  }

  /** What {@link #toString()} shows: service, exporters, endpoint. */
  String description() {
    return description;
  }

  void registerShutdownHook() {
    synchronized (lock) {
      Thread hook = new Thread(() -> shutdown(DEFAULT_TIMEOUT), "otel-toolkit-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      shutdownHook = hook;
    }
  }

  /** Keeps how to detach what {@link Attachments} attached, for shutdown. */
  void attached(List<TelemetryAttachment.Detach> detaches) {
    synchronized (lock) {
      attachments = List.copyOf(detaches);
    }
  }

  /** Detaches the attachments (log appenders) first: nothing new is emitted while flushing. */
  private void detachAll() {
    for (TelemetryAttachment.Detach detach : attachments) {
      try {
        detach.detach();
      } catch (RuntimeException | LinkageError e) {
        logger.log(Level.WARNING, "otel-toolkit: detaching " + detach + " failed", e);
      }
    }
    attachments = List.of();
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
}
