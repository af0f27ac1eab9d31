/**
 * The official OpenAI Java SDK instrumented through otel-toolkit-ai: {@link
 * dev.oteltoolkit.ai.openai.OpenAiTelemetry#wrap(com.openai.client.OpenAIClient)}.
 */
package dev.oteltoolkit.ai.openai;
