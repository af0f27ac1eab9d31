package dev.oteltoolkit.examples.llmpipeline;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an OpenAI-compatible LLM gateway in front of several providers (as LiteLLM or
 * OpenRouter are): a local server answering {@code POST /v1/chat/completions} for any model, with
 * real-shaped JSON, the dated model version the provider reports, and a {@code usage} block whose
 * token counts depend on the request and the answer. It is the outside world, so it records no
 * telemetry. Each model plays one part of the pipeline: it summarises, classifies, drafts or
 * reviews, whatever the prompt.
 */
final class FakeLlmGateway implements AutoCloseable {

  /** The dated versions the providers answer with; the price table strips the date stamp. */
  private static final Map<String, String> RESPONSE_MODELS =
      Map.of(
          "gpt-4o-mini", "gpt-4o-mini-2024-07-18",
          "claude-sonnet-4-5", "claude-sonnet-4-5-20250929");

  private static final String NODELAY = "sun.net.httpserver.nodelay";

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger responses = new AtomicInteger();

  private FakeLlmGateway(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts the server on an ephemeral loopback port. */
  static FakeLlmGateway start() throws IOException {
    // The JDK server writes headers and body separately; without TCP_NODELAY each small response
    // waits ~40 ms for a delayed ACK. Read once, when the JVM's first HttpServer starts.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "fake-llm-gateway");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    FakeLlmGateway fake = new FakeLlmGateway(server, executor);
    server.createContext("/v1/chat/completions", fake::handle);
    server.start();
    return fake;
  }

  /** The chat completions endpoint. */
  URI chatCompletions() {
    return URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      byte[] body = respond(request).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private String respond(String request) {
    String model = Json.string(request, "model");
    List<String> contents = Json.strings(request, "content");
    String user = contents.isEmpty() ? "" : contents.get(contents.size() - 1);
    String text = answer(model == null ? "" : model, user);
    long prompt = tokens(request);
    long completion = tokens(text);
    return "{\"id\":\"chatcmpl-fake"
        + responses.incrementAndGet()
        + "\",\"object\":\"chat.completion\",\"created\":"
        + System.currentTimeMillis() / 1000
        + ",\"model\":\""
        + RESPONSE_MODELS.getOrDefault(model, model)
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + Json.quote(text)
        + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + "}}";
  }

  private static String answer(String model, String user) {
    String lower = user.toLowerCase(Locale.ROOT);
    if (model.startsWith("gpt")) {
      return "The customer writes: " + (user.length() > 60 ? user.substring(0, 60) + "..." : user);
    }
    if (model.startsWith("mistral")) {
      return lower.contains("refund") || lower.contains("charged")
          ? "billing"
          : lower.contains("broken") || lower.contains("damaged") ? "damaged_item" : "general";
    }
    if (model.startsWith("claude")) {
      return "Dear customer, thank you for writing to us. We are sorry for the trouble and have"
          + " passed your case (" + user + ") to the right team; you will hear from us within a"
          + " day.";
    }
    return "approved: polite, accurate, no promises we cannot keep";
  }

  /** About four characters a token, as for English text; deterministic for the same text. */
  private static long tokens(String text) {
    return (text.length() + 3) / 4;
  }
}
