package dev.oteltoolkit.examples;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toList;

import dev.oteltoolkit.ai.ModelPrice;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo once and checks what it recorded (through a span exporter added to its setup) and
 * printed: one trace per request from the customer to the database and the worker, the failing
 * request's errors, the per-request totals, trace ids in the log lines, the metrics summary.
 */
class DemoTest {

  // incubating names, as the modules record them (each module's tests compare them with semconv)
  private static final AttributeKey<String> GEN_AI_OPERATION =
      AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> GEN_AI_PROVIDER =
      AttributeKey.stringKey("gen_ai.provider.name");
  private static final AttributeKey<String> GEN_AI_REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<Double> GEN_AI_TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");
  private static final AttributeKey<String> GEN_AI_RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  private static final AttributeKey<String> GEN_AI_RESPONSE_ID =
      AttributeKey.stringKey("gen_ai.response.id");
  private static final AttributeKey<List<String>> GEN_AI_FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  private static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<Long> CACHED_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  private static final AttributeKey<Long> REASONING_TOKENS =
      AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
  private static final AttributeKey<Double> COST = AttributeKey.doubleKey("gen_ai.usage.cost");
  private static final AttributeKey<String> OPENAI_API_TYPE =
      AttributeKey.stringKey("openai.api.type");
  private static final AttributeKey<String> OPENAI_SERVICE_TIER =
      AttributeKey.stringKey("openai.response.service_tier");
  private static final AttributeKey<String> OPENAI_FINGERPRINT =
      AttributeKey.stringKey("openai.response.system_fingerprint");
  private static final AttributeKey<String> AGENT_NAME =
      AttributeKey.stringKey("gen_ai.agent.name");
  private static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  private static final AttributeKey<String> TOOL_CALL_ID =
      AttributeKey.stringKey("gen_ai.tool.call.id");
  private static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
  private static final AttributeKey<Long> TOTAL_INPUT =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.input_tokens");
  private static final AttributeKey<Long> TOTAL_OUTPUT =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.output_tokens");
  private static final AttributeKey<Double> TOTAL_COST =
      AttributeKey.doubleKey("oteltoolkit.gen_ai.total.cost");
  private static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> MESSAGING_DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");

  /** The demo's log pattern (logback.xml): time, level, thread, logger, ids, message. */
  private static final Pattern LOG_LINE =
      Pattern.compile(
          "(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+) +\\[([^\\]]+)\\] (\\w+)"
              + " trace_id=(\\w*) span_id=(\\w*) - (.*)$");

  private static final PriceTable PRICES = PriceTable.defaults();

  private static String out;
  private static List<SpanData> spans;

  /** The spans of each request, in the order the questions were asked. */
  private static List<List<SpanData>> requests;

