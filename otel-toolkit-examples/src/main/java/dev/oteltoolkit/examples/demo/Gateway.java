package dev.oteltoolkit.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.examples.scaffold.Threads;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.javahttpserver.JavaHttpServerTelemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of the support desk: {@code POST /ask} with a question as the body answers with
 * the agent's text (or 500), and publishes the transcript for the worker. The official JDK {@code
 * HttpServer} instrumentation makes each request a SERVER span that continues the caller's trace.
 */
final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");

  private final HttpServer server;
  private final ExecutorService executor;
  private final Tracing tracing;
  private final SupportAgent agent;
  private final TranscriptQueue transcripts;

  private Gateway(
      HttpServer server,
      ExecutorService executor,
      Tracing tracing,
      SupportAgent agent,
      TranscriptQueue transcripts) {
    this.server = server;
    this.executor = executor;
    this.tracing = tracing;
    this.agent = agent;
    this.transcripts = transcripts;
  }

  /** Starts the gateway on an ephemeral loopback port. */
  static Gateway start(
      OpenTelemetry openTelemetry, Tracing tracing, SupportAgent agent, TranscriptQueue transcripts)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor = Executors.newFixedThreadPool(2, Threads.daemon("gateway"));
    server.setExecutor(executor);
    Gateway gateway = new Gateway(server, executor, tracing, agent, transcripts);
    // one line instruments the route: a SERVER span per request, the caller's trace continued
    JavaHttpServerTelemetry.create(openTelemetry)
        .configure(server.createContext("/ask", gateway::handle));
    server.start();
    return gateway;
  }

  /** The URL customers post their questions to. */
  URI askUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ask");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String question =
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      log.info("question received ({} characters)", question.length());
      // a step of our own: traced() gives it a span and RED metrics
      String redacted =
          tracing.traced("redact-pii", () -> EMAIL.matcher(question).replaceAll("[email]"));
      int status;
      String body;
      try {
        body = agent.answer(redacted);
        transcripts.publish(redacted, body);
        status = 200;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.error("could not answer: {}", e.toString());
        status = 500;
        body = "Sorry, something went wrong on our side.";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
