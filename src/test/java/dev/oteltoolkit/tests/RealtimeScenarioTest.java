package dev.oteltoolkit.tests;

import static dev.oteltoolkit.examples.realtime.RealtimeBackend.BACKEND;
import static dev.oteltoolkit.examples.realtime.RealtimeBackend.CLIENT;
import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.realtime.RealtimeBackend;
import dev.oteltoolkit.examples.realtime.RealtimeBackend.Conversation;
import dev.oteltoolkit.examples.realtime.RealtimeBackend.Handled;
import dev.oteltoolkit.examples.realtime.RealtimeBackend.Reply;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.SessionIncubatingAttributes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 4, realtime backend ({@link RealtimeBackend}), end to end: WebSocket sessions whose
 * handshake carries the client's trace context, each message handled in a span parented to it,
 * sampled at 10% with payments forced and failures kept, closed while messages are in flight. Each
 * service exports to its own collecting exporter and metric reader, which keep what they got after
 * the scenario closed the telemetry (as a backend would); the handler's log lines are captured with
 * their MDC.
 */
@Timeout(120)
class RealtimeScenarioTest {

  private static final AttributeKey<String> KEPT_BY = stringKey("oteltoolkit.sampling.kept_by");
  private static final AttributeKey<Boolean> FORCED = booleanKey("oteltoolkit.sampling.forced");
  private static final AttributeKey<String> OPERATION_NAME =
      stringKey("oteltoolkit.operation.name");
  private static final AttributeKey<Double> TOTAL_COST = doubleKey("oteltoolkit.gen_ai.total.cost");
  private static final AttributeKey<Long> TOTAL_INPUT =
      longKey("oteltoolkit.gen_ai.total.input_tokens");
  private static final AttributeKey<Long> TOTAL_OUTPUT =
      longKey("oteltoolkit.gen_ai.total.output_tokens");
  private static final AttributeKey<Double> COST = doubleKey("gen_ai.usage.cost");
  private static final AttributeKey<String> ORDER_ID = stringKey("app.order.id");
  private static final AttributeKey<String> SERVICE_NAME = stringKey("service.name");

  /** Spans of each message type's tree on the backend: the message span and its child. */
  private static final Map<String, Integer> TREE_SIZE =
      Map.of("ping", 1, "chat", 2, "status", 2, "pay", 2);

  /** Messages each session sends: the script, and the outbox sent while the backend closes. */
  private static final int MESSAGES = RealtimeBackend.SCRIPT.size() + RealtimeBackend.OUTBOX.size();