  @BeforeAll
  static void runDemo() throws Exception {
    KeptSpans kept = new KeptSpans();
    try {
      out = captureStdout(() -> Demo.run(Telemetry.setup().addSpanExporter(kept), false));
    } finally {
      GlobalOpenTelemetry.resetForTest();
    }
    spans = kept.spans;
    Map<String, List<SpanData>> byTrace = spans.stream().collect(groupingBy(SpanData::getTraceId));
    requests =
        spans.stream()
            .filter(span -> span.getName().equals("ask-support"))
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .map(root -> byTrace.get(root.getTraceId()))
            .collect(toList());
  }

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void eachQuestionIsOneTraceFromTheCustomerThroughTheGatewayAgentAndDatabaseToTheWorker() {
    Assertions.assertThat(requests).hasSize(Demo.QUESTIONS.size());
    // every span of the run belongs to one of the requests: nothing starts a trace of its own
    Assertions.assertThat(requests.stream().mapToInt(List::size).sum()).isEqualTo(spans.size());

    for (int request : new int[] {0, 3}) { // "Where is my order 100x?"
      List<SpanData> trace = requests.get(request);
      String orderId = request == 0 ? "1001" : "1003";
      SpanData gateway = assertCustomerToGateway(trace, 200);
      SpanData agent = assertAgent(trace, gateway, StatusCode.UNSET);
      List<SpanData> chats = children(trace, agent, "chat gpt-4o-mini");
      Assertions.assertThat(chats).hasSize(2);
      assertChat(trace, chats.get(0), "tool_calls");
      assertChat(trace, chats.get(1), "stop");

      SpanData tool = only(trace, "execute_tool order_status");
      assertThat(tool)
          .hasKind(SpanKind.INTERNAL)
          .hasParent(agent)
          .hasAttributesSatisfyingExactly(
              equalTo(GEN_AI_OPERATION, "execute_tool"),
              equalTo(TOOL_NAME, "order_status"),
              satisfies(TOOL_CALL_ID, id -> id.startsWith("call_")),
              equalTo(TOOL_TYPE, "function"));
      // the model asked for the tool, which ran before the model was asked again
      Assertions.assertThat(tool.getStartEpochNanos())
          .isGreaterThanOrEqualTo(chats.get(0).getEndEpochNanos());
      Assertions.assertThat(tool.getEndEpochNanos())
          .isLessThanOrEqualTo(chats.get(1).getStartEpochNanos());
      assertThat(only(trace, "SELECT orders"))
          .hasKind(SpanKind.CLIENT)
          .hasParent(tool)
          .hasAttributesSatisfyingExactly(
              equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"),
              equalTo(DbAttributes.DB_NAMESPACE, "support"),
              equalTo(DbAttributes.DB_QUERY_TEXT, "SELECT status, eta FROM orders WHERE id = ?"),
              equalTo(DbAttributes.DB_OPERATION_NAME, "SELECT"),
              equalTo(DbAttributes.DB_COLLECTION_NAME, "orders"));
      Assertions.assertThat(out)
          .contains("answer: Here is what I found: order " + orderId + " is ");
      assertTranscriptPublishedAndStored(trace, gateway);
    }

    // the opening hours: one model call, no tool
    List<SpanData> hours = requests.get(1);
    SpanData gateway = assertCustomerToGateway(hours, 200);
    SpanData agent = assertAgent(hours, gateway, StatusCode.UNSET);
    assertChat(hours, only(hours, "chat gpt-4o-mini"), "stop");
    Assertions.assertThat(children(hours, agent, null)).hasSize(1);
    assertTranscriptPublishedAndStored(hours, gateway);
  }

