package dev.oteltoolkit.benchmarks;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The baseline of the GenAI pairs: the telemetry of one chat call that {@code
 * GenAiTelemetry.chat(provider, model).call(span -> ...)} records, written by hand on the raw
 * OpenTelemetry API the way a careful user would.
 *
 * <ul>
 *   <li>The same CLIENT span: the name {@code "chat {model}"} (a constant: the user knows the model
 *       they call), {@code gen_ai.operation.name}, {@code gen_ai.provider.name} and {@code
 *       gen_ai.request.model} at start; {@code gen_ai.response.model}, {@code gen_ai.response.id},
 *       {@code gen_ai.response.finish_reasons}, {@code gen_ai.usage.input_tokens}, {@code
 *       gen_ai.usage.output_tokens} and {@code gen_ai.usage.cost} from the response; on failure the
 *       exception event, status {@code ERROR} and {@code error.type}.
 *   <li>The cost as exact {@link BigDecimal} arithmetic on the same per-million prices (taken once
 *       from the price table entry of the model: the user hard-codes the prices of the model they
 *       call, so no lookup), written as a double.
 *   <li>The same metrics: {@code gen_ai.client.operation.duration} and {@code
 *       gen_ai.client.token.usage} (by {@code gen_ai.token.type}) with the semconv bucket advice,
 *       and the counter {@code oteltoolkit.gen_ai.cost}, with the same attributes, recorded with
 *       the call's context (so exemplars see the same span). The attributes hold the response
 *       model, known only once the response is there, so they are built per call with {@code
 *       Attributes.of}, the cheapest way the API offers.
 * </ul>
 *
 * <p>What it does not do: per-request totals on the local root span. That needs an exact,
 * thread-safe accumulator bound to the request's root, which core's {@code RequestAccumulator} is;
 * a user writing raw telemetry has no such thing (see {@code GenAiBenchmark}).
 */
final class RawGenAi {

  static final String SCOPE = "dev.oteltoolkit.benchmarks.raw";

  static final AttributeKey<String> OPERATION_NAME = stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = stringKey("gen_ai.response.model");
  static final AttributeKey<String> RESPONSE_ID = stringKey("gen_ai.response.id");
  static final AttributeKey<List<String>> FINISH_REASONS =
      stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Long> INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Double> COST = doubleKey("gen_ai.usage.cost");
  static final AttributeKey<String> TOKEN_TYPE = stringKey("gen_ai.token.type");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

  private static final String CHAT = "chat";
  private static final double NANOS_PER_SECOND = 1_000_000_000.0;
  private static final List<Long> TOKEN_BUCKETS =
      Arrays.asList(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);
  private static final List<Double> DURATION_BUCKETS =
      Arrays.asList(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final LongHistogram tokenUsage;
  private final DoubleCounter cost;
  private final String provider;
  private final String model;
  private final String spanName;
  private final BigDecimal inputPerMillion;
  private final BigDecimal outputPerMillion;

  /**
   * Creates the raw side for chat calls to one model.
   *
   * @param openTelemetry the SDK the toolkit side records through too
   * @param provider the provider, e.g. {@code openai}
   * @param model the requested model, e.g. {@code gpt-4o}
   * @param inputPerMillion US dollars per million input tokens
   * @param outputPerMillion US dollars per million output tokens
   */
  RawGenAi(
      OpenTelemetry openTelemetry,
      String provider,
      String model,
      BigDecimal inputPerMillion,
      BigDecimal outputPerMillion) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    Meter meter = openTelemetry.getMeter(SCOPE);
    this.duration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setUnit("s")
            .setDescription("GenAI operation duration.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.tokenUsage =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Number of input and output tokens used.")
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    this.cost =
        meter
            .counterBuilder("oteltoolkit.gen_ai.cost")
            .ofDoubles()
            .setUnit("USD")
            .setDescription("Cost of GenAI calls in US dollars, from the toolkit's price table.")
            .build();
    this.provider = provider;
    this.model = model;
    this.spanName = CHAT + " " + model;
    this.inputPerMillion = inputPerMillion;
    this.outputPerMillion = outputPerMillion;
  }

  /**
   * One chat call: span, cost and metrics around {@code client}.
   *
   * @param client the model call
   * @return the text of the response
   */
  @SuppressWarnings("try") // the scope is held for its side effect
  String chat(Supplier<GenAiBenchmark.ChatResponse> client) {
    long startNanos = System.nanoTime();
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder(spanName)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAttribute(OPERATION_NAME, CHAT)
            .setAttribute(PROVIDER_NAME, provider)
            .setAttribute(REQUEST_MODEL, model)
            .startSpan();
    Context context = parent.with(span);
    try (Scope ignored = context.makeCurrent()) {
      GenAiBenchmark.ChatResponse response = client.get();
      String responseModel = response.model();
      long input = response.inputTokens();
      long output = response.outputTokens();
      BigDecimal callCost =
          inputPerMillion
              .multiply(BigDecimal.valueOf(input))
              .add(outputPerMillion.multiply(BigDecimal.valueOf(output)))
              .movePointLeft(6);
      double usd = callCost.doubleValue();
      span.setAttribute(RESPONSE_MODEL, responseModel);
      span.setAttribute(RESPONSE_ID, response.id());
      span.setAttribute(FINISH_REASONS, response.finishReasons());
      span.setAttribute(INPUT_TOKENS, input);
      span.setAttribute(OUTPUT_TOKENS, output);
      span.setAttribute(COST, usd);
      tokenUsage.record(
          input,
          Attributes.of(
              OPERATION_NAME, CHAT,
              PROVIDER_NAME, provider,
              REQUEST_MODEL, model,
              RESPONSE_MODEL, responseModel,
              TOKEN_TYPE, "input"),
          context);
      tokenUsage.record(
          output,
          Attributes.of(
              OPERATION_NAME, CHAT,
              PROVIDER_NAME, provider,
              REQUEST_MODEL, model,
              RESPONSE_MODEL, responseModel,
              TOKEN_TYPE, "output"),
          context);
      cost.add(
          usd,
          Attributes.of(
              PROVIDER_NAME, provider, REQUEST_MODEL, model, RESPONSE_MODEL, responseModel),
          context);
      duration.record(
          (System.nanoTime() - startNanos) / NANOS_PER_SECOND,
          Attributes.of(
              OPERATION_NAME, CHAT,
              PROVIDER_NAME, provider,
              REQUEST_MODEL, model,
              RESPONSE_MODEL, responseModel),
          context);
      return response.text();
    } catch (RuntimeException e) {
      String errorType = e.getClass().getName();
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getMessage());
      span.setAttribute(ERROR_TYPE, errorType);
      duration.record(
          (System.nanoTime() - startNanos) / NANOS_PER_SECOND,
          Attributes.of(
              OPERATION_NAME,
              CHAT,
              PROVIDER_NAME,
              provider,
              REQUEST_MODEL,
              model,
              ERROR_TYPE,
              errorType),
          context);
      throw e;
    } finally {
      span.end();
    }
  }
}
