package dev.oteltoolkit.ai;

import dev.oteltoolkit.api.RequestAccumulator;
import dev.oteltoolkit.api.ThrowingFunction;
import dev.oteltoolkit.api.instrumentation.Operations;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.ServerAttributes;
import java.util.Objects;

/**
 * What every GenAI operation builder shares: common request attributes, then {@link #call} or
 * {@link #start}. Attributes given to a builder are set when the span starts, where samplers see
 * them. A builder describes one call: end it with exactly one {@code call} or {@code start}.
 *
 * @param <B> the concrete builder
 */
abstract class OperationBuilder<B extends OperationBuilder<B>> {

  final GenAiTelemetry telemetry;
  final String operation;
  final SpanBuilder spanBuilder;
  String provider;
  String requestModel;
  String serverAddress;
  long serverPort = -1;

  OperationBuilder(
      GenAiTelemetry telemetry,
      String operation,
      String spanName,
      SpanKind kind,
      String provider,
      String requestModel) {
    this.telemetry = telemetry;
    this.operation = operation;
    this.spanBuilder =
        telemetry
            .tracer
            .spanBuilder(spanName)
            .setSpanKind(kind)
            .setAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME, operation);
    if (provider != null) {
      setProvider(provider);
    }
    if (requestModel != null) {
      setRequestModel(requestModel);
    }
  }

  abstract B self();

  final void setProvider(String provider) {
    this.provider = provider;
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME, provider);
  }

  final void setRequestModel(String requestModel) {
    this.requestModel = requestModel;
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL, requestModel);
  }

  /**
   * Sets {@code gen_ai.conversation.id}: the session or thread the call belongs to. Default: unset.
   *
   * @param conversationId the conversation id
   * @return this builder
   */
  public B conversationId(String conversationId) {
    spanBuilder.setAttribute(GenAiAttributes.GEN_AI_CONVERSATION_ID, conversationId);
    return self();
  }

  /**
   * Sets {@code server.address}, the host the call goes to (also a metric attribute). Default:
   * unset.
   *
   * @param serverAddress the host name or IP address, e.g. {@code api.openai.com}
   * @return this builder
   */
  public B serverAddress(String serverAddress) {
    this.serverAddress = serverAddress;
    spanBuilder.setAttribute(ServerAttributes.SERVER_ADDRESS, serverAddress);
    return self();
  }

  /**
   * Sets {@code server.port}, the port the call goes to (also a metric attribute). Default: unset.
   *
   * @param serverPort the port
   * @return this builder
   */
  public B serverPort(int serverPort) {
    this.serverPort = serverPort;
    spanBuilder.setAttribute(ServerAttributes.SERVER_PORT, (long) serverPort);
    return self();
  }

  /**
   * Sets any other attribute at span start, for example a vendor-specific one.
   *
   * @param key the attribute key
   * @param value the value; {@code null} leaves the attribute unset
   * @param <T> the type of the value
   * @return this builder
   */
  public <T> B attribute(AttributeKey<T> key, T value) {
    spanBuilder.setAttribute(Objects.requireNonNull(key, "key"), value);
    return self();
  }

  /**
   * Starts the span, makes it current, calls {@code body} with it and ends it. If {@code body}
   * throws, the span gets {@code recordException}, status {@code ERROR} and {@code error.type} (the
   * exception's class name), and the very same exception is rethrown.
   *
   * @param body the call; record the response on the {@link GenAiSpan} it is given
   * @param <T> the type of the result
   * @param <E> the type of checked exception the body may throw
   * @return what {@code body} returned
   * @throws E the very exception {@code body} threw
   * @throws BudgetExceededException if the request is over budget and {@code stopOverBudget} is on;
   *     {@code body} does not run then
   */
  public <T, E extends Throwable> T call(ThrowingFunction<GenAiSpan, T, E> body) throws E {
    Objects.requireNonNull(body, "body");
    GenAiSpan span = start();
    return Operations.apply(span.context(), span, GenAiSpan::end, body, span);
  }

  /**
   * Starts the span and returns it without making it current, for streaming and manual use: record
   * {@link GenAiSpan#firstToken()} when the first chunk arrives and {@link GenAiSpan#close()} it
   * when the stream ends (try-with-resources). Use {@link GenAiSpan#makeCurrent()} to parent other
   * spans under it.
   *
   * @return the started span
   * @throws BudgetExceededException if the request is over budget and {@code stopOverBudget} is on
   */
  public GenAiSpan start() {
    Context parent = Context.current();
    RequestAccumulator totals = GenAiTelemetry.accumulator(parent);
    telemetry.checkBudget(totals, operation);
    long startNanos = System.nanoTime();
    Span span = spanBuilder.setParent(parent).startSpan();
    Context context = parent.with(span);
    if (totals == null) {
      // this span may itself be the local root (an agent invoked outside any request span): its
      // totals travel in the context, not through core's shared weak map for foreign roots
      context = RequestAccumulator.startRequest(context);
      totals = GenAiTelemetry.accumulator(context);
    }
    if (totals != null) {
      context = context.with(GenAiTelemetry.ACCUMULATOR, totals);
    }
    GenAiSpan genAiSpan =
        new GenAiSpan(
            telemetry,
            span,
            context,
            operation,
            provider,
            requestModel,
            serverAddress,
            serverPort,
            totals,
            startNanos);
    if (telemetry.capturesContent() && span.isRecording()) {
      try {
        recordContentAtStart(span, telemetry.content);
      } catch (RuntimeException e) {
        telemetry.instrumentationFailed(e);
      }
    }
    return genAiSpan;
  }

  /** Records content given to the builder (tool arguments, retrieval query); capture is on. */
  void recordContentAtStart(Span span, ContentCapture content) {}
}
