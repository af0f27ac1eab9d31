package dev.oteltoolkit.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the benchmarks of one model call through a vendor SDK share ({@link OpenAiBenchmark}, {@link
 * AnthropicBenchmark}): an in-process server on the loopback interface that answers every request
 * with one fixed JSON body (one server thread), the sampled {@link BenchmarkSdk} (always-on), and
 * an open request root started by {@code Tracing} whose context each call runs in. {@link #close}
 * ends the request and stops the server and the SDK.
 */
final class ModelCallFixture implements AutoCloseable {

  final OpenTelemetrySdk sdk;

  /** The open request root: each benchmarked call runs with it current. */
  final Context requestContext;

  private final HttpServer server;
  private final ExecutorService serverThreads;
  private final CompletableFuture<Void> requestPending = new CompletableFuture<>();

  /**
   * Starts the server answering {@code responseJson}, the SDK and the request root.
   *
   * @param responseJson the body of every answer ({@code application/json}, status 200)
   * @throws IOException if the server cannot bind
   */
  ModelCallFixture(String responseJson) throws IOException {
    byte[] body = responseJson.getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    serverThreads = Executors.newFixedThreadPool(1);
    server.setExecutor(serverThreads);
    server.start();

    sdk = BenchmarkSdk.create(Sampler.alwaysOn());

    requestContext = openRequestRoot(sdk, "POST /ask", requestPending);
  }

  /**
   * Starts a request root through {@code Tracing} that stays open until {@code pending} completes,
   * as a server's request span is while the benchmarked call runs inside it.
   *
   * @return the context in which the root is current
   */
  static Context openRequestRoot(
      OpenTelemetry openTelemetry, String name, CompletableFuture<Void> pending) {
    Context[] captured = new Context[1];
    Tracing.create(openTelemetry)
        .span(name)
        .parent(Context.root())
        .callAsync(
            () -> {
              captured[0] = Context.current();
              return pending;
            });
    return captured[0];
  }

  /** The server's base URL without a path: {@code http://127.0.0.1:port}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A proxy of {@code type} answering through {@code handler}: the stub clients' parts. */
  static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            ModelCallFixture.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  /** Ends the request root, then stops the server and closes the SDK. */
  @Override
  public void close() {
    requestPending.complete(null);
    server.stop(0);
    serverThreads.shutdownNow();
    sdk.close();
  }
}
