/**
 * Test kit for code instrumented with otel-toolkit: {@link
 * dev.oteltoolkit.testing.TelemetryExtension}, a JUnit 5 extension that builds the toolkit's own
 * {@code Telemetry} with in-memory exporters, and assertions on traces as trees, RED and GenAI
 * metrics and log records, whose failures show the console tree of everything captured.
 */
@NullMarked
package dev.oteltoolkit.testing;

import org.jspecify.annotations.NullMarked;
