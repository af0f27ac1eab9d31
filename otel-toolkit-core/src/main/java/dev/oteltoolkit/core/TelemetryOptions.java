package dev.oteltoolkit.core;

import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What the code set on a {@link TelemetryBuilder}, frozen at {@code build()}; null where nothing
 * was set. {@link ConfigResolver} merges it with the process's settings.
 */
record TelemetryOptions(
    @Nullable String serviceName,
    @Nullable String serviceVersion,
    @Nullable String environment,
    Map<String, String> resourceAttributes,
    @Nullable String endpoint,
    @Nullable String protocol,
    Map<String, String> headers,
    @Nullable Double samplingRatio,
    @Nullable Sampler sampler,
    List<SpanExporter> spanExporters,
    List<MetricReader> metricReaders,
    List<LogRecordExporter> logRecordExporters,
    @Nullable PrintStream console,
    boolean enabled,
    @Nullable Boolean otlp,
    @Nullable Duration timeout,
    @Nullable String compression,
    @Nullable Integer prometheusPort,
    boolean keepErrors,
    @Nullable Duration keepSlowerThan,
    Set<Integer> keepHttpStatuses,
    LongSupplier tailSamplingClock,
    @Nullable Map<String, String> configProperties,
    @Nullable Boolean exportLogs) {}
