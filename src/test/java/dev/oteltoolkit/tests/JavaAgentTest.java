package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the real OpenTelemetry Java agent (2.31.1, the pinned instrumentation set), in a child JVM
 * started with {@code -javaagent} and exporting over OTLP to the in-process receiver: the spans of
 * {@code traced()}, GenAI, JDBC and messaging nest under the agent's own server span.
 */
@Timeout(180)
class JavaAgentTest {

  private static final long CHILD_TIMEOUT_SECONDS = 90;
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";
  private static final String AGENT_HTTP_SERVER = "io.opentelemetry.java-http-server";
  private static final String AGENT_JDBC = "io.opentelemetry.jdbc";

  private OtlpReceiver receiver;
  private Process child;

  @AfterEach
  void stop() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void toolkitSpansNestUnderTheAgentsServerSpan(@TempDir Path dir) throws Exception {
    receiver = OtlpReceiver.start(Transport.HTTP_PROTOBUF);
    int port = startChild(dir);

    HttpClient client = HttpClient.newHttpClient();
    // a sampled caller: the agent's parent-based sampler keeps this request
    HttpResponse<String> ticket =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ticket"))
                .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(200);
    assertThat(ticket.body()).isEqualTo("refund: we will refund you");
    // no caller: the agent's sampler (ratio 0) drops the request, forceSample() or not
    HttpResponse<String> payment =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payment")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(payment.statusCode()).as(payment.body()).isEqualTo(200);

    int exit = stopChild(dir);
    assertThat(exit).as("exit code; stderr:%n%s", read(dir.resolve("stderr.txt"))).isZero();

    // the child has exited: what the agent exported at exit has arrived
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(spans)
        .as("only the sampled request's spans")
        .allSatisfy(span -> assertThat(span.traceId()).isEqualTo(TRACE_ID));

    ReceivedSpan server = only(spans, "GET /ticket", AGENT_HTTP_SERVER);
    assertThat(server.span().getKind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
    assertThat(server.parentSpanId()).isEqualTo(CALLER_SPAN_ID);
    assertThat(server.attributes()).containsEntry("http.route", "/ticket");

    ReceivedSpan handle = only(spans, "handle-ticket", "dev.oteltoolkit.core");
    assertThat(handle.parentSpanId())
        .as("traced() under the agent's server span")
        .isEqualTo(server.spanId());

    ReceivedSpan chat = only(spans, "chat " + AgentChildApp.MODEL, "dev.oteltoolkit.ai");
    assertThat(chat.parentSpanId()).isEqualTo(handle.spanId());
    assertThat(chat.attributes())
        .containsEntry("gen_ai.usage.input_tokens", 1_000L)
        .containsEntry("gen_ai.usage.output_tokens", 200L)
        // 1,000 x 0.15 + 200 x 0.60 per million
        .containsEntry("gen_ai.usage.cost", 0.00027);

    ReceivedSpan query = only(spans, "SELECT tickets", "dev.oteltoolkit.jdbc");
    assertThat(query.parentSpanId()).isEqualTo(handle.spanId());
    assertThat(query.attributes())
        .containsEntry("db.query.text", "SELECT subject FROM tickets WHERE id = ?");
    // The agent instruments JDBC too: the wrapped statement is recorded twice, the agent's span
    // (older conventions) inside ours. See agentJdbcInstrumentationOffLeavesOneSpanPerStatement.
    ReceivedSpan agentQuery = only(spans, "SELECT agent.tickets", AGENT_JDBC);
    assertThat(agentQuery.parentSpanId()).isEqualTo(query.spanId());

    ReceivedSpan send = only(spans, "send " + AgentChildApp.QUEUE, "dev.oteltoolkit.messaging");
    assertThat(send.parentSpanId()).isEqualTo(handle.spanId());
    ReceivedSpan process =
        only(spans, "process " + AgentChildApp.QUEUE, "dev.oteltoolkit.messaging");
    assertThat(process.parentSpanId()).as("through the message headers").isEqualTo(send.spanId());
    ReceivedSpan store = only(spans, "store-reply", "dev.oteltoolkit.core");
    assertThat(store.parentSpanId()).isEqualTo(process.spanId());

    // Per-request totals: the agent's spans are not SDK spans the accumulator can bind to, and
    // traced() under them starts no local root, so no span carries totals; each GenAI span keeps
    // its own tokens and cost.
    assertThat(spans)
        .allSatisfy(
            span ->
                assertThat(span.attributes().keySet())
                    .noneMatch(key -> key.startsWith("oteltoolkit.gen_ai.total.")));
    // forceSample() is a no-op under the agent's sampler: the unsampled /payment request left
    // no span at all, its "charge-card" step included.
    assertThat(spans)
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder(
            "GET /ticket",
            "handle-ticket",
            "chat " + AgentChildApp.MODEL,
            "SELECT tickets",
            "SELECT agent.tickets",
            "send tickets",
            "process tickets",
            "store-reply");
  }

  @Test
  void agentJdbcInstrumentationOffLeavesOneSpanPerStatement(@TempDir Path dir) throws Exception {
    receiver = OtlpReceiver.start(Transport.HTTP_PROTOBUF);
    int port = startChild(dir, "-Dotel.instrumentation.jdbc.enabled=false");
    HttpResponse<String> ticket =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ticket"))
                    .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(200);
    assertThat(stopChild(dir))
        .as("exit code; stderr:%n%s", read(dir.resolve("stderr.txt")))
        .isZero();

    List<ReceivedSpan> spans = receiver.spans();
    ReceivedSpan handle = only(spans, "handle-ticket", "dev.oteltoolkit.core");
    ReceivedSpan query = only(spans, "SELECT tickets", "dev.oteltoolkit.jdbc");
    assertThat(query.parentSpanId()).isEqualTo(handle.spanId());
    assertThat(spans).noneMatch(span -> span.scope().getName().equals(AGENT_JDBC));
    assertThat(spans)
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder(
            "GET /ticket",
            "handle-ticket",
            "chat " + AgentChildApp.MODEL,
            "SELECT tickets",
            "send tickets",
            "process tickets",
            "store-reply");
  }

  /** The only span named {@code name} recorded under the instrumentation scope {@code scope}. */
  private static ReceivedSpan only(List<ReceivedSpan> spans, String name, String scope) {
    List<ReceivedSpan> matching =
        spans.stream()
            .filter(s -> s.name().equals(name) && s.scope().getName().equals(scope))
            .toList();
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one span " + name + " of scope " + scope + " in " + describe(spans));
    }
    return matching.get(0);
  }

