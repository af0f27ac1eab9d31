package dev.oteltoolkit.ai;

import dev.oteltoolkit.api.instrumentation.SpanNames;
import io.opentelemetry.api.trace.SpanKind;
import java.util.Arrays;

/**
 * Describes one model call (chat, text completion, content generation, embeddings): the request
 * parameters become {@code gen_ai.request.*} attributes at span start. End with {@link #call} or
 * {@link #start}.
 *
 * <pre>{@code
 * ai.chat("openai", "gpt-4o").temperature(0.2).maxTokens(512).serverAddress("api.openai.com")
 *     .call(span -> ...);
 * }</pre>
 */
public final class ModelCallBuilder extends OperationBuilder<ModelCallBuilder> {

  ModelCallBuilder(GenAiTelemetry telemetry, SpanNames names, String provider, String model) {
    super(
        telemetry,
        names.operation(),
        names.name(GenAiTelemetry.requireName(model, "model")),
        SpanKind.CLIENT,
        GenAiTelemetry.requireName(provider, "provider"),
        model);
  }

  @Override
  ModelCallBuilder self() {
    return this;
  }

  /**
   * Sets {@code gen_ai.request.temperature}. Default: unset.
   *
   * @param temperature the sampling temperature
   * @return this builder
   */
  public ModelCallBuilder temperature(double temperature) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE, temperature);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.top_p}. Default: unset.
   *
   * @param topP the nucleus sampling mass
   * @return this builder
   */
  public ModelCallBuilder topP(double topP) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_TOP_P, topP);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.top_k}. Default: unset.
   *
   * @param topK the number of candidates sampled from
   * @return this builder
   */
  public ModelCallBuilder topK(double topK) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_TOP_K, topK);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.max_tokens}. Default: unset.
   *
   * @param maxTokens the most tokens the model may generate
   * @return this builder
   */
  public ModelCallBuilder maxTokens(long maxTokens) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS, maxTokens);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.seed}. Default: unset.
   *
   * @param seed the sampling seed
   * @return this builder
   */
  public ModelCallBuilder seed(long seed) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_SEED, seed);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.stop_sequences}. Default: unset.
   *
   * @param stopSequences the sequences that stop generation
   * @return this builder
   */
  public ModelCallBuilder stopSequences(String... stopSequences) {
    spanBuilder.setAttribute(
        GenAiAttributes.GEN_AI_REQUEST_STOP_SEQUENCES, Arrays.asList(stopSequences));
    return this;
  }

  /**
   * Sets {@code gen_ai.request.choice.count}. Default: unset.
   *
   * @param choiceCount the number of candidate completions requested
   * @return this builder
   */
  public ModelCallBuilder choiceCount(long choiceCount) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_CHOICE_COUNT, choiceCount);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.stream}. Default: unset.
   *
   * @param stream whether the response is streamed
   * @return this builder
   */
  public ModelCallBuilder stream(boolean stream) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_STREAM, stream);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.frequency_penalty}. Default: unset.
   *
   * @param frequencyPenalty the frequency penalty
   * @return this builder
   */
  public ModelCallBuilder frequencyPenalty(double frequencyPenalty) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY, frequencyPenalty);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.presence_penalty}. Default: unset.
   *
   * @param presencePenalty the presence penalty
   * @return this builder
   */
  public ModelCallBuilder presencePenalty(double presencePenalty) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY, presencePenalty);
    return this;
  }

  /**
   * Sets {@code gen_ai.output.type}: {@code text}, {@code json}, {@code image}, {@code speech}.
   * Default: unset.
   *
   * @param outputType the requested output type
   * @return this builder
   */
  public ModelCallBuilder outputType(String outputType) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_OUTPUT_TYPE, outputType);
    return this;
  }

  /**
   * Sets {@code gen_ai.request.encoding_formats}, for embeddings. Default: unset.
   *
   * @param encodingFormats the requested encodings, e.g. {@code float}, {@code base64}
   * @return this builder
   */
  public ModelCallBuilder encodingFormats(String... encodingFormats) {
    spanBuilder.setAttribute(
        GenAiAttributes.GEN_AI_REQUEST_ENCODING_FORMATS, Arrays.asList(encodingFormats));
    return this;
  }

  /**
   * Sets {@code gen_ai.embeddings.dimension.count}, for embeddings. Default: unset.
   *
   * @param dimensionCount the number of dimensions requested
   * @return this builder
   */
  public ModelCallBuilder dimensionCount(long dimensionCount) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, dimensionCount);
    return this;
  }
}
