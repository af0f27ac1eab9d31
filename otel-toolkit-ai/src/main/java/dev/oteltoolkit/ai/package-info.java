/**
 * GenAI instrumentation by the OpenTelemetry GenAI semantic conventions, on the OpenTelemetry API
 * alone: {@link dev.oteltoolkit.ai.GenAiTelemetry} records model calls, tools and agents with token
 * usage, cost from a {@link dev.oteltoolkit.ai.PriceTable}, exact per-request totals and budgets.
 * Prompts and completions are recorded only when content capture is turned on.
 */
package dev.oteltoolkit.ai;
