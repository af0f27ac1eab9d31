package dev.oteltoolkit.examples;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.demo.Customer;
import dev.oteltoolkit.examples.demo.MetricsSummary;
import dev.oteltoolkit.examples.demo.RequestTotals;
import dev.oteltoolkit.examples.demo.SupportDesk;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: a small LLM-backed support desk in one JVM ({@link SupportDesk}: an HTTP gateway, an
 * agent calling a fake OpenAI-compatible LLM and a tool querying H2, a queue with a worker), which
 * answers four customer questions, one of them failing. It prints each request's trace trees, the
 * request's token and cost totals, and at the end a summary of the metrics.
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl otel-toolkit-examples -am test-compile exec:java}. It
 * prints to the console only; with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set (or {@code --otlp}) it
 * also exports over OTLP to that collector.
 */
public final class Demo {

  /** The questions the customer asks, in order; the third one fails in the refund tool. */
  public static final List<String> QUESTIONS =
      List.of(
          "Where is my order 1001?",
          "What are your opening hours? Write to me at jane.doe@example.com",
          "I want a refund for order 1002, it arrived broken.",
          "Where is my order 1003?");

  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args {@code --otlp} to export over OTLP even without {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * @throws Exception if the demo itself fails (telemetry never does)
   */
  public static void main(String[] args) throws Exception {
    boolean otlp =
        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
            || Arrays.asList(args).contains("--otlp");
    run(Telemetry.setup(), otlp);
  }

  /**
   * Runs the demo with the telemetry {@code setup} describes, to which it adds the service name,
   * the console trees, the exporter and reader it prints totals and metrics from, and OTLP when
   * asked. Prints to {@code System.out}.
   *
   * @param setup a telemetry builder, e.g. {@code Telemetry.setup()}, perhaps with exporters of its
   *     own
   * @param otlp whether to export over OTLP as well
   * @throws Exception if the demo itself fails (telemetry never does)
   */
  public static void run(TelemetryBuilder setup, boolean otlp) throws Exception {
    PrintStream out = System.out;
    RequestTotals totals = new RequestTotals();
    MetricsSummary metrics = new MetricsSummary();
    try (Telemetry telemetry =
            setup
                .serviceName("otel-toolkit-demo")
                .serviceVersion("0.1.0")
                .environment("local")
                .console()
                .otlp(otlp)
                .addSpanExporter(totals)
                .addMetricReader(metrics)
                .install();
        SupportDesk desk = SupportDesk.start(telemetry)) {
      out.println(
          "otel-toolkit demo: a support desk in one JVM, asked "
              + QUESTIONS.size()
              + " questions. For each request: its log lines, its trace trees (the customer's, the"
              + " gateway's, the worker's), the answer and the request's token and cost totals.");
      log.info("support desk up: gateway {}, LLM {}", desk.askUri(), desk.llmUri());
      Customer customer = new Customer(telemetry, desk.askUri());
      for (int i = 0; i < QUESTIONS.size(); i++) {
        String question = QUESTIONS.get(i);
        out.printf("%n== request %d of %d: \"%s\"%n", i + 1, QUESTIONS.size(), question);
        Customer.Reply reply = customer.ask(question);
        // let the worker finish and the console print this request's trees before going on
        desk.awaitTranscripts(WAIT);
        SpanData gateway = totals.await(reply.traceId(), telemetry, WAIT);
        out.println(reply);
        out.println(
            "request totals (oteltoolkit.gen_ai.total.* on the gateway's span): "
                + (gateway == null ? "not exported in time" : RequestTotals.describe(gateway)));
      }
      metrics.print(out);
      if (!otlp) {
        out.println(
            "\nTo see the same in a tracing backend, run it again with"
                + " OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 (or -Dexec.args=--otlp).");
      }
    }
  }
}
