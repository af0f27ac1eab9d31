package dev.oteltoolkit.examples.llmpipeline;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.RequestAccumulator;
import dev.oteltoolkit.api.TracedSpanBuilder;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline a support ticket goes through: summarise, classify, draft a reply. Each stage is a
 * traced step that hands its work to an agent, and each agent calls a model of its own provider
 * through the gateway, with the official OpenAI SDK:
 *
 * <pre>
 * handle_ticket                                   (local root: oteltoolkit.gen_ai.total.*)
 *   summarise   ─▶ invoke_agent summariser   ─▶ chat gpt-4o-mini            (OpenAI)
 *   classify    ─▶ invoke_agent classifier   ─▶ chat mistral-medium-latest  (Mistral)
 *   draft_reply ─▶ invoke_agent reply-writer ─▶ chat claude-sonnet-4-5      (Anthropic)
 *                                            └▶ chat gemini-2.5-flash       (Google, review)
 * </pre>
 *
 * <p>The business code only names its steps: the wrapped OpenAI client records each call's tokens
 * and cost, and otel-toolkit-ai adds them up for the request, sampled or not. The pipeline reads
 * the request's cost from those totals instead of pricing anything itself.
 */
final class TicketPipeline {

  /** Tickets starting with this are traced whatever the sampling ratio ({@code forceSample()}). */
  static final String PRIORITY = "[priority]";

  /** The request's exact cost, as otel-toolkit-ai adds it up (and writes it on the root span). */
  private static final AttributeKey<Double> TOTAL_COST =
      AttributeKey.doubleKey("oteltoolkit.gen_ai.total.cost");

  private final Tracing tracing;
  private final GenAiTelemetry ai;
  private final OpenAIClient openAi;

  /** {@code openAi} is wrapped by {@code OpenAiTelemetry}: each call records itself. */
  TicketPipeline(Tracing tracing, GenAiTelemetry ai, OpenAIClient openAi) {
    this.tracing = tracing;
    this.ai = ai;
    this.openAi = openAi;
  }

  /**
   * Handles one ticket end to end.
   *
   * @throws Exception when a model call fails; the spans record where
   */
  PipelineResult handle(int ticketId, String ticket) throws Exception {
    TracedSpanBuilder root = tracing.span("handle_ticket").attribute("app.ticket.id", ticketId);
    if (ticket.startsWith(PRIORITY)) {
      root.forceSample(); // priority customers' requests are always traced, whatever the ratio
    }
    return root.call(
        () -> {
          List<Reply> calls = new ArrayList<>();
          Reply summary =
              tracing.traced(
                  "summarise",
                  () ->
                      agent(
                          "summariser",
                          "gpt-4o-mini",
                          "Summarise the customer's ticket in one sentence.",
                          ticket,
                          calls));
          Reply category =
              tracing.traced(
                  "classify",
                  () ->
                      agent(
                          "classifier",
                          "mistral-medium-latest",
                          "Classify the ticket: billing, damaged_item or general. One word.",
                          ticket,
                          calls));
          Reply draft =
              tracing.traced(
                  "draft_reply",
                  () ->
                      ai.invokeAgent("reply-writer")
                          .call(
                              agent -> {
                                Reply written =
                                    ask(
                                        calls,
                                        "claude-sonnet-4-5",
                                        "Write a short, kind reply to this "
                                            + category.text()
                                            + " ticket.",
                                        summary.text());
                                ask(
                                    calls,
                                    "gemini-2.5-flash",
                                    "Review this reply for tone and accuracy.",
                                    written.text());
                                return written;
                              }));
          SpanContext trace = Span.current().getSpanContext();
          BigDecimal cost = RequestAccumulator.current().decimalTotal(TOTAL_COST);
          return PipelineResult.of(
              ticketId,
              category.text(),
              draft.text(),
              trace.getTraceId(),
              trace.isSampled(),
              calls,
              cost);
        });
  }

  private Reply agent(
      String name, String model, String instructions, String input, List<Reply> calls)
      throws Exception {
    return ai.invokeAgent(name).call(agent -> ask(calls, model, instructions, input));
  }

  /** One model call through the gateway: a {@code chat {model}} span, with no code here. */
  private Reply ask(List<Reply> calls, String model, String instructions, String input) {
    ChatCompletion completion =
        openAi
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(model)
                    .addSystemMessage(instructions)
                    .addUserMessage(input)
                    .build());
    CompletionUsage usage =
        completion.usage().orElseThrow(() -> new IllegalStateException("no usage from " + model));
    Reply reply =
        new Reply(
            completion.choices().get(0).message().content().orElse(""),
            usage.promptTokens(),
            usage.completionTokens());
    calls.add(reply);
    return reply;
  }

  /**
   * What a model call answered and used, as the SDK returned it.
   *
   * @param text the answer
   * @param inputTokens {@code usage.prompt_tokens}
   * @param outputTokens {@code usage.completion_tokens}
   */
  record Reply(String text, long inputTokens, long outputTokens) {}
}
