package dev.oteltoolkit.examples;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The demo: a few nested traced operations of an order service, one of which fails and is
 * handled by a retry, printed as a trace tree on the console.
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl otel-toolkit-examples -am compile exec:java}. It
 * prints to the console only; with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set (or {@code --otlp})
 * it also exports over OTLP to that collector.
 */
public final class Demo {

  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args {@code --otlp} to export over OTLP even without {@code
   *     OTEL_EXPORTER_OTLP_ENDPOINT}
   * @throws Exception if the demo itself fails (telemetry never does)
   */
  public static void main(String[] args) throws Exception {
    boolean otlp =
        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
            || Arrays.asList(args).contains("--otlp");
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceName("otel-toolkit-demo")
            .serviceVersion("0.1.0")
            .environment("local")
            .console()
            .otlp(otlp)
            .install()) {
      run(telemetry.tracing());
    }
  }

  /**
   * Handles two orders with {@code tracing}: each a trace of nested operations, the first with a
   * card charge that fails once and is retried.
   *
   * @param tracing where to record
   * @throws Exception if the demo itself fails
   */
  public static void run(Tracing tracing) throws Exception {
    ExecutorService mailer = Context.taskWrapping(Executors.newSingleThreadExecutor());
    try {
      handleOrder(tracing, mailer, "order-1001", true);
      handleOrder(tracing, mailer, "order-1002", false);
    } finally {
      mailer.shutdown();
      mailer.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void handleOrder(
      Tracing tracing, ExecutorService mailer, String orderId, boolean flakyCard)
      throws Exception {
    tracing
        .span("handle-order")
        .kind(SpanKind.SERVER)
        .attribute("order.id", orderId)
        .run(
            () -> {
              tracing.traced("validate-order", () -> work(2));
              String customer =
                  tracing
                      .span("load-customer")
                      .kind(SpanKind.CLIENT)
                      .attribute("server.address", "customers.internal")
                      .call(() -> work(8, "customer-7"));
              String receipt = chargeWithRetry(tracing, customer, flakyCard);
              tracing
                  .tracedAsync(
                      "send-confirmation",
                      () -> CompletableFuture.supplyAsync(() -> work(5, receipt), mailer))
                  .get(5, TimeUnit.SECONDS);
            });
  }

  private static String chargeWithRetry(Tracing tracing, String customer, boolean flaky) {
    for (int attempt = 1; ; attempt++) {
      int current = attempt;
      try {
        return tracing
            .span("charge-card")
            .kind(SpanKind.CLIENT)
            .attribute("payment.attempt", current)
            .call(
                () -> {
                  String result = work(12, "receipt-for-" + customer);
                  if (flaky && current == 1) {
                    throw new IOException("card network timeout");
                  }
                  return result;
                });
      } catch (IOException e) {
        // handled: the failed attempt stays in the trace as an error span, the order goes on
        Span.current().addEvent("retrying charge after: " + e.getMessage());
      }
    }
  }

  private static void work(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(millis);
  }

  private static String work(long millis, String result) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return result;
  }
}
