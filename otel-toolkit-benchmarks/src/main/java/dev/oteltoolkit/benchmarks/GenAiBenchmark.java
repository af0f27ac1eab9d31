package dev.oteltoolkit.benchmarks;

import static dev.oteltoolkit.benchmarks.RecordingSdk.check;

import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.ModelPrice;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.api.ThrowingFunction;
import dev.oteltoolkit.api.instrumentation.InstrumentationScope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One chat call recorded by {@code otel-toolkit-ai} against the same telemetry written by hand on
 * the raw OpenTelemetry API ({@link RawGenAi}), through one sampled SDK (always-on sampler, spans
 * exported to an exporter that drops them, metrics aggregated and never collected); and the price
 * lookup and cost computation on their own.
 *
 * <p>The call: {@code chat("openai", "gpt-4o")}; the (preallocated) response says model {@code
 * gpt-4o-2024-08-06}, an id, finish reason {@code stop}, 1200 input and 300 output tokens. Ours is
 * {@code ai.chat(provider, model).call(span -> { ...; span.responseModel(..).responseId(..)
 * .finishReasons(..).usage(in, out); })}: start, the body with the span current, then at the end
 * the price lookup of the response model (a dated snapshot, found as {@code gpt-4o}), the exact
 * cost, the usage and cost attributes, the metrics and the span's end. Both sides record the same
 * span (name, kind, attributes, parent) and the same metrics ({@code
 * gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage} by token type, {@code
 * oteltoolkit.gen_ai.cost}, same attributes, units and buckets): {@link #setUp} runs both once on a
 * {@link RecordingSdk} and fails the fork on any difference.
 *
 * <p>Per-request totals: the toolkit also adds each call's tokens and cost to its request's local
 * root span ({@code oteltoolkit.gen_ai.total.*}) through core's {@code RequestAccumulator}: exact
 * {@code BigDecimal} sums under a lock, written onto the root as they change. A user of the raw API
 * has no such accumulator and cannot reasonably write one per call site, so the raw side does not
 * do it, and the toolkit is measured both with and without it:
 *
 * <ul>
 *   <li>{@code raw} / {@code genAi}: the call inside a request whose root span {@code Tracing}
 *       started and that stays open, the usual place of a model call. Ours pays for the totals
 *       (three attributes rewritten on the root per call); the raw side does less work. This is
 *       what a user of the toolkit pays, so it carries the goal.
 *   <li>{@code genAiWithoutTotals}: ours inside a request whose root has already ended, where the
 *       accumulator is inactive and no totals are written (a documented case: calls that end after
 *       their request are not counted): exactly the raw side's work. Compare with {@code raw} (the
 *       SDK does the same work for a child of an open or an ended parent). The difference between
 *       {@code genAi} and {@code genAiWithoutTotals} is the totals' price.
 *   <li>{@code rawNewTrace} / {@code genAiNewTrace}: the call with nothing current (a batch job, a
 *       script). The chat span is then its own local root: core attaches an accumulator to it
 *       lazily and ours writes the totals on the chat span itself. Informational, and expect a
 *       large ratio: core keeps lazily attached accumulators in a synchronized {@code WeakHashMap}
 *       keyed by the root span, so each call here adds an entry that lives until a collection has
 *       seen its span die, and at benchmark rates (one request per call) every young collection
 *       copies the entries of all calls since the previous one ({@code -prof gc}: about half the
 *       wall time in GC). That cost is core's lazy attach, per request root; a server whose
 *       requests make model calls pays it once per request.
 * </ul>
 *
 * <p>Price lookup and cost, which the chat path does once per call:
 *
 * <ul>
 *   <li>{@code priceLookup}: {@code PriceTable.defaults().find("gpt-4o-2024-08-06")}, a dated
 *       snapshot resolved to {@code gpt-4o} by removing the date stamp. Resolutions are cached, so
 *       after warm-up every name takes the same path and {@code gc.alloc.rate.norm} must be 0.
 *   <li>{@code priceLookupAndCost}: the lookup and {@code ModelPrice.cost(1200, 300, 0, 0, 0)},
 *       exact {@code BigDecimal} arithmetic, which allocates its intermediate decimals.
 *   <li>{@code rawCost}: the same cost written by hand with the same prices, no lookup (what the
 *       raw side computes).
 * </ul>
 *
 * <p>The model name is a field, not a constant, so the JIT cannot fold the lookup; its hash is
 * cached in the {@code String} as it would be for a name reused across calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class GenAiBenchmark {

  static final String PROVIDER = "openai";
  static final String MODEL = "gpt-4o";
  static final String RESPONSE_MODEL = "gpt-4o-2024-08-06";
  static final long INPUT_TOKENS = 1200;
  static final long OUTPUT_TOKENS = 300;

  private static final String AI_SCOPE = "dev.oteltoolkit.ai";
  private static final String SPAN_NAME = "chat " + MODEL;
  private static final AttributeKey<Double> TOTAL_COST =
      AttributeKey.doubleKey("oteltoolkit.gen_ai.total.cost");
  private static final AttributeKey<Long> TOTAL_INPUT =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.input_tokens");
  private static final AttributeKey<Long> TOTAL_OUTPUT =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.output_tokens");

  private OpenTelemetrySdk sdk;
  private Sides sides;
  private PriceTable prices;
  private String pricedModel;
  private BigDecimal inputPerMillion;
  private BigDecimal outputPerMillion;
  private long inputTokens;
  private long outputTokens;

  /**
   * Checks on a recording SDK that both sides record the same telemetry, then builds them on the
   * measured SDK.
   *
   * @param blackhole consumes what the model client returns
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    prices = PriceTable.defaults();
    pricedModel = RESPONSE_MODEL;
    ModelPrice price = prices.find(MODEL);
    inputPerMillion = price.input();
    outputPerMillion = price.output();
    inputTokens = INPUT_TOKENS;
    outputTokens = OUTPUT_TOKENS;
    check(prices.find(pricedModel) == price, RESPONSE_MODEL + " must be priced as " + MODEL);

    checkSameTelemetry(blackhole);

    sdk = BenchmarkSdk.create(Sampler.alwaysOn());
    sides = new Sides(sdk, blackhole);
  }

  /** Ends the open request root and shuts the SDK down. */
  @TearDown
  public void tearDown() {
    sides.close();
    sdk.close();
  }

  /**
   * Baseline: the chat call's span, cost and metrics written on the raw API, inside an open
   * request.
   *
   * @return the response text
   */
  @Benchmark
  public String raw() {
    try (Scope ignored = sides.requestContext.makeCurrent()) {
      return sides.raw.chat(sides.client);
    }
  }

  /**
   * {@code ai.chat(..).call(..)} inside an open request: the same telemetry plus the request's
   * totals on its root span.
   *
   * @return the response text
   */
  @Benchmark
  public String genAi() {
    try (Scope ignored = sides.requestContext.makeCurrent()) {
      return sides.ai.chat(PROVIDER, MODEL).call(sides.body);
    }
  }

  /**
   * {@code ai.chat(..).call(..)} in a request that has ended: no totals, the raw side's work.
   *
   * @return the response text
   */
  @Benchmark
  public String genAiWithoutTotals() {
    try (Scope ignored = sides.endedRequestContext.makeCurrent()) {
      return sides.ai.chat(PROVIDER, MODEL).call(sides.body);
    }
  }

  /**
   * Baseline in a new trace: the raw chat call with nothing current.
   *
   * @return the response text
   */
  @Benchmark
  public String rawNewTrace() {
    return sides.raw.chat(sides.client);
  }

  /**
   * {@code ai.chat(..).call(..)} in a new trace: the chat span is its own request root, core
   * attaches an accumulator to it lazily and the totals are written on the chat span itself.
   *
   * @return the response text
   */
  @Benchmark
  public String genAiNewTrace() {
    return sides.ai.chat(PROVIDER, MODEL).call(sides.body);
  }

  /**
   * The price lookup of a dated snapshot name.
   *
   * @return the price found
   */
  @Benchmark
  public ModelPrice priceLookup() {
    return prices.find(pricedModel);
  }

  /**
   * The price lookup of a dated snapshot name and the exact cost of one call.
   *
   * @return the cost
   */
  @Benchmark
  public BigDecimal priceLookupAndCost() {
    return prices.find(pricedModel).cost(inputTokens, outputTokens, 0, 0, 0);
  }

  /**
   * The cost of one call written by hand with the same prices, without a lookup.
   *
   * @return the cost
   */
  @Benchmark
  public BigDecimal rawCost() {
    return inputPerMillion
        .multiply(BigDecimal.valueOf(inputTokens))
        .add(outputPerMillion.multiply(BigDecimal.valueOf(outputTokens)))
        .movePointLeft(6);
  }

  /** Runs every measured chat path once on a recording SDK and compares what they recorded. */
  private static void checkSameTelemetry(Blackhole blackhole) {
    try (RecordingSdk recording = new RecordingSdk(Sampler.alwaysOn())) {
      Sides check = new Sides(recording.sdk(), blackhole);
      String expectedText = check.client.get().text();
      try (Scope ignored = check.requestContext.makeCurrent()) {
        check(check.raw.chat(check.client).equals(expectedText), "raw returned another text");
        check(
            check.ai.chat(PROVIDER, MODEL).call(check.body).equals(expectedText),
            "genAi returned another text");
      }
      check.close(); // ends the request root: its totals are exported with it
      SpanData root = recording.span(InstrumentationScope.CORE.name(), "GET /chat");
      SpanData ours = recording.span(AI_SCOPE, SPAN_NAME);
      SpanData raw = recording.span(RawGenAi.SCOPE, SPAN_NAME);
      RecordingSdk.requireSameSpan(ours, raw, true);
      check(
          ours.getParentSpanId().equals(root.getSpanId()), "the chat span is not the root's child");
      Double cost = raw.getAttributes().get(RawGenAi.COST);
      check(cost != null && cost == 0.006, "raw gen_ai.usage.cost is " + cost + ", not 0.006");
      check(
          raw.getAttributes().get(RawGenAi.RESPONSE_MODEL).equals(RESPONSE_MODEL)
              && raw.getAttributes().get(RawGenAi.INPUT_TOKENS) == INPUT_TOKENS,
          "raw span misses its response attributes: " + raw);
      // the totals, on our side only
      check(
          cost.equals(root.getAttributes().get(TOTAL_COST))
              && Long.valueOf(INPUT_TOKENS).equals(root.getAttributes().get(TOTAL_INPUT))
              && Long.valueOf(OUTPUT_TOKENS).equals(root.getAttributes().get(TOTAL_OUTPUT)),
          "the request root misses the totals of one call: " + root);
      RecordingSdk.requireSameMetrics(
          recording.metrics(AI_SCOPE),
          recording.metrics(RawGenAi.SCOPE),
          Collections.singleton("gen_ai.client.operation.duration"));

      // without totals: a request that has ended
      try (Scope ignored = check.endedRequestContext.makeCurrent()) {
        check.ai.chat(PROVIDER, MODEL).call(check.body);
      }
      List<SpanData> chats =
          recording.spans().stream()
              .filter(s -> s.getInstrumentationScopeInfo().getName().equals(AI_SCOPE))
              .collect(java.util.stream.Collectors.toList());
      check(chats.size() == 2, "genAiWithoutTotals exported no span: " + chats);
      RecordingSdk.requireSameSpan(chats.get(1), raw, false);
      check(
          chats.get(1).getParentSpanId().equals(check.endedRoot.getSpanContext().getSpanId()),
          "the chat span without totals is not the ended root's child");

      // a new trace: the chat span is the root and carries its own totals
      check.ai.chat(PROVIDER, MODEL).call(check.body);
      check.raw.chat(check.client);
      List<SpanData> roots =
          recording.spans().stream()
              .filter(s -> s.getName().equals(SPAN_NAME) && !s.getParentSpanContext().isValid())
              .collect(java.util.stream.Collectors.toList());
      check(roots.size() == 2, "the new-trace paths did not export two root spans: " + roots);
      SpanData oursRoot = roots.get(0);
      SpanData rawRoot = roots.get(1);
      check(
          oursRoot.getInstrumentationScopeInfo().getName().equals(AI_SCOPE)
              && rawRoot.getInstrumentationScopeInfo().getName().equals(RawGenAi.SCOPE),
          "unexpected new-trace spans: " + roots);
      check(
          cost.equals(oursRoot.getAttributes().get(TOTAL_COST))
              && Long.valueOf(INPUT_TOKENS).equals(oursRoot.getAttributes().get(TOTAL_INPUT)),
          "the new-trace chat span misses its own totals: " + oursRoot);
      RecordingSdk.requireSameSpan(
          oursRoot, rawRoot, true, Arrays.asList(TOTAL_COST, TOTAL_INPUT, TOTAL_OUTPUT));
    }
  }

  /** A model response: what a client library hands back. */
  record ChatResponse(
      String model,
      String id,
      List<String> finishReasons,
      long inputTokens,
      long outputTokens,
      String text) {}

  /** Both sides, the model client and the request contexts, on one SDK. */
  private static final class Sides {
    final GenAiTelemetry ai;
    final RawGenAi raw;
    final Supplier<ChatResponse> client;
    final ThrowingFunction<GenAiSpan, String, RuntimeException> body;
    final Context requestContext;
    final Span endedRoot;
    final Context endedRequestContext;
    private final CompletableFuture<Void> requestPending = new CompletableFuture<>();

    Sides(OpenTelemetry openTelemetry, Blackhole blackhole) {
      PriceTable prices = PriceTable.defaults();
      ModelPrice price = prices.find(MODEL);
      ai = GenAiTelemetry.create(openTelemetry);
      raw = new RawGenAi(openTelemetry, PROVIDER, MODEL, price.input(), price.output());
      ChatResponse response =
          new ChatResponse(
              RESPONSE_MODEL,
              "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
              Collections.unmodifiableList(Arrays.asList("stop")),
              INPUT_TOKENS,
              OUTPUT_TOKENS,
              "OpenTelemetry is an observability framework.");
      client =
          () -> {
            blackhole.consume(response);
            return response;
          };
      body =
          span -> {
            ChatResponse r = client.get();
            span.responseModel(r.model())
                .responseId(r.id())
                .finishReasons(r.finishReasons())
                .usage(r.inputTokens(), r.outputTokens());
            return r.text();
          };

      // a request root the toolkit started, open while the benchmark runs
      requestContext = ModelCallFixture.openRequestRoot(openTelemetry, "GET /chat", requestPending);

      // a request root that has ended: the toolkit's accumulator is inactive below it
      endedRoot =
          openTelemetry
              .getTracer("dev.oteltoolkit.benchmarks.server")
              .spanBuilder("GET /chat")
              .setNoParent()
              .startSpan();
      endedRoot.end();
      endedRequestContext = Context.root().with(endedRoot);
    }

    void close() {
      requestPending.complete(null);
    }
  }
}
