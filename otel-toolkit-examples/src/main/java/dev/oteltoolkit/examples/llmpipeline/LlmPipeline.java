package dev.oteltoolkit.examples.llmpipeline;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.ai.openai.OpenAiTelemetry;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.examples.demo.MetricsSummary;
import dev.oteltoolkit.examples.scaffold.FakeChatServer;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Scenario: an LLM pipeline with cost. Each support ticket goes through summarise → classify →
 * draft reply; each stage hands its work to an agent calling a model of another provider (OpenAI,
 * Mistral, Anthropic, Google) behind one OpenAI-compatible gateway (a local fake), through the
 * official OpenAI Java SDK. The client is wrapped once by otel-toolkit-ai-openai: every model call
 * records its tokens and its cost in USD from the shipped price table with no code of ours, and the
 * request's totals land on its root span ({@code oteltoolkit.gen_ai.total.*}). As the GenAI
 * conventions say of OpenAI-compatible endpoints, {@code gen_ai.provider.name} is {@code openai}
 * (the client's protocol); the model names tell the providers apart.
 *
 * <p>Sampling is parent-based at 10%: about one ticket in ten is traced, whole, with exact totals
 * on its root, and tickets of priority customers always are ({@code forceSample()}). The token and
 * cost metrics count every ticket, sampled or not, so the cost by model is exact.
 *
 * <p>The pipeline's export requirement (under 100 ms from a span's end to the collector, with the
 * default settings) is not timed here: the whole-pipeline benchmark {@code
 * dev.oteltoolkit.benchmarks.pipeline.ExportLatency} measures it (p95 from span end to receipt at
 * an OTLP receiver, grpc and http/protobuf), reported in docs/BENCHMARKS.md under "Export latency:
 * span end to receipt at the collector".
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl otel-toolkit-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.oteltoolkit.examples.llmpipeline.LlmPipeline}. It prints the sampled trace
 * trees to the console; with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set (or {@code --otlp}) it also
 * exports over OTLP.
 */
public final class LlmPipeline {

  /** The tickets {@link #main} handles: twenty, the first from a priority customer. */
  public static final List<String> TICKETS = tickets(20);

  private static final double SAMPLING_RATIO = 0.1;

  private LlmPipeline() {}

  /**
   * Runs the scenario.
   *
   * @param args {@code --otlp} to export over OTLP even without {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static void main(String[] args) throws Exception {
    boolean otlp =
        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
            || Arrays.asList(args).contains("--otlp");
    PrintStream out = System.out;
    MetricsSummary metrics = new MetricsSummary();
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceName("llm-pipeline")
            .serviceVersion("0.1.0")
            .environment("local")
            .samplingRatio(SAMPLING_RATIO)
            .console()
            .otlp(otlp)
            .addMetricReader(metrics)
            .build()) {
      out.println(
          "otel-toolkit scenario: an LLM pipeline (summarise → classify → draft reply) over four"
              + " providers, "
              + TICKETS.size()
              + " tickets, "
              + (int) (SAMPLING_RATIO * 100)
              + "% of them traced (priority tickets always). Trees of the sampled ones follow.");
      List<PipelineResult> results = run(telemetry, TICKETS, out);
      telemetry.forceFlush();
      long sampled = results.stream().filter(PipelineResult::sampled).count();
      BigDecimal cost =
          results.stream().map(PipelineResult::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
      out.printf(
          Locale.ROOT,
          "%n%d tickets, %d traced; all of them cost $%s (exact, from the price table %s)%n",
          results.size(),
          sampled,
          cost.toPlainString(),
          PriceTable.defaults().date());
      metrics.print(out);
      out.println(
          "(the metrics count every ticket, traced or not: the cost by model adds up to the"
              + " total above)");
    }
  }

  /**
   * Handles {@code tickets} one after the other with the telemetry given, printing one line per
   * ticket to {@code out}: whether it was traced, its category, tokens and cost. Starts and stops
   * the fake LLM gateway; the telemetry stays open.
   *
   * @param telemetry the telemetry to record with
   * @param tickets the tickets' texts; those starting with {@code [priority]} are always traced
   * @param out where to print
   * @return what the pipeline did with each ticket, in order
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static List<PipelineResult> run(Telemetry telemetry, List<String> tickets, PrintStream out)
      throws Exception {
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(tickets, "tickets");
    Objects.requireNonNull(out, "out");
    GenAiTelemetry ai =
        GenAiTelemetry.builder(telemetry.openTelemetry()).priceTable(PriceTable.defaults()).build();
    List<PipelineResult> results = new ArrayList<>();
    try (FakeChatServer gateway = FakeLlmGateway.start()) {
      // the official OpenAI SDK, wrapped once: every call a chat span with its tokens and cost
      OpenAIClient client =
          OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-fake").build();
      OpenAIClient openAi = OpenAiTelemetry.create(ai).wrap(client);
      try {
        handle(new TicketPipeline(telemetry.tracing(), ai, openAi), tickets, results, out);
      } finally {
        openAi.close();
      }
    }
    return results;
  }

  private static void handle(
      TicketPipeline pipeline, List<String> tickets, List<PipelineResult> results, PrintStream out)
      throws Exception {
    for (int i = 0; i < tickets.size(); i++) {
      PipelineResult result = pipeline.handle(i + 1, tickets.get(i));
      results.add(result);
      out.printf(
          Locale.ROOT,
          "ticket %2d %-11s %-13s %d model calls, %d input + %d output tokens, $%s%n",
          result.ticketId(),
          result.sampled() ? "[traced]" : "[unsampled]",
          result.category(),
          result.modelCalls(),
          result.inputTokens(),
          result.outputTokens(),
          result.cost().toPlainString());
    }
  }

  /**
   * Returns {@code count} tickets, varied, the first from a priority customer.
   *
   * @param count how many
   * @return the tickets' texts
   */
  public static List<String> tickets(int count) {
    String[] kinds = {
      "I was charged twice for order %d, please refund the second payment.",
      "The lamp from order %d arrived broken, the glass is in pieces.",
      "Can I change the delivery address of order %d? I am moving next week.",
      "Order %d: the \"large\" size is too small, what are my options?",
    };
    List<String> tickets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String text = String.format(Locale.ROOT, kinds[i % kinds.length], 1001 + i);
      tickets.add(i == 0 ? TicketPipeline.PRIORITY + " " + text : text);
    }
    return List.copyOf(tickets);
  }
}
