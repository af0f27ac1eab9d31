package dev.oteltoolkit.ai;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.ErrorAttributes;
import java.math.BigDecimal;

/**
 * The GenAI metrics of one {@link GenAiTelemetry}: {@code gen_ai.client.operation.duration}, {@code
 * gen_ai.client.token.usage}, {@code gen_ai.client.operation.time_to_first_chunk} and {@code
 * oteltoolkit.gen_ai.cost}, recorded once per ended call. With the newest conventions ({@link
 * GenAiConventions#emitLatest()}) the token counts go to the {@code
 * gen_ai.client.inference.usage.*} counters and {@code gen_ai.client.inference.operation.*}
 * histograms instead of (or, with {@code /dup}, beside) {@code gen_ai.client.token.usage}.
 */
final class GenAiMetrics {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  private final DoubleHistogram operationDuration;
  private final LongHistogram tokenUsage;
  private final DoubleHistogram timeToFirstChunk;
  private final DoubleCounter cost;

  /** The newest names' instruments; null unless {@link GenAiConventions#emitLatest()}. */
  private final LatestTokenMetrics latest;

  private final MetricAttributes.Cache attributeSets = new MetricAttributes.Cache();

  GenAiMetrics(Meter meter, GenAiConventions conventions) {
    this.operationDuration =
        meter
            .histogramBuilder(GenAiAttributes.CLIENT_OPERATION_DURATION)
            .setUnit(GenAiAttributes.CLIENT_OPERATION_DURATION_UNIT)
            .setDescription("GenAI operation duration.")
            .setExplicitBucketBoundariesAdvice(GenAiAttributes.DURATION_BUCKETS)
            .build();
    this.tokenUsage =
        conventions.emitDefault()
            ? meter
                .histogramBuilder(GenAiAttributes.CLIENT_TOKEN_USAGE)
                .ofLongs()
                .setUnit(GenAiAttributes.CLIENT_TOKEN_USAGE_UNIT)
                .setDescription("Number of input and output tokens used.")
                .setExplicitBucketBoundariesAdvice(GenAiAttributes.TOKEN_USAGE_BUCKETS)
                .build()
            : null;
    this.latest = conventions.emitLatest() ? new LatestTokenMetrics(meter) : null;
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
      CallIdentity call,
      TokenUsage usage,
      BigDecimal callCost,
      long durationNanos,
      Context context) {
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
    if (tokenUsage != null) {
      if (usage.input() != TokenUsage.UNSET) {
        tokenUsage.record(usage.input(), attributes.input, context);
      }
      if (usage.output() != TokenUsage.UNSET) {
        tokenUsage.record(usage.output(), attributes.output, context);
      }
    }
    if (latest != null && usage.reported()) {
      latest.record(usage, attributes, context);
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
   * The token instruments of the newest GenAI conventions (semantic-conventions-genai, {@code
   * token-metrics.yaml}): counters of what was spent, by {@code gen_ai.token.modality} ({@code
   * unknown}: callers report no breakdown by modality), and per-call histograms.
   */
  private static final class LatestTokenMetrics {
    private final LongCounter input;
    private final LongCounter output;
    private final LongCounter cacheRead;
    private final LongCounter cacheWrite;
    private final LongCounter reasoning;
    private final LongHistogram operationInput;
    private final LongHistogram operationOutput;

    LatestTokenMetrics(Meter meter) {
      input =
          counter(
              meter,
              GenAiAttributes.CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
              "The number of input (prompt) tokens used, including cached tokens.");
      output =
          counter(
              meter,
              GenAiAttributes.CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
              "The number of output (completion) tokens used, including reasoning tokens.");
      cacheRead =
          counter(
              meter,
              GenAiAttributes.CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
              "The number of input tokens served from a provider-managed cache.");
      cacheWrite =
          counter(
              meter,
              GenAiAttributes.CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
              "The number of input tokens written to a provider-managed cache.");
      reasoning =
          counter(
              meter,
              GenAiAttributes.CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
              "The number of output tokens used for reasoning.");
      operationInput =
          histogram(
              meter,
              GenAiAttributes.CLIENT_INFERENCE_OPERATION_INPUT_TOKENS,
              "The number of input (prompt) tokens used per inference operation.");
      operationOutput =
          histogram(
              meter,
              GenAiAttributes.CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS,
              "The number of output (completion) tokens used per inference operation.");
    }

    /** Records a call that reported its usage (input tokens at least). */
    void record(TokenUsage usage, MetricAttributes attributes, Context context) {
      input.add(usage.input(), attributes.usage, context);
      Attributes perCall =
          usage.errorType() == null
              ? attributes.base
              : attributes.base.toBuilder()
                  .put(ErrorAttributes.ERROR_TYPE, usage.errorType())
                  .build();
      operationInput.record(usage.input(), perCall, context);
      if (usage.output() != TokenUsage.UNSET) {
        output.add(usage.output(), attributes.usage, context);
        operationOutput.record(usage.output(), perCall, context);
      }
      if (usage.cacheRead() != TokenUsage.UNSET) {
        cacheRead.add(usage.cacheRead(), attributes.usage, context);
      }
      if (usage.cacheCreation() != TokenUsage.UNSET) {
        cacheWrite.add(usage.cacheCreation(), attributes.usage, context);
      }
      if (usage.reasoning() != TokenUsage.UNSET) {
        reasoning.add(usage.reasoning(), attributes.usage, context);
      }
    }

    private static LongCounter counter(Meter meter, String name, String description) {
      return meter
          .counterBuilder(name)
          .setUnit(GenAiAttributes.TOKEN_UNIT)
          .setDescription(description)
          .build();
    }

    private static LongHistogram histogram(Meter meter, String name, String description) {
      return meter
          .histogramBuilder(name)
          .ofLongs()
          .setUnit(GenAiAttributes.TOKEN_UNIT)
          .setDescription(description)
          .setExplicitBucketBoundariesAdvice(GenAiAttributes.TOKEN_USAGE_BUCKETS)
          .build();
    }
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
