/**
 * The Anthropic Java SDK's clients instrumented by one wrap: {@code
 * AnthropicTelemetry.create(genAi).wrap(client)} records every Messages API call (sync, async,
 * streaming, tool use) through otel-toolkit-ai, with cache-aware tokens, cost, per-request totals,
 * budgets and time to first token.
 */
package dev.oteltoolkit.ai.anthropic;
