package dev.oteltoolkit.ai.langchain4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-process server that answers OpenAI's {@code /v1/chat/completions} and {@code
 * /v1/embeddings} and Anthropic's {@code /v1/messages} with scripted JSON bodies or SSE streams in
 * those wire formats, so LangChain4j's unmodified provider modules talk real HTTP to it.
 */
final class FakeModelServer implements AutoCloseable {

  /** One scripted answer. */
  interface Reply {
    void send(HttpExchange exchange) throws IOException, InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<String> requests = new ArrayList<>();

  /** Released when the test ends: a reply waiting on it never outlives the test. */
  final CountDownLatch release = new CountDownLatch(1);

  FakeModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  synchronized FakeModelServer reply(Reply reply) {
    replies.add(reply);
    return this;
  }

  synchronized List<String> requests() {
    return new ArrayList<>(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    Reply reply;
    synchronized (this) {
      requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      reply = replies.poll();
    }
    try {
      if (reply == null) {
        json(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}")
            .send(exchange);
      } else {
        reply.send(exchange);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      exchange.close();
    }
  }

  static Reply json(int status, String body) {
    return exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  /** An SSE stream of {@code data:} lines; after {@code before} of them, waits for {@code gate}. */
  static Reply sse(List<String> data, CountDownLatch gate, int before) {
    return exchange -> {
      exchange.getResponseHeaders().set("content-type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int i = 0; i < data.size(); i++) {
        if (gate != null && i == before) {
          gate.await(30, TimeUnit.SECONDS);
        }
        out.write(("data: " + data.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      out.close();
    };
  }

  /** An OpenAI chat completion with one text answer. */
  static String completion(String id, String model, String text, String usage) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + text
        + "\"},\"finish_reason\":\"stop\"}]"
        + (usage == null ? "" : ",\"usage\":" + usage)
        + "}";
  }

  /** An OpenAI chat completion asking for one tool call. */
  static String toolCall(
      String id, String model, String callId, String name, String arguments, String usage) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":null,\"tool_calls\":[{\"id\":\""
        + callId
        + "\",\"type\":\"function\","
        + "\"function\":{\"name\":\""
        + name
        + "\",\"arguments\":\""
        + arguments.replace("\"", "\\\"")
        + "\"}}]},\"finish_reason\":\"tool_calls\"}],\"usage\":"
        + usage
        + "}";
  }

  static String openAiUsage(long prompt, long completion, long cached) {
    return "{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + ",\"prompt_tokens_details\":"
        + "{\"cached_tokens\":"
        + cached
        + "},\"completion_tokens_details\":"
        + "{\"reasoning_tokens\":0}}";
  }

  /**
   * An OpenAI embeddings answer with {@code count} two-dimensional vectors and the usage, as the
   * API reports it: {@code prompt_tokens} and {@code total_tokens}, no completion tokens.
   */
  static String embeddings(String model, int count, long promptTokens) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < count; i++) {
      data.append(i == 0 ? "" : ",")
          .append("{\"object\":\"embedding\",\"index\":")
          .append(i)
          .append(",\"embedding\":[0.")
          .append(i + 1)
          .append(",-0.5]}");
    }
    return "{\"object\":\"list\",\"data\":["
        + data
        + "],\"model\":\""
        + model
        + "\","
        + "\"usage\":{\"prompt_tokens\":"
        + promptTokens
        + ",\"total_tokens\":"
        + promptTokens
        + "}}";
  }

  /** The chunks of a streamed OpenAI answer, the usage in a last chunk without choices. */
  static List<String> openAiStream(String id, String model, List<String> deltas, String usage) {
    List<String> chunks = new ArrayList<>();
    String head =
        "{\"id\":\""
            + id
            + "\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\""
            + model
            + "\",";
    chunks.add(
        head
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"\"},\"finish_reason\":null}]}");
    for (String delta : deltas) {
      chunks.add(
          head
              + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
              + delta
              + "\"},\"finish_reason\":null}]}");
    }
    chunks.add(head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    chunks.add(head + "\"choices\":[],\"usage\":" + usage + "}");
    chunks.add("[DONE]");
    return chunks;
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
