package dev.oteltoolkit.ai.anthropic;

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
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-process server that speaks Anthropic's Messages API wire format (JSON bodies, SSE streams,
 * error bodies), so the unmodified SDK talks real HTTP to it. Replies are queued per test; every
 * request that reached the server is kept.
 */
final class FakeAnthropic implements AutoCloseable {

  /** One scripted answer to a request. */
  interface Reply {
    void send(HttpExchange exchange) throws IOException, InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<String> requestBodies = new ArrayList<>();
  private final List<Map<String, List<String>>> requestHeaders = new ArrayList<>();

  /** Released when the test ends, so a reply that waits on it never outlives the test. */
  final CountDownLatch release = new CountDownLatch(1);

  FakeAnthropic() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/v1/messages", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  int port() {
    return server.getAddress().getPort();
  }

  synchronized FakeAnthropic reply(Reply reply) {
    replies.add(reply);
    return this;
  }

  synchronized List<String> requests() {
    return new ArrayList<>(requestBodies);
  }

  synchronized List<Map<String, List<String>>> headers() {
    return new ArrayList<>(requestHeaders);
  }

  private void handle(HttpExchange exchange) throws IOException {
    Reply reply;
    synchronized (this) {
      requestBodies.add(
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
      reply = replies.poll();
    }
    try {
      if (reply == null) {
        json(500, error("api_error", "no reply scripted")).send(exchange);
      } else {
        reply.send(exchange);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away (a timeout test): nothing to answer
    } finally {
      exchange.close();
    }
  }

  static Reply json(int status, String body, String... headers) {
    return exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.getResponseHeaders().set("request-id", "req_fake");
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  /**
   * A 200 SSE stream of {@code events} (each {@code {event name, data}}). When {@code gate} is not
   * null, the events after the first {@code before} are sent only once it opens.
   */
  static Reply sse(List<String[]> events, CountDownLatch gate, int before) {
    return exchange -> {
      exchange.getResponseHeaders().set("content-type", "text/event-stream");
      exchange.getResponseHeaders().set("request-id", "req_fake");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int i = 0; i < events.size(); i++) {
        if (gate != null && i == before) {
          gate.await(30, TimeUnit.SECONDS);
        }
        String frame = "event: " + events.get(i)[0] + "\ndata: " + events.get(i)[1] + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      out.close();
    };
  }

  static Reply sse(List<String[]> events) {
    return sse(events, null, 0);
  }

  /** Answers only once {@code gate} opens (or the test ends): a slow first byte. */
  static Reply after(CountDownLatch gate, Reply reply) {
    return exchange -> {
      gate.await(30, TimeUnit.SECONDS);
      reply.send(exchange);
    };
  }

  static String error(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\""
        + type
        + "\",\"message\":\""
        + message
        + "\"},\"request_id\":\"req_fake\"}";
  }

  /** A whole Messages API response with one text block. */
  static String message(String id, String model, String text, String stopReason, String usage) {
    return "{\"id\":\""
        + id
        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
        + model
        + "\",\"content\":[{\"type\":\"text\",\"text\":\""
        + text
        + "\"}],\"stop_reason\":\""
        + stopReason
        + "\",\"stop_sequence\":null"
        + (usage == null ? "" : ",\"usage\":" + usage)
        + "}";
  }

  static String usage(long input, long output, long cacheRead, long cacheCreation) {
    return "{\"input_tokens\":"
        + input
        + ",\"output_tokens\":"
        + output
        + ",\"cache_read_input_tokens\":"
        + cacheRead
        + ",\"cache_creation_input_tokens\":"
        + cacheCreation
        + "}";
  }

  /** The SSE events of a streamed text answer, as the API sends them. */
  static List<String[]> textStream(
      String id,
      String model,
      List<String> deltas,
      String stopReason,
      String startUsage,
      String deltaUsage) {
    List<String[]> events = new ArrayList<>();
    events.add(
        new String[] {
          "message_start",
          "{\"type\":\"message_start\",\"message\":{\"id\":\""
              + id
              + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
              + model
              + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
              + startUsage
              + "}}"
        });
    events.add(
        new String[] {
          "content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
              + "\"text\":\"\"}}"
        });
    events.add(new String[] {"ping", "{\"type\":\"ping\"}"});
    for (String delta : deltas) {
      events.add(
          new String[] {
            "content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                + "\"text\":\""
                + delta
                + "\"}}"
          });
    }
    events.add(
        new String[] {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"});
    events.add(
        new String[] {
          "message_delta",
          "{\"type\":\"message_delta\",\"delta\":{"
              + "\"stop_reason\":\""
              + stopReason
              + "\",\"stop_sequence\":null},\"usage\":"
              + deltaUsage
              + "}"
        });
    events.add(new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
    return events;
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
