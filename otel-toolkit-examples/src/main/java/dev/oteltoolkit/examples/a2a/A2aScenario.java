package dev.oteltoolkit.examples.a2a;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.demo.FakeOpenAi;
import dev.oteltoolkit.examples.scaffold.FakeChatServer;
import dev.oteltoolkit.examples.scaffold.Threads;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Scenario 1, multi-agent A2A: three agents, each its own service with its own {@link Telemetry}
 * and HTTP server in one JVM, calling each other over HTTP with W3C trace context propagation.
 *
 * <pre>
 * user ──HTTP──▶ planner-agent (POST /plan) ── invoke_agent planner
 *                   ├── chat gpt-4o-mini ──HTTP──▶ LLM (fake, OpenAI-compatible)
 *                   ├── split-plan                                  (traced, sync)
 *                   ├── research-topics                             (tracedAsync, two calls at once
 *                   │     ├──HTTP──▶ research-agent (POST /research)  on a Context.taskWrapping
 *                   │     └──HTTP──▶ research-agent (POST /research)  executor)
 *                   │                  └── invoke_agent researcher ── chat, cite-sources
 *                   └──HTTP──▶ writer-agent (POST /write) ── invoke_agent writer ── chat, format-report
 * </pre>
 *
 * <p>The trace is one across the three services: the official JDK {@code HttpClient} and {@code
 * HttpServer} instrumentations (brought by otel-toolkit-messaging) write and read {@code
 * traceparent}, each through its own service's {@code OpenTelemetry}; none is global. The sampling
 * ratio comes from {@code OTEL_SAMPLING_RATE} (default 1.0): the planner's server span decides, the
 * other agents follow the sampled flag they receive. Each service prints its own trace trees. With
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} set or {@code --otlp} the services also export over OTLP; a
 * collector that is not there costs at most {@link #CLOSE_TIMEOUT} at the end and the run still
 * exits 0. Every service's telemetry is flushed and closed at the end.
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl otel-toolkit-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.oteltoolkit.examples.a2a.A2aScenario}.
 */
public final class A2aScenario {

  /** The planner's service name; it receives the user's task and calls the other two. */
  public static final String PLANNER = "planner-agent";

  /** The research agent's service name; the planner calls it once per topic, concurrently. */
  public static final String RESEARCHER = "research-agent";

  /** The writer agent's service name; the planner calls it once with the research notes. */
  public static final String WRITER = "writer-agent";

  /** The task the user sends the planner. */
  public static final String TASK = "Write a short brief on grid-scale renewable energy";

  /** The topics the planner hands the research agent, one call each. */
  public static final List<String> TOPICS = List.of("solar storage", "wind forecasting");

  /**
   * How long each service's telemetry may take to flush and close at the end; the services close at
   * the same time, so this also bounds the whole close.
   */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration WAIT = Duration.ofSeconds(30);

  private A2aScenario() {}

  /**
   * Runs the scenario.
   *
   * @param args {@code --otlp} to export over OTLP even without {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * @throws Exception if the agents themselves fail (telemetry never does)
   */
  public static void main(String[] args) throws Exception {
    boolean otlp =
        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
            || Arrays.asList(args).contains("--otlp");
    run(service -> Telemetry.setup(), otlp, System.out);
  }

