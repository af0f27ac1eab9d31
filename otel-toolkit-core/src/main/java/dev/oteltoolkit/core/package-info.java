/**
 * The setup artifact: {@link dev.oteltoolkit.core.Telemetry#setup()} builds an OpenTelemetry SDK
 * through OpenTelemetry's autoconfiguration (every standard {@code OTEL_*} setting works), with
 * OTLP export, the console tree view, forced and tail sampling, truthful flushes and a loss-free
 * shutdown. The {@code traced()} API it sets up lives in {@code dev.oteltoolkit.api}.
 */
@NullMarked
package dev.oteltoolkit.core;

import org.jspecify.annotations.NullMarked;
