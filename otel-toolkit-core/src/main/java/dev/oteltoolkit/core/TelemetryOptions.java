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

/**
 * What the code set on a {@link TelemetryBuilder}, frozen at {@code build()}; null where nothing
 * was set. {@link ConfigResolver} merges it with the process's settings.
 */
record TelemetryOptions(
    String serviceName,
    String serviceVersion,
    String environment,
    Map<String, String> resourceAttributes,
    String endpoint,
    String protocol,
    Map<String, String> headers,
    Double samplingRatio,
    Sampler sampler,
    List<SpanExporter> spanExporters,
    List<MetricReader> metricReaders,
    List<LogRecordExporter> logRecordExporters,
    PrintStream console,
    boolean enabled,
    Boolean otlp,
    Duration timeout,
    String compression,
    Integer prometheusPort,
    boolean keepErrors,
    Duration keepSlowerThan,
    Set<Integer> keepHttpStatuses,
    LongSupplier tailSamplingClock,
    Map<String, String> configProperties,
    Boolean exportLogs) {}