  /**
   * Runs the scenario: starts the fake LLM and the three agents, sends the planner the {@link
   * #TASK}, prints the brief, then stops the agents and closes every service's telemetry (in
   * parallel, each within {@link #CLOSE_TIMEOUT}).
   *
   * @param setup gives the telemetry builder for a service name, e.g. {@code service ->
   *     Telemetry.setup()}, perhaps with exporters or settings of its own; the scenario adds the
   *     service name, version and environment, the console trees and the OTLP switch, and builds it
   *     with {@code build()} (never global: three services share this JVM)
   * @param otlp whether to export over OTLP as well
   * @param out where the trace trees and the brief are printed
   * @return the brief and how the close went
   * @throws Exception if the agents themselves fail (telemetry never does)
   */
  public static Result run(Function<String, TelemetryBuilder> setup, boolean otlp, PrintStream out)
      throws Exception {
    Objects.requireNonNull(setup, "setup");
    Objects.requireNonNull(out, "out");
    Map<String, Telemetry> telemetries = new LinkedHashMap<>();
    List<Agent> agents = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2, Threads.daemon("planner-async"));
    String brief;
    try (FakeChatServer llm = FakeOpenAi.start()) {
      try {
        for (String service : List.of(PLANNER, RESEARCHER, WRITER)) {
          telemetries.put(
              service,
              setup
                  .apply(service)
                  .serviceName(service)
                  .serviceVersion("0.1.0")
                  .environment("local")
                  .console(out)
                  .otlp(otlp)
                  .build());
        }
        URI model = llm.chatCompletions();
        Agent researcher =
            start(agents, "researcher", "/research", telemetries.get(RESEARCHER), model);
        Agent writer = start(agents, "writer", "/write", telemetries.get(WRITER), model);
        Agent planner = start(agents, "planner", "/plan", telemetries.get(PLANNER), model);
        researcher.serve(topic -> research(researcher, topic));
        writer.serve(notes -> write(writer, notes));
        // the one way to carry the current context into an executor: wrap it once
        ExecutorService async = Context.taskWrapping(pool);
        planner.serve(task -> plan(planner, researcher, writer, async, task));

        out.println(
            "otel-toolkit A2A scenario: "
                + PLANNER
                + " asks "
                + RESEARCHER
                + " (twice, at"
                + " once) and "
                + WRITER
                + " over HTTP, one trace across three services. Each"
                + " service prints its own trace trees.");
        brief = ask(planner.uri(), TASK);
      } finally {
        for (Agent agent : agents) {
          agent.close(); // waits for running handlers, so that their server spans have ended
        }
        pool.shutdownNow();
      }
    }
    // flush at shutdown: the trees still queued print now, and OTLP gets its last batch
    long start = System.nanoTime();
    Map<String, Boolean> flushed = closeAll(telemetries);
    Duration closeTook = Duration.ofNanos(System.nanoTime() - start);
    out.println(
        "\nthe brief (the fake LLM gives every question the same canned answer):\n" + brief);
    out.println(
        "\ntelemetry of the three services flushed and closed in "
            + closeTook.toMillis()
            + " ms (each within "
            + CLOSE_TIMEOUT.toSeconds()
            + " s): "
            + flushed);
    if (otlp) {
      out.println(
          "OTLP export: when no collector listens, the toolkit's warnings above say so;"
              + " the run is unaffected.");
    } else {
      out.println(
          "To see the same in a tracing backend, run it again with"
              + " OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 (or -Dexec.args=--otlp).");
    }
    return new Result(brief, flushed, closeTook);
  }

  private static Agent start(
      List<Agent> agents, String name, String path, Telemetry telemetry, URI model)
      throws IOException {
    Agent agent = Agent.start(name, path, telemetry, model);
    agents.add(agent);
    return agent;
  }

  /** The planner: plans, researches every topic concurrently, has the writer write the brief. */
  private static String plan(
      Agent planner, Agent researcher, Agent writer, ExecutorService async, String task)
      throws Exception {
    return planner
        .ai()
        .invokeAgent(planner.name())
        .call(
            agent -> {
              planner.ask("Plan a brief: " + task);
              // a synchronous step of our own
              List<String> topics = planner.tracing().traced("split-plan", () -> TOPICS);
              // an asynchronous one: the span ends when every research call has answered
              List<String> notes =
                  planner
                      .tracing()
                      .tracedAsync(
                          "research-topics", () -> researchAll(planner, researcher, async, topics))
                      .get(WAIT.toSeconds(), TimeUnit.SECONDS);
              return planner.call(writer, String.join("\n", notes));
            });
  }

  private static CompletableFuture<List<String>> researchAll(
      Agent planner, Agent researcher, ExecutorService async, List<String> topics) {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (String topic : topics) {
      // the task runs on a pool thread, in the context current here (the research-topics span)
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return planner.call(researcher, topic);
                } catch (IOException | InterruptedException e) {
                  throw new CompletionException(e);
                }
              },
              async));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(done -> calls.stream().map(CompletableFuture::join).toList());
  }

  private static String research(Agent researcher, String topic) throws Exception {
    return researcher
        .ai()
        .invokeAgent(researcher.name())
        .call(
            agent -> {
              String finding = researcher.ask("Find one fact about " + topic + ".");
              return researcher
                  .tracing()
                  .traced(
                      "cite-sources",
                      () ->
                          "- "
                              + topic
                              + ": "
                              + finding
                              + " [notes/"
                              + topic.replace(' ', '-')
                              + "]");
            });
  }

  private static String write(Agent writer, String notes) throws Exception {
    return writer
        .ai()
        .invokeAgent(writer.name())
        .call(
            agent -> {
              String summary = writer.ask("Write a brief from these notes: " + notes);
              return writer
                  .tracing()
                  .traced("format-report", () -> "BRIEF\n" + notes + "\nIn short: " + summary);
            });
  }

  /** The user: a plain, uninstrumented client, so the planner's server span starts the trace. */
  private static String ask(URI planner, String task) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(planner)
                    .timeout(WAIT)
                    .POST(HttpRequest.BodyPublishers.ofString(task))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "the planner answered HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** Flushes and closes every service's telemetry at the same time, each within the timeout. */
  private static Map<String, Boolean> closeAll(Map<String, Telemetry> telemetries) {
    Map<String, CompletableFuture<Boolean>> closing = new LinkedHashMap<>();
    telemetries.forEach(
        (service, telemetry) ->
            closing.put(
                service,
                CompletableFuture.supplyAsync(
                    () -> telemetry.shutdown(CLOSE_TIMEOUT),
                    task -> Threads.daemon("close-" + service).newThread(task).start())));
    Map<String, Boolean> flushed = new LinkedHashMap<>();
    closing.forEach((service, result) -> flushed.put(service, result.join()));
    return flushed;
  }

  /**
   * What a run produced.
   *
   * @param brief the writer's brief, as the planner returned it to the user
   * @param flushed per service name, what its {@link Telemetry#shutdown(Duration)} returned: true
   *     when everything pending was flushed and the SDK closed within {@link #CLOSE_TIMEOUT}
   * @param closeTook how long closing every service's telemetry took
   */
  public record Result(String brief, Map<String, Boolean> flushed, Duration closeTook) {}
}