  @Test
  void theRefundRequestFailsInTheDatabaseAndIsAnErrorAllTheWayUp() {
    List<SpanData> trace = requests.get(2);
    SpanData gateway = assertCustomerToGateway(trace, 500);
    SpanData agent = assertAgent(trace, gateway, StatusCode.ERROR);
    String failure = "order 1002 already has a refund (SQLState 23505)";
    assertThat(agent)
        .hasStatus(StatusData.create(StatusCode.ERROR, failure))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException");
    assertChat(trace, only(trace, "chat gpt-4o-mini"), "tool_calls");

    SpanData tool = only(trace, "execute_tool request_refund");
    assertThat(tool)
        .hasParent(agent)
        .hasStatus(StatusData.create(StatusCode.ERROR, failure))
        .hasAttribute(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException");
    SpanData insert = only(trace, "INSERT refunds");
    assertThat(insert)
        .hasKind(SpanKind.CLIENT)
        .hasParent(tool)
        .hasAttributesSatisfyingExactly(
            equalTo(DbAttributes.DB_SYSTEM_NAME, "h2database"),
            equalTo(DbAttributes.DB_NAMESPACE, "support"),
            equalTo(
                DbAttributes.DB_QUERY_TEXT, "INSERT INTO refunds (order_id, reason) VALUES (?, ?)"),
            equalTo(DbAttributes.DB_OPERATION_NAME, "INSERT"),
            equalTo(DbAttributes.DB_COLLECTION_NAME, "refunds"),
            equalTo(DbAttributes.DB_RESPONSE_STATUS_CODE, "23505"),
            equalTo(ErrorAttributes.ERROR_TYPE, "23505"));
    Assertions.assertThat(insert.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    Assertions.assertThat(insert.getEvents())
        .singleElement()
        .satisfies(event -> Assertions.assertThat(event.getName()).isEqualTo("exception"));

    // nothing was published for a request that failed
    Assertions.assertThat(trace).noneMatch(span -> span.getKind() == SpanKind.PRODUCER);
    Assertions.assertThat(trace).noneMatch(span -> span.getKind() == SpanKind.CONSUMER);
    // the row's values, which the driver's message quotes, are in no span of the trace
    Assertions.assertThat(trace.toString()).doesNotContain("arrived damaged");
    Assertions.assertThat(out).contains("failed: the support desk answered HTTP 500");
  }

  @Test
  void theGatewaySpanOfEveryRequestCarriesTheExactTotalsOfItsModelCalls() {
    for (List<SpanData> trace : requests) {
      SpanData gateway = only(trace, "POST /ask");
      List<SpanData> chats =
          trace.stream().filter(s -> s.getName().equals("chat gpt-4o-mini")).collect(toList());
      long input = chats.stream().mapToLong(s -> s.getAttributes().get(INPUT_TOKENS)).sum();
      long output = chats.stream().mapToLong(s -> s.getAttributes().get(OUTPUT_TOKENS)).sum();
      BigDecimal cost = BigDecimal.ZERO;
      for (SpanData chat : chats) {
        cost = cost.add(price(chat));
      }
      Assertions.assertThat(input).isPositive();
      Assertions.assertThat(gateway.getAttributes().get(TOTAL_INPUT)).isEqualTo(input);
      Assertions.assertThat(gateway.getAttributes().get(TOTAL_OUTPUT)).isEqualTo(output);
      Assertions.assertThat(gateway.getAttributes().get(TOTAL_COST)).isEqualTo(cost.doubleValue());
      // the customer's side made no model call: its root has no totals
      Assertions.assertThat(only(trace, "ask-support").getAttributes().get(TOTAL_INPUT)).isNull();
      Assertions.assertThat(out)
          .contains(
              "request totals (oteltoolkit.gen_ai.total.* on the gateway's span): "
                  + input
                  + " input + "
                  + output
                  + " output tokens, $"
                  + BigDecimal.valueOf(cost.doubleValue()).toPlainString());
    }
  }

  @Test
  void eachRequestIsPrintedAsTreesWithTheCustomerGatewayAndWorkerParts() {
    for (int i = 0; i < requests.size(); i++) {
      String traceId = requests.get(i).get(0).getTraceId();
      // the customer's tree and the gateway's (which continues the customer's POST: the server
      // span ends first); the worker's part (when it published) is drawn under the gateway's send
      // span if it ended before the gateway's root did, else printed as a tree of its own
      long trees = Pattern.compile("(?m)^trace " + traceId + " ").matcher(out).results().count();
      Assertions.assertThat(trees).as("trees of request %d", i + 1).isBetween(2L, i == 2 ? 2L : 3L);
    }
    Assertions.assertThat(out)
        .contains("\u2502  \u2514\u2500 SELECT orders  ")
        .contains("\u2514\u2500 INSERT refunds  ")
        // the failed statement's status carries the driver's message, sanitized like the event
        .containsPattern(
            "INSERT refunds  [0-9.]+ ms  CLIENT  ERROR \"Unique index or primary key violation:"
                + " \\?; SQL statement: INSERT INTO refunds \\(order_id, reason\\) VALUES"
                + " \\(\\?, \\?\\) [^\"]*\"  error.type=23505");
  }

  @Test
  void logLinesWrittenDuringARequestCarryItsTraceIdAndTheSpanTheyWereWrittenIn() {
    String[] sections = out.split("(?m)^== ");
    // the line before the first request is outside any span: no ids
    Matcher startup = LOG_LINE.matcher(sections[0]);
    Assertions.assertThat(startup.find()).isTrue();
    Assertions.assertThat(startup.group(4)).isEmpty();
    Assertions.assertThat(startup.group(6)).startsWith("support desk up");

    for (int i = 0; i < requests.size(); i++) {
      List<SpanData> trace = requests.get(i);
      String section = sections[i + 1];
      Assertions.assertThat(section).startsWith("request " + (i + 1) + " of ");
      List<String[]> lines = logLines(section);
      Assertions.assertThat(lines).as("log lines of request %d", i + 1).hasSizeGreaterThan(1);
      for (String[] line : lines) {
        Assertions.assertThat(line[0])
            .as(String.join(" ", line))
            .isEqualTo(trace.get(0).getTraceId());
      }
      Assertions.assertThat(lines)
          .anySatisfy(line -> assertLogged(line, "question received", only(trace, "POST /ask")));
      if (i != 2) {
        Assertions.assertThat(lines)
            .anySatisfy(
                line ->
                    assertLogged(
                        line, "transcript stored", only(trace, "process support-transcripts")));
      } else {
        Assertions.assertThat(lines)
            .anySatisfy(
                line ->
                    assertLogged(
                        line,
                        "could not answer: java.lang.IllegalStateException: order 1002 already",
                        only(trace, "POST /ask")));
      }
    }
  }

  @Test
  void personalDataInAQuestionReachesNoSpan() {
    Assertions.assertThat(spans.toString())
        .doesNotContain("jane.doe@example.com")
        .doesNotContain("opening hours");
  }

  @Test
  void theMetricsSummaryGivesCallsErrorsPercentilesTokensAndCost() {
    String summary = out.substring(out.indexOf("== metrics summary: "));
    assertRow(summary, "ask-support", "oteltoolkit.operation.duration", 4, 1);
    assertRow(summary, "redact-pii", "oteltoolkit.operation.duration", 4, 0);
    assertRow(summary, "POST /ask", "http.server.request.duration", 4, 1);
    assertRow(summary, "invoke_agent", "gen_ai.client.operation.duration", 4, 1);
    assertRow(summary, "chat gpt-4o-mini", "gen_ai.client.operation.duration", 6, 0);
    assertRow(summary, "execute_tool", "gen_ai.client.operation.duration", 3, 1);
    assertRow(summary, "SELECT orders", "db.client.operation.duration", 2, 0);
    assertRow(summary, "INSERT refunds", "db.client.operation.duration", 1, 1);
    assertRow(summary, "INSERT transcripts", "db.client.operation.duration", 3, 0);

    List<SpanData> chats =
        spans.stream().filter(s -> s.getName().equals("chat gpt-4o-mini")).collect(toList());
    long input = chats.stream().mapToLong(s -> s.getAttributes().get(INPUT_TOKENS)).sum();
    long output = chats.stream().mapToLong(s -> s.getAttributes().get(OUTPUT_TOKENS)).sum();
    BigDecimal cost = BigDecimal.ZERO;
    for (SpanData chat : chats) {
      cost = cost.add(price(chat));
    }
    Assertions.assertThat(summary)
        .contains(
            "tokens by type (gen_ai.client.token.usage): input=" + input + " output=" + output)
        .contains(
            String.format(
                Locale.ROOT,
                "cost by model (oteltoolkit.gen_ai.cost): gpt-4o-mini=$%.6f",
                cost.doubleValue()));
  }

  @Test
  void quickstartRunsAsWrittenInTheReadme() throws Exception {
    String out = captureStdout(() -> Quickstart.main(new String[0]));
    Assertions.assertThat(out).contains("stock reserved").contains("receipt-42");
    Assertions.assertThat(out).contains("service=checkout");
    int root = out.indexOf("checkout  ");
    Assertions.assertThat(root).isNotNegative();
    Assertions.assertThat(out.indexOf("reserve-stock")).isGreaterThan(root);
    Assertions.assertThat(out.indexOf("charge-card")).isGreaterThan(root);
  }

  // ----------------------------------------------------------------------------------- helpers

  /** ask-support → POST (client) → POST /ask (server, continuing the client span's trace). */
  private static SpanData assertCustomerToGateway(List<SpanData> trace, long status) {
    SpanData ask = only(trace, "ask-support");
    assertThat(ask).hasKind(SpanKind.INTERNAL).hasNoParent();
    SpanData client = only(trace, "POST", ask);
    assertThat(client)
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfying(
            equalTo(HttpAttributes.HTTP_REQUEST_METHOD, "POST"),
            equalTo(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status),
            satisfies(UrlAttributes.URL_FULL, url -> url.endsWith("/ask")));
    SpanData gateway = only(trace, "POST /ask");
    assertThat(gateway)
        .hasKind(SpanKind.SERVER)
        .hasParentSpanId(client.getSpanId())
        .hasAttributesSatisfying(
            equalTo(HttpAttributes.HTTP_ROUTE, "/ask"),
            equalTo(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status));
    Assertions.assertThat(gateway.getParentSpanContext().isRemote()).isTrue();
    assertThat(only(trace, "redact-pii")).hasParent(gateway).hasKind(SpanKind.INTERNAL);
    StatusCode expected = status == 200 ? StatusCode.UNSET : StatusCode.ERROR;
    Assertions.assertThat(ask.getStatus().getStatusCode()).isEqualTo(expected);
    Assertions.assertThat(client.getStatus().getStatusCode()).isEqualTo(expected);
    Assertions.assertThat(gateway.getStatus().getStatusCode()).isEqualTo(expected);
    if (status != 200) {
      assertThat(ask).hasAttribute(ErrorAttributes.ERROR_TYPE, "java.io.IOException");
      assertThat(gateway).hasAttribute(ErrorAttributes.ERROR_TYPE, "500");
    }
    return gateway;
  }

  private static SpanData assertAgent(List<SpanData> trace, SpanData gateway, StatusCode status) {
    SpanData agent = only(trace, "invoke_agent support-agent");
    assertThat(agent).hasKind(SpanKind.INTERNAL).hasParent(gateway);
    Assertions.assertThat(agent.getAttributes().get(GEN_AI_OPERATION)).isEqualTo("invoke_agent");
    Assertions.assertThat(agent.getAttributes().get(AGENT_NAME)).isEqualTo("support-agent");
    Assertions.assertThat(agent.getStatus().getStatusCode()).isEqualTo(status);
    return agent;
  }

  /**
   * A chat span recorded by the wrapped OpenAI client: its request, response, usage and cost, and
   * the {@code openai.*} attributes of the response. The SDK's own HTTP call (OkHttp) is not
   * instrumented here, so the chat span has no child.
   */
  private static void assertChat(List<SpanData> trace, SpanData chat, String finishReason) {
    assertThat(chat)
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION, "chat"),
            equalTo(GEN_AI_PROVIDER, "openai"),
            equalTo(GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
            equalTo(GEN_AI_TEMPERATURE, 0.2),
            equalTo(OPENAI_API_TYPE, "chat_completions"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            satisfies(ServerAttributes.SERVER_PORT, port -> port.isPositive()),
            equalTo(GEN_AI_RESPONSE_MODEL, "gpt-4o-mini-2024-07-18"),
            satisfies(GEN_AI_RESPONSE_ID, id -> id.startsWith("chatcmpl-")),
            equalTo(GEN_AI_FINISH_REASONS, List.of(finishReason)),
            equalTo(OPENAI_SERVICE_TIER, "default"),
            equalTo(OPENAI_FINGERPRINT, "fp_fake"),
            satisfies(INPUT_TOKENS, tokens -> tokens.isPositive()),
            satisfies(OUTPUT_TOKENS, tokens -> tokens.isPositive()),
            equalTo(CACHED_TOKENS, 0L),
            equalTo(REASONING_TOKENS, 0L),
            equalTo(COST, price(chat).doubleValue()));
    Assertions.assertThat(children(trace, chat, null)).isEmpty();
  }

  /** send (PRODUCER, under the gateway) → process (CONSUMER, on the worker) → INSERT. */
  private static void assertTranscriptPublishedAndStored(List<SpanData> trace, SpanData gateway) {
    SpanData send = only(trace, "send support-transcripts");
    assertThat(send)
        .hasKind(SpanKind.PRODUCER)
        .hasParent(gateway)
        .hasAttributesSatisfyingExactly(
            equalTo(MESSAGING_SYSTEM, "inmemory"),
            equalTo(MESSAGING_DESTINATION, "support-transcripts"),
            equalTo(MESSAGING_OPERATION_TYPE, "send"),
            equalTo(MESSAGING_OPERATION_NAME, "send"));
    SpanData process = only(trace, "process support-transcripts");
    assertThat(process)
        .hasKind(SpanKind.CONSUMER)
        .hasParentSpanId(send.getSpanId())
        .hasAttributesSatisfyingExactly(
            equalTo(MESSAGING_SYSTEM, "inmemory"),
            equalTo(MESSAGING_DESTINATION, "support-transcripts"),
            equalTo(MESSAGING_OPERATION_TYPE, "process"),
            equalTo(MESSAGING_OPERATION_NAME, "process"));
    Assertions.assertThat(process.getParentSpanContext().isRemote()).isTrue();
    assertThat(only(trace, "INSERT transcripts"))
        .hasKind(SpanKind.CLIENT)
        .hasParent(process)
        .hasAttributesSatisfying(equalTo(DbAttributes.DB_COLLECTION_NAME, "transcripts"));
  }

  private static BigDecimal price(SpanData chat) {
    ModelPrice price = PRICES.find(chat.getAttributes().get(GEN_AI_RESPONSE_MODEL));
    return price.cost(
        chat.getAttributes().get(INPUT_TOKENS),
        chat.getAttributes().get(OUTPUT_TOKENS),
        chat.getAttributes().get(CACHED_TOKENS),
        0,
        0);
  }

  private static void assertRow(
      String summary, String operation, String metric, long calls, long errors) {
    Matcher row =
        Pattern.compile(
                "(?m)^"
                    + Pattern.quote(operation)
                    + " +"
                    + Pattern.quote(metric)
                    + " +(\\d+) +(\\d+) \\( *\\d+%\\) +(\\d+\\.\\d) ms +(\\d+\\.\\d) ms$")
            .matcher(summary);
    Assertions.assertThat(row.find()).as("summary row of %s in:%n%s", operation, summary).isTrue();
    Assertions.assertThat(Long.parseLong(row.group(1))).as(operation).isEqualTo(calls);
    Assertions.assertThat(Long.parseLong(row.group(2))).as(operation).isEqualTo(errors);
    double p50 = Double.parseDouble(row.group(3));
    double p95 = Double.parseDouble(row.group(4));
    Assertions.assertThat(p50).as(operation).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(p95);
  }

  /** The trace id, span id and message of each log line in {@code text}. */
  private static List<String[]> logLines(String text) {
    List<String[]> lines = new ArrayList<>();
    Matcher m = LOG_LINE.matcher(text);
    while (m.find()) {
      lines.add(new String[] {m.group(4), m.group(5), m.group(6)});
    }
    return lines;
  }

  private static void assertLogged(String[] line, String message, SpanData span) {
    Assertions.assertThat(line[2]).startsWith(message);
    Assertions.assertThat(line[0]).isEqualTo(span.getTraceId());
    Assertions.assertThat(line[1]).isEqualTo(span.getSpanId());
  }

  private static SpanData only(List<SpanData> trace, String name) {
    List<SpanData> named =
        trace.stream().filter(span -> span.getName().equals(name)).collect(toList());
    Assertions.assertThat(named).as("spans named %s", name).hasSize(1);
    return named.get(0);
  }

  private static SpanData only(List<SpanData> trace, String name, SpanData parent) {
    List<SpanData> named = children(trace, parent, name);
    Assertions.assertThat(named).as("spans named %s under %s", name, parent.getName()).hasSize(1);
    return named.get(0);
  }

  /** The children of {@code parent} (named {@code name} unless null), by start time. */
  private static List<SpanData> children(List<SpanData> trace, SpanData parent, String name) {
    return trace.stream()
        .filter(span -> span.getParentSpanId().equals(parent.getSpanId()))
        .filter(span -> name == null || span.getName().equals(name))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .collect(toList());
  }

  /** A span exporter that keeps every span, also after shutdown (InMemorySpanExporter clears). */
  private static final class KeptSpans implements SpanExporter {
    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  interface ThrowingBody {
    void run() throws Exception;
  }

  static String captureStdout(ThrowingBody body) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    // only the console: no collector in tests (OTLP would only fail and be retried); the
    // variable's "console" is the same tree view as the builder's console()
    System.setProperty("otel.traces.exporter", "console");
    System.setProperty("otel.metrics.exporter", "none");
    System.setProperty("otel.logs.exporter", "none");
    try {
      body.run();
    } finally {
      System.setOut(original);
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.metrics.exporter");
      System.clearProperty("otel.logs.exporter");
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.println(out);
    return out;
  }
}
