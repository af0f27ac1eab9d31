package dev.oteltoolkit.tests;

import static dev.oteltoolkit.examples.a2a.A2aScenario.PLANNER;
import static dev.oteltoolkit.examples.a2a.A2aScenario.RESEARCHER;
import static dev.oteltoolkit.examples.a2a.A2aScenario.WRITER;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.a2a.A2aScenario;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 1, multi-agent A2A ({@link A2aScenario}), end to end: three services with their own
 * telemetry in one JVM, calling each other over HTTP, recorded as one trace. Each service exports
 * to its own collecting exporter and metric reader, which keep what they received after the
 * scenario closed the telemetry (as a backend would).
 */
@Timeout(60)
class A2aScenarioTest {

  private static final AttributeKey<String> SERVICE_NAME = stringKey("service.name");
  private static final AttributeKey<String> URL_FULL = stringKey("url.full");
  private static final AttributeKey<String> AGENT_NAME = stringKey("gen_ai.agent.name");
  private static final AttributeKey<String> OPERATION = stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> RESPONSE_MODEL = stringKey("gen_ai.response.model");
  private static final AttributeKey<Long> INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS = longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<Long> TOTAL_INPUT_TOKENS =
      longKey("oteltoolkit.gen_ai.total.input_tokens");
  private static final AttributeKey<String> OPERATION_NAME =
      stringKey("oteltoolkit.operation.name");
  private static final String CHAT = "chat gpt-4o-mini";

