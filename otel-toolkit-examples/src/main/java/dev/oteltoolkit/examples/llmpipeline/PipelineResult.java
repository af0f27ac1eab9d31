package dev.oteltoolkit.examples.llmpipeline;

import dev.oteltoolkit.examples.llmpipeline.TicketPipeline.Reply;
import java.math.BigDecimal;
import java.util.List;

/**
 * What the pipeline did with one ticket, as the application itself knows it (sampled or not).
 *
 * @param ticketId the ticket's number
 * @param category the classifier's verdict ({@code billing}, {@code damaged_item}, {@code general})
 * @param reply the drafted reply
 * @param traceId the trace of the request
 * @param sampled whether the trace was sampled (exported)
 * @param modelCalls how many model calls the request made
 * @param inputTokens the input tokens of all its model calls
 * @param outputTokens the output tokens of all its model calls
 * @param cost the exact cost in USD of all its model calls, as otel-toolkit-ai priced them from its
 *     price table and added them up for the request
 */
public record PipelineResult(
    int ticketId,
    String category,
    String reply,
    String traceId,
    boolean sampled,
    int modelCalls,
    long inputTokens,
    long outputTokens,
    BigDecimal cost) {

  static PipelineResult of(
      int ticketId,
      String category,
      String reply,
      String traceId,
      boolean sampled,
      List<Reply> calls,
      BigDecimal cost) {
    long input = 0;
    long output = 0;
    for (Reply call : calls) {
      input += call.inputTokens();
      output += call.outputTokens();
    }
    return new PipelineResult(
        ticketId, category, reply, traceId, sampled, calls.size(), input, output, cost);
  }
}
