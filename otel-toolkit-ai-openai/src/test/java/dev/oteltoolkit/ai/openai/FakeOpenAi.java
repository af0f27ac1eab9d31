package dev.oteltoolkit.ai.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-process server speaking OpenAI's wire format (JSON bodies, SSE streams ending in {@code
 * data: [DONE]}, error bodies) on the loopback interface, answering each request with the next
 * scripted reply and remembering every request it saw.
 */
final class FakeOpenAi implements AutoCloseable {

  /** One request as the server saw it. */
  record Request(String method, String path, String body) {}

  /** One scripted reply. */
  interface Reply {
    void send(HttpExchange exchange) throws IOException, InterruptedException;
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "fake-openai");
            thread.setDaemon(true);
            return thread;
          });

  /** Released on close, so that replies waiting on it end. */
  private final CountDownLatch closing = new CountDownLatch(1);

  private final HttpServer server;

  FakeOpenAi() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Answers the next request with {@code status} and a JSON body. */
  FakeOpenAi json(int status, String body) {
    return reply(exchange -> send(exchange, status, "application/json", body));
  }

  /** Answers the next request with {@code status}, a JSON body and one more header. */
  FakeOpenAi json(int status, String body, String header, String value) {
    return reply(
        exchange -> {
          exchange.getResponseHeaders().add(header, value);
          send(exchange, status, "application/json", body);
        });
  }

  /** Answers the next request with an SSE stream: each JSON as a {@code data:} event, then DONE. */
  FakeOpenAi sse(String... data) {
    return sse(null, data);
  }

  /**
   * Answers the next request with an SSE stream whose first event waits until {@code firstByte} is
   * released (or the server closes).
   */
  FakeOpenAi sse(CountDownLatch firstByte, String... data) {
    return reply(
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.flush();
            for (int i = 0; i < data.length; i++) {
              if (i == 0 && firstByte != null) {
                waitFor(firstByte);
              }
              String event = data[i];
              String type = typeOf(event);
              String frame =
                  (type != null ? "event: " + type + "\n" : "") + "data: " + event + "\n\n";
              out.write(frame.getBytes(StandardCharsets.UTF_8));
              out.flush();
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
          }
        });
  }

  /** Answers the next request only once {@code release} is released (or the server closes). */
  FakeOpenAi hang(CountDownLatch release, String body) {
    return reply(
        exchange -> {
          waitFor(release);
          send(exchange, 200, "application/json", body);
        });
  }

  FakeOpenAi reply(Reply reply) {
    replies.add(reply);
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body));
    Reply reply = replies.poll();
    try {
      if (reply == null) {
        send(exchange, 500, "application/json", Wire.error("no reply scripted", "server_error"));
      } else {
        reply.send(exchange);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away (timeouts, closed streams): nothing to answer
    } finally {
      exchange.close();
    }
  }

  private void waitFor(CountDownLatch latch) throws InterruptedException {
    while (latch.getCount() > 0 && closing.getCount() > 0) {
      latch.await(50, TimeUnit.MILLISECONDS);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The {@code "type"} of a Responses API event, used as its SSE event name; null for chat. */
  private static String typeOf(String json) {
    String marker = "{\"type\":\"";
    if (!json.startsWith(marker)) {
      return null;
    }
    return json.substring(marker.length(), json.indexOf('"', marker.length()));
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
