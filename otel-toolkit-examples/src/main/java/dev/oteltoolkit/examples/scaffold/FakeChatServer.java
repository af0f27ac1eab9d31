package dev.oteltoolkit.examples.scaffold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an LLM provider: a local server answering {@code POST /v1/chat/completions} with
 * the JSON OpenAI's API sends (a {@code chat.completion} with its {@code usage} block, tool calls
 * included), so that the official OpenAI SDK and hand-written clients alike can call it. What it
 * answers is its {@link Model}'s. It is the outside world, so it records no telemetry.
 *
 * <p>Token counts are about four characters a token, as for English text: the prompt's from the
 * request body, the completion's from the answer; deterministic for the same request. A body that
 * is not a JSON object, or over 1 MiB, is answered {@code 400} with an OpenAI error body.
 */
public final class FakeChatServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/v1/chat/completions";
  private static final int MAX_REQUEST = 1 << 20;
  private static final String NODELAY = "sun.net.httpserver.nodelay";

  private final HttpServer server;
  private final ExecutorService executor;
  private final String idPrefix;
  private final Model model;
  private final AtomicInteger responses = new AtomicInteger();

  private FakeChatServer(
      HttpServer server, ExecutorService executor, String idPrefix, Model model) {
    this.server = server;
    this.executor = executor;
    this.idPrefix = idPrefix;
    this.model = model;
  }

  /**
   * Starts a server on an ephemeral loopback port.
   *
   * @param name the name of its thread
   * @param idPrefix what response ids start with, e.g. {@code chatcmpl-demo}
   * @param model what answers the requests
   * @return the running server; close it to stop it
   * @throws IOException if the server cannot listen
   */
  public static FakeChatServer start(String name, String idPrefix, Model model) throws IOException {
    Objects.requireNonNull(model, "model");
    // The JDK server writes headers and body separately; without TCP_NODELAY each small response
    // waits ~40 ms for a delayed ACK. Read once, when the JVM's first HttpServer starts.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor = Executors.newSingleThreadExecutor(Threads.daemon(name));
    server.setExecutor(executor);
    FakeChatServer fake = new FakeChatServer(server, executor, idPrefix, model);
    server.createContext(PATH, fake::handle);
    server.start();
    return fake;
  }

  /**
   * Returns the API's base URL, as the OpenAI SDK's {@code baseUrl(...)} takes it.
   *
   * @return {@code http://127.0.0.1:<port>/v1}
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /**
   * Returns the chat completions endpoint.
   *
   * @return the URL of {@code POST /v1/chat/completions}
   */
  public URI chatCompletions() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Returns the last message of a request with the role given.
   *
   * @param request a chat completion request body
   * @param role {@code user}, {@code tool}, ...
   * @return its {@code content} as text (an array of text parts joined), or null when there is none
   */
  public static String lastContent(JsonNode request, String role) {
    String found = null;
    for (JsonNode message : request.path("messages")) {
      if (role.equals(message.path("role").asText())) {
        JsonNode content = message.path("content");
        if (content.isArray()) {
          StringBuilder text = new StringBuilder();
          content.forEach(part -> text.append(part.path("text").asText()));
          found = text.toString();
        } else {
          found = content.asText();
        }
      }
    }
    return found;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status;
      JsonNode body;
      byte[] request = readAtMost(exchange.getRequestBody());
      JsonNode parsed = parse(request);
      if (!"POST".equals(exchange.getRequestMethod())) {
        status = 405;
        body = error("use POST");
      } else if (parsed == null || !parsed.isObject()) {
        status = 400;
        body = error("the request body must be a JSON object of at most " + MAX_REQUEST + " bytes");
      } else {
        status = 200;
        body = respond(parsed, request.length);
      }
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private JsonNode respond(JsonNode request, int requestBytes) {
    Answer answer = model.answer(request);
    int n = responses.incrementAndGet();
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    long completion;
    if (answer.toolName() == null) {
      message.put("content", answer.text());
      completion = tokens(answer.text());
    } else {
      String arguments = write(answer.toolArguments());
      message.putNull("content");
      ObjectNode call = message.putArray("tool_calls").addObject();
      call.put("id", "call_" + (1000 + n)).put("type", "function");
      call.putObject("function").put("name", answer.toolName()).put("arguments", arguments);
      completion = tokens(answer.toolName() + arguments);
    }
    message.putNull("refusal");
    long prompt = (requestBytes + 3) / 4;

    ObjectNode response = JSON.createObjectNode();
    response
        .put("id", idPrefix + n)
        .put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", answer.model());
    ObjectNode choice = response.putArray("choices").addObject();
    choice.put("index", 0).set("message", message);
    choice.putNull("logprobs");
    choice.put("finish_reason", answer.toolName() == null ? "stop" : "tool_calls");
    ObjectNode usage = response.putObject("usage");
    usage
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
    usage
        .putObject("completion_tokens_details")
        .put("reasoning_tokens", 0)
        .put("audio_tokens", 0)
        .put("accepted_prediction_tokens", 0)
        .put("rejected_prediction_tokens", 0);
    response.put("service_tier", "default").put("system_fingerprint", "fp_fake");
    return response;
  }

  private static byte[] readAtMost(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_REQUEST + 1);
    return bytes.length > MAX_REQUEST ? new byte[0] : bytes;
  }

  private static JsonNode parse(byte[] request) {
    try {
      return JSON.readTree(request);
    } catch (IOException e) {
      return null;
    }
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("tool arguments that are not JSON: " + value, e);
    }
  }

  private static JsonNode error(String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", "invalid_request_error")
        .putNull("param")
        .putNull("code");
    return body;
  }

  private static long tokens(String text) {
    return (text.length() + 3) / 4;
  }

  /** A fake model: what it answers to a chat completion request. */
  @FunctionalInterface
  public interface Model {

    /**
     * Answers a request.
     *
     * @param request the request body: {@code model}, {@code messages}, ...
     * @return the answer
     */
    Answer answer(JsonNode request);
  }

  /**
   * What a fake model answers: a text, or a call of a function tool.
   *
   * @param model the model that answered, often a dated version of the requested one
   * @param text the answer's text; null for a tool call
   * @param toolName the function the model asks for; null for a text
   * @param toolArguments the function's arguments, written as a JSON object; null for a text
   */
  public record Answer(String model, String text, String toolName, Map<String, ?> toolArguments) {

    /**
     * A text answer.
     *
     * @param model the model that answered
     * @param text the text
     * @return the answer
     */
    public static Answer text(String model, String text) {
      return new Answer(model, Objects.requireNonNull(text, "text"), null, null);
    }

    /**
     * A call of a function tool.
     *
     * @param model the model that answered
     * @param name the function's name
     * @param arguments the function's arguments
     * @return the answer
     */
    public static Answer toolCall(String model, String name, Map<String, ?> arguments) {
      return new Answer(model, null, Objects.requireNonNull(name, "name"), Map.copyOf(arguments));
    }
  }
}
