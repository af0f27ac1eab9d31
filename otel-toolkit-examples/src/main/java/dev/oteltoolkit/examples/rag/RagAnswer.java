package dev.oteltoolkit.examples.rag;

/**
 * What the service answered to one query.
 *
 * @param query the question
 * @param answer the answer, null when a stage failed
 * @param source the id of the document the answer is based on, null when a stage failed
 * @param cacheHit whether the query's embedding came from the cache
 * @param failedStage the stage that failed ({@code embed}, {@code search}, {@code answer}), or null
 * @param traceId the query's trace id; all zeros when telemetry is off
 */
public record RagAnswer(
    String query,
    String answer,
    String source,
    boolean cacheHit,
    String failedStage,
    String traceId) {}
