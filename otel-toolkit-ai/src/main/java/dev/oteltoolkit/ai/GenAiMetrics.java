package dev.oteltoolkit.ai;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.ErrorAttributes;
import java.math.BigDecimal;

/**
 * The GenAI metrics of one {@link GenAiTelemetry}: {@code gen_ai.client.operation.duration},
 * {@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.time_to_first_chunk} and
 * {@code oteltoolkit.gen_ai.cost}, recorded once per ended call.
 */
final class GenAiMetrics {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  private final DoubleHistogram operationDuration;
  private final LongHistogram tokenUsage;
  private final DoubleHistogram timeToFirstChunk;
  private final DoubleCounter cost;
  private final MetricAttributes.Cache attributeSets = new MetricAttributes.Cache();

  GenAiMetrics(Meter meter) {
    this.operationDuration =
        meter
            .histogramBuilder(GenAiAttributes.CLIENT_OPERATION_DURATION)
            .setUnit(GenAiAttributes.CLIENT_OPERATION_DURATION_UNIT)
            .setDescription("GenAI operation duration.")
            .setExplicitBucketBoundariesAdvice(GenAiAttributes.DURATION_BUCKETS)
            .build();
    this.tokenUsage =
        meter
            .histogramBuilder(GenAiAttributes.CLIENT_TOKEN_USAGE)
            .ofLongs()
            .setUnit(GenAiAttributes.CLIENT_TOKEN_USAGE_UNIT)
            .setDescription("Number of input and output tokens used.")
            .setExplicitBucketBoundariesAdvice(GenAiAttributes.TOKEN_USAGE_BUCKETS)
            .build();
    this.timeToFirstChunk =
        meter
            .histogramBuilder(GenAiAttributes.CLIENT_TIME_TO_FIRST_CHUNK)
            .setUnit(GenAiAttributes.CLIENT_TIME_TO_FIRST_CHUNK_UNIT)
            .setDescription(
                "Time to receive the first chunk of a streamed response, from the request.")
            .setExplicitBucketBoundariesAdvice(GenAiAttributes.DURATION_BUCKETS)
            .build();
    this.cost =
        meter
            .counterBuilder(GenAiAttributes.COST_METRIC)
            .ofDoubles()
            .setUnit(GenAiAttributes.COST_UNIT)
            .setDescription("Cost of GenAI calls in US dollars, from the toolkit's price table.")
            .build();
  }

  /**
   * Records one ended call.
   *
   * @param call what identifies the call in the metrics (operation, provider, models, server)
   * @param usage the call's tokens, first-chunk time and error type
   * @param callCost the call's cost, or null when it could not be priced
   * @param durationNanos the call's duration
   * @param context the call's context (exemplars)
   */
  void record(
      CallIdentity call, TokenUsage usage, BigDecimal callCost, long durationNanos, Context context) {
    MetricAttributes attributes =
        attributeSets.get(
            call.operation(),
            call.provider(),
            call.requestModel(),
            usage.responseModel(),
            call.serverAddress(),
            call.serverPort());
    Attributes base = attributes.base;
    String error = usage.errorType();
    operationDuration.record(
        Math.max(0, durationNanos) / NANOS_PER_SECOND,
        error == null ? base : base.toBuilder().put(ErrorAttributes.ERROR_TYPE, error).build(),
        context);
    if (usage.input() != TokenUsage.UNSET) {
      tokenUsage.record(usage.input(), attributes.input, context);
    }
    if (usage.output() != TokenUsage.UNSET) {
      tokenUsage.record(usage.output(), attributes.output, context);
    }
    if (usage.firstTokenNanos() != TokenUsage.UNSET) {
      timeToFirstChunk.record(usage.firstTokenNanos() / NANOS_PER_SECOND, base, context);
    }
    if (callCost != null) {
      cost.add(callCost.doubleValue(), attributes.cost, context);
    }
  }

  /** How many metric attribute sets are cached (tests). */
  int cachedAttributeSets() {
    return attributeSets.cachedCount();
  }

  /**
   * What identifies a call in its metrics, fixed when it starts.
   *
   * @param operation {@code gen_ai.operation.name}
   * @param provider {@code gen_ai.provider.name}
   * @param requestModel {@code gen_ai.request.model}, or null
   * @param serverAddress {@code server.address}, or null
   * @param serverPort {@code server.port}, or 0 (a negative value is treated as unset)
   */
  record CallIdentity(
      String operation,
      String provider,
      String requestModel,
      String serverAddress,
      long serverPort) {}
}