  private final Map<String, CollectingExporter> spans = new LinkedHashMap<>();
  private final Map<String, LastMetricsReader> metrics = new LinkedHashMap<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @Test
  void everyMessageOfASessionIsHandledInASpanParentedToTheHandshakeContext() throws Exception {
    RealtimeBackend.Result result;
    List<CapturedLogs.Line> logs;
    try (CapturedLogs captured = CapturedLogs.attach("dev.oteltoolkit.examples.realtime")) {
      // everything sampled, to see every message's whole tree
      result = run(Map.of("OTEL_SAMPLING_RATE", "1.0"), 3);
      logs = captured.lines();
    }

    assertThat(result.sessions()).hasSize(3);
    assertThat(result.handled()).hasSize(3 * MESSAGES);
    List<SpanData> client = spans(CLIENT);
    List<SpanData> backend = spans(BACKEND);
    assertThat(client).hasSize(3);
    // 12 a session: two pings, two chats and two lookups with their child, a payment and its child
    assertThat(backend).hasSize(3 * (2 * 1 + 2 * 2 + 2 * 2 + 2));

    for (Conversation session : result.sessions()) {
      // the app's session span: the root of the session's trace, open the whole session
      SpanData open = byId(client, session.sessionSpanId());
      assertThat(open)
          .hasName("session /realtime")
          .hasKind(SpanKind.CLIENT)
          .hasTraceId(session.traceId())
          .hasParentSpanId("0000000000000000")
          .hasAttributesSatisfyingExactly(
              equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
              satisfies(ServerAttributes.SERVER_PORT, port -> port.isPositive()),
              equalTo(SessionIncubatingAttributes.SESSION_ID, session.sessionId()));

      // every message of the session: its span's parent is the app's session span, remote,
      // extracted once from the handshake headers
      List<Handled> messages = handledIn(result, session.sessionId());
      assertThat(messages).hasSize(MESSAGES);
      assertThat(messages)
          .extracting(Handled::type)
          .containsExactlyInAnyOrder("ping", "chat", "status", "status", "pay", "ping", "chat");
      for (Handled message : messages) {
        SpanData span = byId(backend, message.spanId());
        assertThat(span)
            .hasName("process " + message.type())
            .hasKind(SpanKind.CONSUMER)
            .hasTraceId(session.traceId())
            .hasParentSpanId(session.sessionSpanId());
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getEndEpochNanos()).isLessThanOrEqualTo(open.getEndEpochNanos());
        assertMessageAttributes(span, message);
        List<SpanData> children = childrenOf(backend, span);
        assertThat(children).hasSize(TREE_SIZE.get(message.type()) - 1);
      }

      // the chat calls: GenAI spans with the usage the model reported, and cost
      for (Handled chat : ofType(messages, "chat")) {
        SpanData process = byId(backend, chat.spanId());
        SpanData call = childrenOf(backend, process).get(0);
        assertThat(call)
            .hasName("chat gpt-4o-mini")
            .hasKind(SpanKind.CLIENT)
            .hasAttributesSatisfyingExactly(
                equalTo(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME, "chat"),
                equalTo(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                equalTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
                equalTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_STREAM, true),
                equalTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS, 200L),
                equalTo(GenAiIncubatingAttributes.GEN_AI_CONVERSATION_ID, session.sessionId()),
                equalTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-mini-2024-07-18"),
                satisfies(
                    GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID,
                    id -> id.startsWith("chatcmpl-rt")),
                equalTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
                equalTo(GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS, chat.inputTokens()),
                equalTo(GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, chat.outputTokens()),
                satisfies(COST, cost -> cost.isPositive()),
                satisfies(
                    GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
                    seconds -> seconds.isNotNegative()));
        assertThat(chat.inputTokens()).isPositive();
        assertThat(chat.outputTokens()).isPositive();
        // the message's totals on its span, the local root
        assertThat(process.getAttributes().get(TOTAL_INPUT)).isEqualTo(chat.inputTokens());
        assertThat(process.getAttributes().get(TOTAL_OUTPUT)).isEqualTo(chat.outputTokens());
        assertThat(process.getAttributes().get(TOTAL_COST))
            .isEqualTo(call.getAttributes().get(COST));
      }

