/**
 * Whole-pipeline measures: plain Java mains, not JMH, because they measure what JMH's model does
 * not fit (a sustained rate with drops, latency distributions under a fixed arrival rate, heap and
 * allocation of a running service). Each main writes its results as JSON to the file given with
 * {@code --out} (schema {@code oteltoolkit-pipeline/1}, see {@link
 * dev.oteltoolkit.benchmarks.pipeline.PipelineReport}) and takes {@code --quick} for a smoke run of
 * under a minute:
 *
 * <ul>
 *   <li>{@link dev.oteltoolkit.benchmarks.pipeline.ExportThroughput}: the highest span rate
 *       exported over OTLP with nothing dropped, toolkit against a hand-built SDK pipeline;
 *   <li>{@link dev.oteltoolkit.benchmarks.pipeline.ExportLatency}: time from span end to its
 *       arrival at the receiver with the default settings;
 *   <li>{@link dev.oteltoolkit.benchmarks.pipeline.ExportCeiling}: the highest rate the producer
 *       side exports with nothing dropped against a receiver that discards the bytes (its own JVM),
 *       CPU per exported span, and where it goes (JFR, {@link
 *       dev.oteltoolkit.benchmarks.pipeline.JfrProfile});
 *   <li>{@link dev.oteltoolkit.benchmarks.pipeline.ExportMemory}: the heap a full span queue holds
 *       with the default settings;
 *   <li>{@link dev.oteltoolkit.benchmarks.pipeline.RequestOverhead}: p50/p95/p99 latency, heap
 *       after GC and allocation per request of an HTTP service with telemetry off, on at 10% and on
 *       at 100% sampling;
 *   <li>{@link dev.oteltoolkit.benchmarks.pipeline.StackComparison}: the same service with
 *       telemetry off, the toolkit, the OpenTelemetry Java agent and a hand-built SDK.
 * </ul>
 *
 * <p>Spans are exported to the end-to-end module's {@code OtlpReceiver}, which decodes the real
 * OTLP bytes (gRPC or HTTP/protobuf) with the official {@code opentelemetry-proto} classes.
 */
package dev.oteltoolkit.benchmarks.pipeline;
