package dev.oteltoolkit.benchmarks.pipeline;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fake OpenAI endpoint on loopback for the stack comparison: every {@code POST
 * /v1/chat/completions} is answered at once with one fixed chat completion (1200 prompt tokens, 300
 * completion tokens, finish reason {@code stop}), whatever it asked. It runs in the driver's JVM,
 * so what it costs is never counted as the service's CPU or allocation; {@code
 * sun.net.httpserver.nodelay} must be set before it starts ({@link
 * PipelineEnvironment#serverDefaults()}), or delayed ACKs hold each answer for ~40 ms.
 */
final class FakeOpenAiServer implements AutoCloseable {

  /** The model the service asks for. */
  static final String MODEL = "gpt-4o";

  /** The model the answer names. */
  static final String RESPONSE_MODEL = "gpt-4o-2024-08-06";

  static final String COMPLETION =
      "{\"id\":\"chatcmpl-stack\",\"object\":\"chat.completion\",\"created\":1731000000,"
          + "\"model\":\""
          + RESPONSE_MODEL
          + "\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"The order is on its way.\",\"refusal\":null},"
          + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1200,"
          + "\"completion_tokens\":300,\"total_tokens\":1500}}";

  private final HttpServer server;
  private final ExecutorService threads;
  private final LongAdder answered = new LongAdder();

  private FakeOpenAiServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Starts the server on a free loopback port with two handler threads. */
  static FakeOpenAiServer start() {
    byte[] body = COMPLETION.getBytes(StandardCharsets.UTF_8);
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
      AtomicInteger count = new AtomicInteger();
      ExecutorService threads =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread thread = new Thread(r, "fake-openai-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      FakeOpenAiServer fake = new FakeOpenAiServer(server, threads);
      server.createContext(
          "/v1/chat/completions",
          exchange -> {
            try (exchange) {
              exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
              fake.answered.increment();
            }
          });
      server.setExecutor(threads);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake OpenAI server", e);
    }
  }

  /** The base URL an OpenAI client is given ({@code http://127.0.0.1:PORT/v1}). */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Completions answered so far. */
  long answered() {
    return answered.sum();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
