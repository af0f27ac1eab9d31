/**
 * LangChain4j instrumented through otel-toolkit-ai: {@code LangChain4jTelemetry} wraps chat models,
 * streaming chat models, embedding models, content retrievers, tool executors and AI services so
 * each model call and retrieval is a GenAI span current around the provider's request, tools nest
 * under their agent, and tokens, cost and per-request totals are recorded.
 */
package dev.oteltoolkit.ai.langchain4j;
