package dev.oteltoolkit.examples.multiservice;

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
import java.util.concurrent.atomic.AtomicReference;

/**
 * The "scanner" service: a warehouse hand-scanner backend that sends each scan to the inventory
 * server. Each scan is a traced {@value #OPERATION} operation (its own {@link Telemetry}, its own
 * service name) whose HTTP call, through the official JDK {@code HttpClient} instrumentation, is a
 * CLIENT span carrying the trace to the server in its {@code traceparent} header.
 */
final class Scanner {

  /** The name of the operation each scan is traced as. */
  static final String OPERATION = "scan";

  private final Tracing tracing;
  private final HttpClient http;
  private final URI server;

  Scanner(Telemetry telemetry, URI server) {
    this.tracing = telemetry.tracing();
    this.http =
        JavaHttpClientTelemetry.create(telemetry.openTelemetry())
            .newHttpClient(HttpClient.newHttpClient());
    this.server = server;
  }

  /**
   * Sends one scan and waits for the server's answer.
   *
   * @return the answer or the failure, with the trace id of the request
   */
  Reply send(Scan scan) throws InterruptedException {
    AtomicReference<String> traceId = new AtomicReference<>();
    try {
      String answer =
          tracing.traced(
              OPERATION,
              () -> {
                traceId.set(Span.current().getSpanContext().getTraceId());
                HttpResponse<String> response =
                    http.send(
                        HttpRequest.newBuilder(server)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(scan.form()))
                            .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() != 200) {
                  throw new IOException(
                      "HTTP " + response.statusCode() + " from the server: " + response.body());
                }
                return response.body();
              });
      return new Reply(traceId.get(), true, answer);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // the scan span recorded it as an ERROR
      return new Reply(traceId.get(), false, e.getMessage());
    }
  }

  /** One scan: an item, how many, and whether the server should recount its stock (slow). */
  record Scan(String sku, int quantity, boolean recount) {

    String form() {
      return "sku=" + sku + "&quantity=" + quantity + (recount ? "&recount=true" : "");
    }

    @Override
    public String toString() {
      return sku + " x" + quantity + (recount ? " with recount" : "");
    }
  }

  /** What came back for a scan. */
  record Reply(String traceId, boolean ok, String text) {}
}
