/**
 * JMH benchmarks of {@code Tracing.traced} side by side with the same work written by hand on the
 * raw OpenTelemetry API. Each class holds the pairs one run compares; {@code bench/run} runs them
 * and writes the ratios into {@code docs/BENCHMARKS.md}. Not a library: never published.
 */
package dev.oteltoolkit.benchmarks;