      // the failed lookup: status ERROR, an exception event, and the session went on
      Handled failed = only(ofError(messages));
      assertThat(failed.type()).isEqualTo("status");
      assertThat(failed.error()).isEqualTo("java.util.NoSuchElementException");
      SpanData failure = byId(backend, failed.spanId());
      assertThat(failure)
          .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
          .hasEventsSatisfyingExactly(
              event ->
                  event
                      .hasName("exception")
                      .hasAttributesSatisfying(
                          equalTo(
                              ExceptionAttributes.EXCEPTION_TYPE,
                              "java.util.NoSuchElementException"),
                          equalTo(ExceptionAttributes.EXCEPTION_MESSAGE, "no order 4040")));
      assertThat(childrenOf(backend, failure).get(0))
          .hasName("lookup-order")
          .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
          .hasAttributesSatisfyingExactly(
              equalTo(ORDER_ID, "4040"),
              equalTo(ErrorAttributes.ERROR_TYPE, "java.util.NoSuchElementException"));
      assertThat(session.replies()).hasSize(MESSAGES);
      assertThat(session.replies())
          .filteredOn(reply -> !reply.ok())
          .extracting(Reply::type, Reply::text)
          .containsExactly(tuple("status", "NoSuchElementException"));
      // the messages after the failure were answered: the payment and the second ping
      assertThat(session.replies())
          .filteredOn(reply -> reply.type().equals("pay"))
          .extracting(Reply::text)
          .containsExactly("receipt-1042-19.99");
      assertThat(session.replies())
          .filteredOn(reply -> reply.type().equals("chat"))
          .allSatisfy(reply -> assertThat(reply.text()).startsWith("Thanks for asking."));
    }

    // every span of both services carries its own service.name
    spans.forEach(
        (service, exporter) ->
            assertThat(exporter.spans())
                .as(service)
                .allSatisfy(
                    span ->
                        assertThat(span.getResource().getAttribute(SERVICE_NAME))
                            .isEqualTo(service)));

    // log correlation: each handler line carries the trace and span of its message
    assertLogsCorrelated(result, logs, backend);

    // RED metrics per message type and GenAI token usage, for every message
    assertThat(operationCount("process ping")).isEqualTo(3 * 2);
    assertThat(operationCount("process chat")).isEqualTo(3 * 2);
    assertThat(operationCount("process status")).isEqualTo(3 * 2);
    assertThat(operationErrors("process status")).isEqualTo(3);
    assertThat(operationCount("process pay")).isEqualTo(3);
    assertTokenMetrics(result);

    // both services printed their trees
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("service=" + BACKEND, "service=" + CLIENT)
        .contains("process chat", "chat gpt-4o-mini", "session /realtime")
        .contains("telemetry flushed and closed");
  }

  @Test
  void atTenPercentPaymentsAndFailuresAreAlwaysKeptAndNoSpanIsLostWhileClosing() throws Exception {
    int sessions = 60;
    RealtimeBackend.Result result;
    List<CapturedLogs.Line> logs;
    try (CapturedLogs captured = CapturedLogs.attach("dev.oteltoolkit.examples.realtime")) {
      // the scenario's own sampling: 10% in both services
      result = run(Map.of(), sessions);
      logs = captured.lines();
    }

    // closed while messages were in flight: every outbox message arrived after the close began,
    // was handled and answered, and the backend drained before its telemetry closed
    assertThat(result.receivedWhileClosing()).isEqualTo(sessions * RealtimeBackend.OUTBOX.size());
    assertThat(result.drained()).isTrue();
    assertThat(result.flushed()).containsOnlyKeys(BACKEND, CLIENT).doesNotContainValue(false);
    assertThat(result.handled()).hasSize(sessions * MESSAGES);
    assertThat(result.sessions())
        .allSatisfy(session -> assertThat(session.replies()).hasSize(MESSAGES));

    // the head decision is the app's, per session, by the trace id ratio rule
    Sampler ratio = Sampler.traceIdRatioBased(RealtimeBackend.SAMPLING_RATIO);
    Map<String, Conversation> byId = new LinkedHashMap<>();
    for (Conversation session : result.sessions()) {
      byId.put(session.sessionId(), session);
      boolean expected =
          ratio
                  .shouldSample(
                      Context.root(),
                      session.traceId(),
                      "session /realtime",
                      SpanKind.CLIENT,
                      Attributes.empty(),
                      List.of())
                  .getDecision()
              == SamplingDecision.RECORD_AND_SAMPLE;
      assertThat(session.sampled()).as(session.sessionId()).isEqualTo(expected);
    }
    long sampled = result.sessions().stream().filter(Conversation::sampled).count();
    // Roughly 10%: with 60 sessions the count is Binomial(60, 0.1), mean 6; 20 or more has a
    // probability under 1e-5, so this fails only when the ratio is not applied at all.
    assertThat(sampled).isLessThan(20);
    assertThat(spans(CLIENT)).hasSize((int) sampled);

    // what the backend exported: every message of a sampled session, every payment (forced),
    // every failure (tail sampling), and nothing else
    List<SpanData> backend = spans(BACKEND);
    List<Handled> kept = new ArrayList<>();
    int keptSpans = 0;
    for (Handled message : result.handled()) {
      boolean sessionSampled = byId.get(message.sessionId()).sampled();
      boolean critical = message.type().equals("pay");
      boolean failed = message.error() != null;
      assertThat(message.sampled()).as("%s", message).isEqualTo(sessionSampled || critical);
      List<SpanData> exported =
          backend.stream().filter(s -> s.getSpanId().equals(message.spanId())).toList();
      if (sessionSampled || critical || failed) {
        kept.add(message);
        keptSpans += TREE_SIZE.get(message.type());
        SpanData span = only(exported);
        assertThat(span).hasTraceId(byId.get(message.sessionId()).traceId());
        assertThat(span).hasParentSpanId(byId.get(message.sessionId()).sessionSpanId());
        assertMessageAttributes(span, message);
        assertThat(span.getAttributes().get(KEPT_BY))
            .isEqualTo(!sessionSampled && !critical ? "error" : null);
        assertThat(childrenOf(backend, span)).hasSize(TREE_SIZE.get(message.type()) - 1);
      } else {
        assertThat(exported).as("%s", message).isEmpty();
      }
    }
    assertThat(kept).filteredOn(m -> m.type().equals("pay")).hasSize(sessions);
    assertThat(kept).filteredOn(m -> m.error() != null).hasSize(sessions);
    // zero loss: exactly the spans the backend recorded for the kept messages, each once
    assertThat(backend).hasSize(keptSpans);
    assertThat(backend).extracting(SpanData::getSpanId).doesNotHaveDuplicates();

    // the logs carry the trace of every message, sampled or not (the sampled flag off when not)
    assertLogsCorrelated(result, logs, backend);

    // the metrics count every message, sampled or not
    assertThat(operationCount("process ping")).isEqualTo(sessions * 2L);
    assertThat(operationCount("process chat")).isEqualTo(sessions * 2L);
    assertThat(operationCount("process status")).isEqualTo(sessions * 2L);
    assertThat(operationErrors("process status")).isEqualTo(sessions);
    assertThat(operationCount("process pay")).isEqualTo(sessions);
    assertTokenMetrics(result);
  }

  /** The message span's exact attributes, from what the backend says it handled. */
  private static void assertMessageAttributes(SpanData span, Handled message) {
    List<AttributeAssertion> expected = new ArrayList<>();
    expected.add(equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "websocket"));
    expected.add(equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, message.type()));
    expected.add(equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "process"));
    expected.add(equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "process"));
    expected.add(equalTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID, message.messageId()));
    expected.add(
        satisfies(MessagingIncubatingAttributes.MESSAGING_MESSAGE_BODY_SIZE, n -> n.isPositive()));
    expected.add(equalTo(SessionIncubatingAttributes.SESSION_ID, message.sessionId()));
    if (message.type().equals("pay")) {
      expected.add(equalTo(FORCED, true));
    }
    if (message.type().equals("chat")) {
      expected.add(equalTo(TOTAL_INPUT, message.inputTokens()));
      expected.add(equalTo(TOTAL_OUTPUT, message.outputTokens()));
      expected.add(satisfies(TOTAL_COST, cost -> cost.isPositive()));
    }
    if (message.error() != null) {
      expected.add(equalTo(ErrorAttributes.ERROR_TYPE, message.error()));
      if (!message.sampled()) {
        expected.add(equalTo(KEPT_BY, "error"));
      }
    }
    assertThat(span).hasAttributesSatisfyingExactly(expected);
  }

  /** Each handler line carries its message's trace and span ids, and the sampled flag. */
  private static void assertLogsCorrelated(
      RealtimeBackend.Result result, List<CapturedLogs.Line> logs, List<SpanData> exported) {
    Map<String, Handled> byMessage =
        result.handled().stream()
            .collect(Collectors.toMap(h -> h.sessionId() + " message " + h.messageId(), h -> h));
    int correlated = 0;
    for (CapturedLogs.Line line : logs) {
      if (!line.message().startsWith("session ") || !line.message().contains(" message ")) {
        continue;
      }
      String key = line.message().substring("session ".length(), line.message().indexOf(':'));
      Handled message = byMessage.get(key);
      assertThat(message).as(line.message()).isNotNull();
      assertThat(line.mdc())
          .as(line.message())
          .containsEntry("trace_id", message.traceId())
          .containsEntry("span_id", message.spanId())
          .containsKey("trace_flags");
      // the sampled bit of the W3C flags (the SDK also sets 02, the random trace id flag)
      assertThat(Integer.parseInt(line.mdc().get("trace_flags"), 16) & 1)
          .as(line.message())
          .isEqualTo(message.sampled() ? 1 : 0);
      if (message.sampled()) {
        assertThat(exported).extracting(SpanData::getSpanId).contains(message.spanId());
      }
      correlated++;
    }
    assertThat(correlated).isEqualTo(result.handled().size());
  }

  private void assertTokenMetrics(RealtimeBackend.Result result) {
    long input = result.handled().stream().mapToLong(Handled::inputTokens).sum();
    long output = result.handled().stream().mapToLong(Handled::outputTokens).sum();
    assertThat(input).isPositive();
    assertThat(tokenSum("input")).isEqualTo(input);
    assertThat(tokenSum("output")).isEqualTo(output);
  }

  /** Runs the scenario, each service with its own collecting exporter and reader. */
  private RealtimeBackend.Result run(Map<String, String> settings, int sessions) throws Exception {
    for (String service : List.of(BACKEND, CLIENT)) {
      spans.put(service, new CollectingExporter());
      metrics.put(service, new LastMetricsReader());
    }
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    Function<String, TelemetryBuilder> setup =
        service ->
            Telemetry.setup()
                .configProperties(settings)
                .addSpanExporter(spans.get(service))
                .addMetricReader(metrics.get(service));
    return RealtimeBackend.run(setup, sessions, false, out);
  }

  private List<SpanData> spans(String service) {
    return spans.get(service).spans();
  }

  private long operationCount(String operation) {
    return operationPoints(operation).mapToLong(HistogramPointData::getCount).sum();
  }

  private long operationErrors(String operation) {
    return operationPoints(operation)
        .filter(p -> p.getAttributes().get(ErrorAttributes.ERROR_TYPE) != null)
        .mapToLong(HistogramPointData::getCount)
        .sum();
  }

  private Stream<HistogramPointData> operationPoints(String operation) {
    return metrics.get(BACKEND).metrics().stream()
        .filter(m -> m.getName().equals("oteltoolkit.operation.duration"))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> operation.equals(p.getAttributes().get(OPERATION_NAME)));
  }

  private long tokenSum(String type) {
    return (long)
        metrics.get(BACKEND).metrics().stream()
            .filter(m -> m.getName().equals("gen_ai.client.token.usage"))
            .flatMap(m -> m.getHistogramData().getPoints().stream())
            .filter(
                p ->
                    type.equals(p.getAttributes().get(GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE)))
            .mapToDouble(HistogramPointData::getSum)
            .sum();
  }

  private static List<Handled> handledIn(RealtimeBackend.Result result, String sessionId) {
    return result.handled().stream().filter(h -> h.sessionId().equals(sessionId)).toList();
  }

  private static List<Handled> ofType(List<Handled> messages, String type) {
    return messages.stream().filter(h -> h.type().equals(type)).toList();
  }

  private static List<Handled> ofError(List<Handled> messages) {
    return messages.stream().filter(h -> h.error() != null).toList();
  }

  private static SpanData byId(List<SpanData> spans, String spanId) {
    return only(spans.stream().filter(s -> s.getSpanId().equals(spanId)).toList());
  }

  private static List<SpanData> childrenOf(List<SpanData> spans, SpanData parent) {
    return spans.stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
        .filter(s -> s.getTraceId().equals(parent.getTraceId()))
        .toList();
  }

  private static <T> T only(List<T> items) {
    assertThat(items).hasSize(1);
    return Objects.requireNonNull(items.get(0));
  }
}
