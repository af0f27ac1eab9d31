package dev.oteltoolkit.examples.demo;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.javahttpclient.JavaHttpClientTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The other side of the support desk: a client (a web front end, say) that posts questions to the
 * gateway. Each question is a traced {@code ask-support} operation whose HTTP call carries the
 * trace to the gateway in its {@code traceparent} header.
 */
public final class Customer {

  /** The name of the operation each question is traced as. */
  public static final String OPERATION = "ask-support";

  // generous: the first question also pays for loading the OpenAI SDK in the gateway's JVM
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Tracing tracing;
  private final HttpClient http;
  private final URI gateway;

  /**
   * Creates a customer of the gateway at {@code gateway}.
   *
   * @param telemetry the telemetry the customer's side records with
   * @param gateway the URL of the gateway's {@code POST /ask}
   */
  public Customer(Telemetry telemetry, URI gateway) {
    this.tracing = telemetry.tracing();
    this.http =
        JavaHttpClientTelemetry.create(telemetry.openTelemetry())
            .newHttpClient(HttpClient.newHttpClient());
    this.gateway = Objects.requireNonNull(gateway, "gateway");
  }

  /**
   * Asks a question and waits for the answer.
   *
   * @param question the question
   * @return the answer, or the failure, with the trace id of the request
   * @throws InterruptedException if interrupted while waiting for the answer
   */
  public Reply ask(String question) throws InterruptedException {
    AtomicReference<String> traceId = new AtomicReference<>();
    try {
      String answer =
          tracing.traced(
              OPERATION,
              () -> {
                traceId.set(Span.current().getSpanContext().getTraceId());
                HttpResponse<String> response =
                    http.send(
                        HttpRequest.newBuilder(gateway)
                            .timeout(TIMEOUT)
                            .POST(HttpRequest.BodyPublishers.ofString(question))
                            .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() != 200) {
                  throw new IOException("the support desk answered HTTP " + response.statusCode());
                }
                return response.body();
              });
      return new Reply(traceId.get(), true, answer);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // an error status or no connection: the ask-support span recorded it as an ERROR
      return new Reply(traceId.get(), false, e.getMessage());
    }
  }

  /** What came back for a question. */
  public static final class Reply {

    private final String traceId;
    private final boolean answered;
    private final String text;

    Reply(String traceId, boolean answered, String text) {
      this.traceId = traceId;
      this.answered = answered;
      this.text = text;
    }

    /**
     * Returns the id of the request's trace.
     *
     * @return 32 hex digits
     */
    public String traceId() {
      return traceId;
    }

    /**
     * Returns whether the support desk answered (HTTP 200).
     *
     * @return true for an answer, false for a failure
     */
    public boolean answered() {
      return answered;
    }

    /**
     * Returns the answer, or what went wrong.
     *
     * @return the text
     */
    public String text() {
      return text;
    }

    @Override
    public String toString() {
      return (answered ? "answer: " : "failed: ") + text;
    }
  }
}
