/**
 * The toolkit's API for code that records telemetry, on the OpenTelemetry API alone: {@link
 * dev.oteltoolkit.api.Tracing} and its static form {@link dev.oteltoolkit.api.Traced} wrap code in
 * spans ({@code traced("charge-card", () -> gateway.charge(order))}), and {@link
 * dev.oteltoolkit.api.RequestAccumulator} keeps exact per-request totals on the local root span.
 *
 * <p>Works over any {@code OpenTelemetry}: the one otel-toolkit-core's {@code Telemetry.setup()}
 * builds, an SDK built by hand, or the OpenTelemetry Java agent's global instance.
 */
@NullMarked
package dev.oteltoolkit.api;

import org.jspecify.annotations.NullMarked;