  private static String describe(List<ReceivedSpan> spans) {
    StringBuilder text = new StringBuilder();
    for (ReceivedSpan span : spans) {
      text.append("\n  ")
          .append(span)
          .append(" scope=")
          .append(span.scope().getName())
          .append(' ')
          .append(span.attributes());
    }
    return text.toString();
  }

  private int startChild(Path dir, String... settings) throws IOException {
    String agent = System.getProperty("oteltoolkit.javaagent");
    assertThat(agent).as("system property oteltoolkit.javaagent (set by the pom)").isNotNull();
    assertThat(Path.of(agent)).as("the agent jar the pom copies").isRegularFile();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx256m",
                "-javaagent:" + agent,
                "-Dotel.service.name=agent-child",
                "-Dotel.exporter.otlp.protocol=http/protobuf",
                "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none",
                // parent-based, and nothing sampled without a sampled caller
                "-Dotel.traces.sampler=parentbased_traceidratio",
                "-Dotel.traces.sampler.arg=0"));
    command.addAll(List.of(settings));
    command.addAll(List.of("-cp", classPath, AgentChildApp.class.getName()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    child = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PORT ")) {
        return Integer.parseInt(line.substring(5).trim());
      }
    }
    throw new AssertionError(
        "the child printed no port; stderr:\n" + read(dir.resolve("stderr.txt")));
  }

  private int stopChild(Path dir) throws IOException, InterruptedException {
    OutputStream in = child.getOutputStream();
    in.write("exit\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new AssertionError(
          "the child JVM did not exit within "
              + CHILD_TIMEOUT_SECONDS
              + " s; stderr:\n"
              + read(dir.resolve("stderr.txt")));
    }
    return child.exitValue();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
