package dev.oteltoolkit.examples.realtime;

import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.examples.realtime.RealtimeServer.Message;
import dev.oteltoolkit.examples.realtime.RealtimeServer.Session;
import io.opentelemetry.api.common.AttributeKey;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business behind the realtime endpoint: a support channel a shop's app keeps open. Each
 * message runs inside its {@code process {type}} span (started by {@link RealtimeServer}):
 *
 * <pre>
 * process ping                         a keep-alive, answered at once
 * process chat   └ chat gpt-4o-mini    the assistant, streamed back chunk by chunk (tokens, cost)
 * process status └ lookup-order        an order's status; an unknown order fails (exception event)
 * process pay    └ charge-card         critical: force-sampled, always kept
 * </pre>
 *
 * <p>Each handler logs one line through SLF4J; otel-toolkit-logging puts the span's {@code
 * trace_id} and {@code span_id} in the MDC, whatever the sampling decision.
 */
final class SupportChannel {

  /**
   * The message types; anything else is processed as {@code unknown} and answered with an error.
   */
  static final Set<String> TYPES = Set.of("ping", "chat", "status", "pay");

  /** The message type whose spans are always recorded ({@code forceSample()}). */
  static final String CRITICAL = "pay";

  private static final Logger log = LoggerFactory.getLogger(SupportChannel.class);
  private static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("app.order.id");
  private static final Map<String, String> ORDERS =
      Map.of("1042", "shipped", "1043", "packed", "1044", "delivered");

  private final Tracing tracing;
  private final GenAiTelemetry ai;
  private final FakeModel model;

  SupportChannel(Tracing tracing, GenAiTelemetry ai, FakeModel model) {
    this.tracing = tracing;
    this.ai = ai;
    this.model = model;
  }

  boolean knows(String type) {
    return TYPES.contains(type);
  }

  boolean isCritical(String type) {
    return CRITICAL.equals(type);
  }

  /**
   * Handles one message and answers it on {@code session}.
   *
   * @return the tokens the message used (chat only)
   * @throws Exception when the message cannot be handled; the server answers with an error
   */
  Usage handle(Session session, Message message) throws Exception {
    log.info("session {} message {}: {}", session.id, message.id(), message.type());
    switch (message.type()) {
      case "ping":
        session.send(message.id() + " ok pong");
        return Usage.NONE;
      case "chat":
        return chat(session, message);
      case "status":
        String status =
            tracing
                .span("lookup-order")
                .attribute(ORDER_ID, message.payload())
                .call(() -> lookup(message.payload()));
        session.send(message.id() + " ok " + status);
        return Usage.NONE;
      case "pay":
        String[] order = message.payload().split(" ", 2);
        String receipt =
            tracing
                .span("charge-card")
                .attribute(ORDER_ID, order[0])
                .call(() -> "receipt-" + order[0] + "-" + new BigDecimal(order[1]).toPlainString());
        log.info("session {} paid order {}", session.id, order[0]);
        session.send(message.id() + " ok " + receipt);
        return Usage.NONE;
      default:
        throw new IllegalArgumentException("unknown message type");
    }
  }

  /** Streams the model's answer back as {@code delta} messages, then {@code ok}. */
  private Usage chat(Session session, Message message) {
    FakeModel.Answer answer = model.answer(message.payload());
    try (GenAiSpan call =
        ai.chat(FakeModel.PROVIDER, FakeModel.MODEL).stream(true)
            .maxTokens(FakeModel.MAX_TOKENS)
            .conversationId(session.id)
            .start()) {
      List<String> chunks = answer.chunks();
      for (int i = 0; i < chunks.size(); i++) {
        if (i == 0) {
          call.firstToken();
        }
        session.send(message.id() + " delta " + chunks.get(i));
      }
      call.responseModel(FakeModel.RESPONSE_MODEL)
          .responseId(answer.id())
          .finishReasons("stop")
          .usage(answer.inputTokens(), answer.outputTokens());
    }
    session.send(message.id() + " ok");
    return new Usage(answer.inputTokens(), answer.outputTokens());
  }

  private static String lookup(String orderId) {
    String status = ORDERS.get(orderId);
    if (status == null) {
      throw new NoSuchElementException("no order " + orderId);
    }
    return status;
  }

  /**
   * The tokens a message used.
   *
   * @param inputTokens input tokens of its model calls
   * @param outputTokens output tokens of its model calls
   */
  record Usage(long inputTokens, long outputTokens) {

    static final Usage NONE = new Usage(0, 0);
  }
}
