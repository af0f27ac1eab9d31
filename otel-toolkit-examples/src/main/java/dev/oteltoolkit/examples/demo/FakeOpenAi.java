package dev.oteltoolkit.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the LLM provider: a local server answering {@code POST /v1/chat/completions} the
 * way OpenAI's API does, with real-shaped JSON and a {@code usage} block. It is the outside world,
 * so it records no telemetry. Its "model" asks for a tool when a question names an order, and
 * answers from the tool's result on the next call.
 */
public final class FakeOpenAi implements AutoCloseable {

  /** The dated model version that answers requests for {@code gpt-4o-mini}, as OpenAI's does. */
  static final String RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

  private static final Pattern USER =
      Pattern.compile("\\{\"role\":\"user\",\"content\":\"" + JsonText.STRING + "\"");
  private static final Pattern TOOL_RESULT =
      Pattern.compile("\"role\":\"tool\",\"tool_call_id\":\"[^\"]*\",\"content\":\""
          + JsonText.STRING + "\"");
  private static final Pattern REFUND = Pattern.compile("(?i)refund.*?(\\d{4})");
  private static final Pattern ORDER = Pattern.compile("(?i)order (\\d{4})");

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger responses = new AtomicInteger();

  private FakeOpenAi(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts the server on an ephemeral loopback port.
   *
   * @return the running server; close it to stop it
   * @throws IOException if the server cannot listen
   */
  public static FakeOpenAi start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor = Executors.newSingleThreadExecutor(Threads.daemon("fake-openai"));
    server.setExecutor(executor);
    FakeOpenAi fake = new FakeOpenAi(server, executor);
    server.createContext("/v1/chat/completions", fake::handle);
    server.start();
    return fake;
  }

  /**
   * Returns the chat completions endpoint.
   *
   * @return the URL of {@code POST /v1/chat/completions}
   */
  public URI chatCompletions() {
    return URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
  }

  /** Stops the server. */
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
    Matcher toolResult = TOOL_RESULT.matcher(request);
    if (toolResult.find()) {
      return completion(request, "Here is what I found: " + JsonText.unquote(toolResult.group(1)));
    }
    Matcher user = USER.matcher(request);
    String question = user.find() ? JsonText.unquote(user.group(1)) : "";
    Matcher refund = REFUND.matcher(question);
    if (refund.find()) {
      return toolCall(request, "request_refund", refund.group(1));
    }
    Matcher order = ORDER.matcher(question);
    if (order.find()) {
      return toolCall(request, "order_status", order.group(1));
    }
    return completion(request, "We are open Monday to Friday, 9:00 to 18:00 CET.");
  }

  private String completion(String request, String text) {
    String message =
        "{\"role\":\"assistant\",\"content\":" + JsonText.quote(text) + ",\"refusal\":null}";
    return response(request, message, "stop", tokens(text));
  }

  private String toolCall(String request, String tool, String orderId) {
    String arguments = "{\"order_id\":\"" + orderId + "\"}";
    String message =
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_"
            + (1000 + responses.get())
            + "\",\"type\":\"function\",\"function\":{\"name\":\""
            + tool
            + "\",\"arguments\":"
            + JsonText.quote(arguments)
            + "}}],\"refusal\":null}";
    return response(request, message, "tool_calls", tokens(tool + arguments) + 7);
  }

  private String response(String request, String message, String finishReason, long completion) {
    // about four characters a token, as for English text; deterministic for the same request
    long prompt = tokens(request);
    return "{\"id\":\"chatcmpl-demo"
        + responses.incrementAndGet()
        + "\",\"object\":\"chat.completion\",\"created\":"
        + System.currentTimeMillis() / 1000
        + ",\"model\":\""
        + RESPONSE_MODEL
        + "\",\"choices\":[{\"index\":0,\"message\":"
        + message
        + ",\"logprobs\":null,\"finish_reason\":\""
        + finishReason
        + "\"}],\"usage\":{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
        + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
        + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_demo\"}";
  }

  private static long tokens(String text) {
    return (text.length() + 3) / 4;
  }
}