  private final Map<String, CollectingExporter> spans = new LinkedHashMap<>();
  private final Map<String, LastMetricsReader> metrics = new LinkedHashMap<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  @Test
  void oneTraceAcrossTheThreeAgentsWithEachHopParented() throws Exception {
    // no OTEL_SAMPLING_RATE: the default ratio, 1.0
    A2aScenario.Result result = run(service -> Map.of(), false, service -> Telemetry.setup());

    assertThat(result.brief()).startsWith("BRIEF").contains(A2aScenario.TOPICS);
    assertThat(result.flushed())
        .containsOnlyKeys(PLANNER, RESEARCHER, WRITER)
        .doesNotContainValue(false);
    List<SpanData> planner = spans(PLANNER);
    List<SpanData> researcher = spans(RESEARCHER);
    List<SpanData> writer = spans(WRITER);
    assertThat(planner)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "POST /plan",
            "invoke_agent planner",
            CHAT,
            "POST",
            "split-plan",
            "research-topics",
            "POST",
            "POST",
            "POST");
    assertThat(researcher)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "POST /research",
            "invoke_agent researcher",
            CHAT,
            "POST",
            "cite-sources",
            "POST /research",
            "invoke_agent researcher",
            CHAT,
            "POST",
            "cite-sources");
    assertThat(writer)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "POST /write", "invoke_agent writer", CHAT, "POST", "format-report");

    // one trace id across every span of every service
    List<SpanData> all = Stream.of(planner, researcher, writer).flatMap(List::stream).toList();
    assertThat(all).extracting(SpanData::getTraceId).containsOnly(all.get(0).getTraceId());

    // each service's spans carry its own service.name
    spans.forEach(
        (service, exporter) ->
            assertThat(exporter.spans())
                .as(service)
                .allSatisfy(
                    span ->
                        assertThat(span.getResource().getAttribute(SERVICE_NAME))
                            .isEqualTo(service)));

    // the user's client is not instrumented: the planner's server span starts the trace
    SpanData plan = only(planner, "POST /plan");
    assertThat(plan.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(plan.getParentSpanContext().isValid()).isFalse();

    // CLIENT -> SERVER across each hop: two to the research agent, one to the writer
    List<SpanData> researchCalls = clientCallsTo(planner, "/research");
    List<SpanData> writeCalls = clientCallsTo(planner, "/write");
    assertThat(researchCalls).hasSize(2);
    assertThat(writeCalls).hasSize(1);
    assertHop(researchCalls, named(researcher, "POST /research"));
    assertHop(writeCalls, named(writer, "POST /write"));

    // the planner's steps: sync and async, each under the agent span
    SpanData planning = only(planner, "invoke_agent planner");
    assertThat(planning.getParentSpanId()).isEqualTo(plan.getSpanId());
    SpanData split = only(planner, "split-plan");
    SpanData async = only(planner, "research-topics");
    assertThat(split.getParentSpanId()).isEqualTo(planning.getSpanId());
    assertThat(async.getParentSpanId()).isEqualTo(planning.getSpanId());
    // both research calls ran on the taskWrapping executor's threads, in the async step's context
    assertThat(researchCalls)
        .allSatisfy(call -> assertThat(call.getParentSpanId()).isEqualTo(async.getSpanId()));
    // the async span ends when the stage completes, i.e. after both calls answered
    assertThat(researchCalls)
        .allSatisfy(
            call ->
                assertThat(async.getEndEpochNanos())
                    .isGreaterThanOrEqualTo(call.getEndEpochNanos()));
    assertThat(writeCalls.get(0).getParentSpanId()).isEqualTo(planning.getSpanId());

    // GenAI spans in every service: invoke_agent under the server span, chat under it, the
    // request to the LLM under the chat span, and the request's token total on the server span
    assertAgent(planner, "POST /plan", "planner", 1);
    assertAgent(researcher, "POST /research", "researcher", 2);
    assertAgent(writer, "POST /write", "writer", 1);
    assertThat(named(researcher, "cite-sources"))
        .extracting(SpanData::getParentSpanId)
        .containsExactlyInAnyOrderElementsOf(
            named(researcher, "invoke_agent researcher").stream()
                .map(SpanData::getSpanId)
                .toList());
    assertThat(only(writer, "format-report").getParentSpanId())
        .isEqualTo(only(writer, "invoke_agent writer").getSpanId());

    // RED metrics of the traced steps, per service
    assertThat(operationCount(PLANNER, "split-plan")).isEqualTo(1);
    assertThat(operationCount(PLANNER, "research-topics")).isEqualTo(1);
    assertThat(operationCount(RESEARCHER, "cite-sources")).isEqualTo(2);
    assertThat(operationCount(WRITER, "format-report")).isEqualTo(1);

    // each service printed its own tree
    String printed = console.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("service=" + PLANNER, "service=" + RESEARCHER, "service=" + WRITER)
        .contains("research-topics", "invoke_agent writer");
  }

  @Test
  void thePlannersSamplingDecisionFromOtelSamplingRateHoldsAcrossEveryAgent() throws Exception {
    // the planner samples nothing, the others everything: they follow the flag they receive
    A2aScenario.Result dropped =
        run(
            service -> Map.of("OTEL_SAMPLING_RATE", service.equals(PLANNER) ? "0" : "1.0"),
            false,
            service -> Telemetry.setup());
    assertThat(dropped.brief()).startsWith("BRIEF");
    spans.forEach((service, exporter) -> assertThat(exporter.spans()).as(service).isEmpty());
    // the RED metrics count every operation, sampled or not
    assertThat(operationCount(PLANNER, "split-plan")).isEqualTo(1);
    assertThat(operationCount(RESEARCHER, "cite-sources")).isEqualTo(2);
    assertThat(operationCount(WRITER, "format-report")).isEqualTo(1);

    // and the other way round: the planner samples everything, the others nothing
    reset();
    run(
        service -> Map.of("OTEL_SAMPLING_RATE", service.equals(PLANNER) ? "1.0" : "0"),
        false,
        service -> Telemetry.setup());
    assertThat(spans(PLANNER)).hasSize(9);
    assertThat(spans(RESEARCHER)).hasSize(10);
    assertThat(spans(WRITER)).hasSize(5);
  }

  @Test
  void withNoCollectorTheRunFinishesWithinItsCloseTimeoutAndLosesNothing() throws Exception {
    String endpoint = "http://127.0.0.1:" + closedPort();
    A2aScenario.Result result =
        run(
            service -> Map.of(),
            true,
            service -> Telemetry.setup().endpoint(endpoint).timeout(Duration.ofSeconds(1)));

    assertThat(result.brief()).startsWith("BRIEF");
    // (not asserted: what shutdown returned; once the OTLP exporter has given up retrying, the
    // SDK's processors report the flush as done)
    assertThat(result.flushed()).containsOnlyKeys(PLANNER, RESEARCHER, WRITER);
    // The services close in parallel, each bounded by the timeout; the slack is for a loaded
    // 2-core machine, not a speed claim.
    assertThat(result.closeTook()).isLessThan(A2aScenario.CLOSE_TIMEOUT.plusSeconds(3));
    // every span reached the exporters that were reachable, and every tree was printed
    assertThat(spans(PLANNER)).hasSize(9);
    assertThat(spans(RESEARCHER)).hasSize(10);
    assertThat(spans(WRITER)).hasSize(5);
    assertThat(spans.values()).allSatisfy(exporter -> assertThat(exporter.isShutdown()).isTrue());
    assertThat(operationCount(PLANNER, "research-topics")).isEqualTo(1);
    assertThat(operationCount(RESEARCHER, "cite-sources")).isEqualTo(2);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("service=" + PLANNER, "service=" + RESEARCHER, "service=" + WRITER)
        .contains("OTLP export: when no collector listens");
  }

  /**
   * Runs the scenario, each service with its own collecting exporter and reader and no settings
   * from the process's environment (only {@code settings}).
   */
  private A2aScenario.Result run(
      Function<String, Map<String, String>> settings,
      boolean otlp,
      Function<String, TelemetryBuilder> setup)
      throws Exception {
    for (String service : List.of(PLANNER, RESEARCHER, WRITER)) {
      spans.put(service, new CollectingExporter());
      metrics.put(service, new LastMetricsReader());
    }
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    return A2aScenario.run(
        service ->
            setup
                .apply(service)
                .configProperties(settings.apply(service))
                .addSpanExporter(spans.get(service))
                .addMetricReader(metrics.get(service)),
        otlp,
        out);
  }

  private void reset() {
    spans.clear();
    metrics.clear();
    console.reset();
  }

  private List<SpanData> spans(String service) {
    return spans.get(service).spans();
  }

  private long operationCount(String service, String operation) {
    return metrics.get(service).metrics().stream()
        .filter(m -> m.getName().equals("oteltoolkit.operation.duration"))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> operation.equals(p.getAttributes().get(OPERATION_NAME)))
        .mapToLong(HistogramPointData::getCount)
        .sum();
  }

  /** Each client call has exactly one server span, in the other service, as its remote child. */
  private static void assertHop(List<SpanData> clients, List<SpanData> servers) {
    assertThat(servers).hasSameSizeAs(clients);
    for (SpanData client : clients) {
      assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
      List<SpanData> children =
          servers.stream().filter(s -> s.getParentSpanId().equals(client.getSpanId())).toList();
      assertThat(children).as("server spans of %s", client).hasSize(1);
      SpanData server = children.get(0);
      assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(server.getParentSpanContext().isRemote()).isTrue();
      assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
    }
  }

  private static void assertAgent(
      List<SpanData> spans, String serverName, String agent, int requests) {
    List<SpanData> servers = named(spans, serverName);
    List<SpanData> agents = named(spans, "invoke_agent " + agent);
    List<SpanData> chats = named(spans, CHAT);
    assertThat(servers).hasSize(requests);
    assertThat(agents).hasSize(requests);
    assertThat(chats).hasSize(requests);
    for (SpanData server : servers) {
      SpanData invoke = childOf(agents, server);
      assertThat(invoke.getAttributes().get(AGENT_NAME)).isEqualTo(agent);
      assertThat(invoke.getAttributes().get(OPERATION)).isEqualTo("invoke_agent");
      SpanData chat = childOf(chats, invoke);
      assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(chat.getAttributes().get(OPERATION)).isEqualTo("chat");
      assertThat(chat.getAttributes().get(RESPONSE_MODEL)).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(chat.getAttributes().get(INPUT_TOKENS)).isPositive();
      assertThat(chat.getAttributes().get(OUTPUT_TOKENS)).isPositive();
      SpanData request =
          childOf(
              spans.stream()
                  .filter(s -> s.getName().equals("POST") && s.getKind() == SpanKind.CLIENT)
                  .toList(),
              chat);
      assertThat(request.getAttributes().get(URL_FULL)).endsWith("/v1/chat/completions");
      // the per-request total on the service's local root: this request's one chat call
      assertThat(server.getAttributes().get(TOTAL_INPUT_TOKENS))
          .isEqualTo(chat.getAttributes().get(INPUT_TOKENS));
    }
  }

  private static SpanData childOf(List<SpanData> candidates, SpanData parent) {
    List<SpanData> children =
        candidates.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
    assertThat(children).as("children of %s among %s", parent.getName(), candidates).hasSize(1);
    return children.get(0);
  }

  private static List<SpanData> clientCallsTo(List<SpanData> spans, String path) {
    return spans.stream()
        .filter(s -> s.getKind() == SpanKind.CLIENT)
        .filter(s -> String.valueOf(s.getAttributes().get(URL_FULL)).endsWith(path))
        .toList();
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = named(spans, name);
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.get(0);
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
