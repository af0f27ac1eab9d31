package dev.oteltoolkit.examples.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.examples.scaffold.Threads;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.javahttpclient.JavaHttpClientTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One agent as its own service: a JDK {@code HttpServer} on an ephemeral loopback port, its own
 * {@link Telemetry} (its own {@code service.name}), an instrumented JDK {@code HttpClient} for the
 * other agents and the LLM, and otel-toolkit-ai for its {@code invoke_agent} and {@code chat}
 * spans. The server and the client are wired to this agent's {@code OpenTelemetry} only, so the W3C
 * {@code traceparent} it writes and reads never mixes with another service's in this JVM.
 */
final class Agent implements AutoCloseable {

  /** What the agent does with a request: answers its body. */
  @FunctionalInterface
  interface Skill {
    String handle(String request) throws Exception;
  }

  /** The provider and model every agent asks; the shipped price table knows it. */
  static final String PROVIDER = "openai";

  static final String MODEL = "gpt-4o-mini";

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Telemetry telemetry;
  private final GenAiTelemetry ai;
  private final HttpClient http;
  private final URI llm;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String path;
  private volatile Skill skill;

  private Agent(
      String name,
      String path,
      Telemetry telemetry,
      URI llm,
      HttpServer server,
      ExecutorService executor) {
    OpenTelemetry openTelemetry = telemetry.openTelemetry();
    this.name = name;
    this.path = path;
    this.telemetry = telemetry;
    this.ai = GenAiTelemetry.builder(openTelemetry).priceTable(PriceTable.defaults()).build();
    // the official client instrumentation: a CLIENT span per request, traceparent injected
    this.http =
        JavaHttpClientTelemetry.create(openTelemetry).newHttpClient(HttpClient.newHttpClient());
    this.llm = llm;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts an agent's server on an ephemeral loopback port; it answers {@code POST path} once
   * {@link #serve(Skill)} has given it its skill.
   */
  static Agent start(String name, String path, Telemetry telemetry, URI llm) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor = Executors.newFixedThreadPool(2, Threads.daemon(name + "-http"));
    server.setExecutor(executor);
    Agent agent = new Agent(name, path, telemetry, llm, server, executor);
    // the official server instrumentation: a SERVER span per request, the caller's trace continued
    JavaHttpServerTelemetry.create(telemetry.openTelemetry())
        .configure(server.createContext(path, agent::handle));
    server.start();
    return agent;
  }

  /** Gives the agent what it does with each request. */
  void serve(Skill skill) {
    this.skill = skill;
  }

  /** The agent's name, {@code gen_ai.agent.name} and its service name. */
  String name() {
    return name;
  }

  /** The URL other agents post to. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** This agent's traced steps, recorded under its own service. */
  Tracing tracing() {
    return telemetry.tracing();
  }

  /** This agent's GenAI telemetry. */
  GenAiTelemetry ai() {
    return ai;
  }

  /**
   * Asks the model once: a {@code chat gpt-4o-mini} span with usage and cost, the HTTP request to
   * the LLM as its CLIENT child.
   */
  String ask(String prompt) throws Exception {
    ObjectNode request = JSON.createObjectNode().put("model", MODEL);
    request.putArray("messages").addObject().put("role", "user").put("content", prompt);
    String body = JSON.writeValueAsString(request);
    return ai.chat(PROVIDER, MODEL)
        .serverAddress(llm.getHost())
        .serverPort(llm.getPort())
        .call(
            span -> {
              JsonNode response = JSON.readTree(post(llm, body, "application/json"));
              JsonNode choice = response.path("choices").path(0);
              JsonNode usage = response.path("usage");
              span.responseModel(required(response, "model").asText())
                  .responseId(required(response, "id").asText())
                  .finishReasons(required(choice, "finish_reason").asText())
                  .usage(
                      required(usage, "prompt_tokens").asLong(),
                      required(usage, "completion_tokens").asLong());
              return required(choice.path("message"), "content").asText();
            });
  }

  /** Calls another agent over HTTP: a CLIENT span here, a SERVER span in the other service. */
  String call(Agent other, String request) throws IOException, InterruptedException {
    return post(other.uri(), request, "text/plain; charset=utf-8");
  }

  /**
   * Stops the agent's server and its threads (its telemetry is closed by its owner). Running
   * handlers finish first, so that their SERVER spans have ended before the telemetry closes.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(HTTP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private String post(URI uri, String body, String contentType)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(HTTP_TIMEOUT)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int status;
      String answer;
      try {
        answer = skill.handle(request);
        status = 200;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        status = 500;
        answer = name + " failed: " + e;
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The member {@code name} of {@code node}; a response without it is the LLM's error. */
  private static JsonNode required(JsonNode node, String name) throws IOException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw new IOException("the LLM's response has no " + name);
    }
    return value;
  }
}
