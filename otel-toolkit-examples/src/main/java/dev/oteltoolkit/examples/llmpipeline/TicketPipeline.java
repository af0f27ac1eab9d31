package dev.oteltoolkit.examples.llmpipeline;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.TracedSpanBuilder;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.examples.llmpipeline.ModelClient.Reply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline a support ticket goes through: summarise, classify, draft a reply. Each stage is a
 * traced step that hands its work to an agent, and each agent calls a model of its own provider:
 *
 * <pre>
 * handle_ticket                                   (local root: oteltoolkit.gen_ai.total.*)
 *   summarise   ─▶ invoke_agent summariser   ─▶ chat gpt-4o-mini            (openai)
 *   classify    ─▶ invoke_agent classifier   ─▶ chat mistral-medium-latest  (mistral_ai)
 *   draft_reply ─▶ invoke_agent reply-writer ─▶ chat claude-sonnet-4-5      (anthropic)
 *                                            └▶ chat gemini-2.5-flash       (gcp.gemini, review)
 * </pre>
 *
 * <p>The business code only names its steps; otel-toolkit-ai records each call's tokens and cost
 * and adds them up on the root span, sampled or not.
 */
final class TicketPipeline {

  /** Tickets starting with this are traced whatever the sampling ratio ({@code forceSample()}). */
  static final String PRIORITY = "[priority]";

  private final Tracing tracing;
  private final GenAiTelemetry ai;
  private final ModelClient models;

  TicketPipeline(Tracing tracing, GenAiTelemetry ai, ModelClient models) {
    this.tracing = tracing;
    this.ai = ai;
    this.models = models;
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
                              "openai",
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
                              "mistral_ai",
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
                                        record(
                                            calls,
                                            models.chat(
                                                "anthropic",
                                                "claude-sonnet-4-5",
                                                "Write a short, kind reply to this "
                                                    + category.text()
                                                    + " ticket.",
                                                summary.text()));
                                    record(
                                        calls,
                                        models.chat(
                                            "gcp.gemini",
                                            "gemini-2.5-flash",
                                            "Review this reply for tone and accuracy.",
                                            written.text()));
                                    return written;
                                  }));
              SpanContext trace = Span.current().getSpanContext();
              return PipelineResult.of(
                  ticketId, category.text(), draft.text(), trace.getTraceId(), trace.isSampled(),
                  calls);
            });
  }

  private Reply agent(
      String name, String provider, String model, String instructions, String input,
      List<Reply> calls)
      throws Exception {
    return ai.invokeAgent(name)
        .call(agent -> record(calls, models.chat(provider, model, instructions, input)));
  }

  private static Reply record(List<Reply> calls, Reply reply) {
    calls.add(reply);
    return reply;
  }

  /** Adds up the exact costs of {@code calls}; null if a call's model has no price. */
  static BigDecimal cost(List<Reply> calls) {
    BigDecimal total = BigDecimal.ZERO;
    for (Reply call : calls) {
      if (call.cost() == null) {
        return null;
      }
      total = total.add(call.cost());
    }
    return total;
  }
}
