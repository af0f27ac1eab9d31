package dev.oteltoolkit.api;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestAccumulatorTest {

  private static final AttributeKey<Double> COST = AttributeKey.doubleKey("test.total.cost");
  private static final AttributeKey<Long> TOKENS = AttributeKey.longKey("test.total.tokens");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk = sdk(Sampler.alwaysOn());

  private OpenTelemetrySdk sdk(Sampler sampler) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build())
        .build();
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @Test
  void concurrentAdditionsFromChildSpansAreExactOnTheRoot() throws Exception {
    Tracing tracing = Tracing.create(sdk);
    ExecutorService pool = Context.taskWrapping(Executors.newFixedThreadPool(4));
    BigDecimal price = new BigDecimal("0.000123");
    int calls = 2000;
    try {
      tracing.traced(
          "request",
          () -> {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
              futures.add(
                  pool.submit(
                      () ->
                          tracing.traced(
                              "llm-call",
                              () -> {
                                RequestAccumulator totals = RequestAccumulator.current();
                                totals.addDecimal(COST, price);
                                totals.addLong(TOKENS, 3);
                              })));
            }
            for (Future<?> future : futures) {
              future.get();
            }
            RequestAccumulator totals = RequestAccumulator.current();
            assertThat(totals.decimalTotal(COST))
                .isEqualByComparingTo(price.multiply(BigDecimal.valueOf(calls)));
            assertThat(totals.longTotal(TOKENS)).isEqualTo(3L * calls);
            return null;
          });
    } finally {
      pool.shutdownNow();
    }

    SpanData root =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("request"))
            .findFirst()
            .orElseThrow();
    // 2000 * 0.000123 = 0.246 exactly; a double sum of 0.000123 would drift
    assertThat(root.getAttributes().get(COST)).isEqualTo(0.246);
    assertThat(root.getAttributes().get(TOKENS)).isEqualTo(6000L);
    spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("llm-call"))
        .forEach(child -> assertThat(child.getAttributes().get(COST)).isNull());
  }

  @Test
  void additionsAfterTheRootEndedAreNotCounted() throws Exception {
    Tracing tracing = Tracing.create(sdk);
    CountDownLatch rootEnded = new CountDownLatch(1);
    RequestAccumulator[] captured = new RequestAccumulator[1];
    tracing.traced(
        "request",
        () -> {
          captured[0] = RequestAccumulator.current();
          captured[0].addLong(TOKENS, 10);
        });
    rootEnded.countDown();
    RequestAccumulator late = captured[0];
    assertThat(late.isActive()).isFalse();
    assertThat(late.addLong(TOKENS, 5)).isEqualTo(10);
    assertThat(late.longTotal(TOKENS)).isEqualTo(10);
    assertThat(spans.getFinishedSpanItems().get(0).getAttributes().get(TOKENS)).isEqualTo(10L);
  }

  @Test
  void totalsAreKeptForUnsampledRequests() {
    sdk.close();
    sdk = sdk(Sampler.alwaysOff());
    Tracing tracing = Tracing.create(sdk);
    long total =
        tracing.traced(
            "request",
            () -> {
              RequestAccumulator.current().addLong(TOKENS, 7);
              return tracing.traced("child", () -> RequestAccumulator.current().addLong(TOKENS, 8));
            });
    assertThat(total).isEqualTo(15);
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void attachesLazilyToALocalRootStartedByOtherCode() {
    Span root = sdk.getTracer("other").spanBuilder("server-request").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      RequestAccumulator first = RequestAccumulator.current();
      assertThat(first.isActive()).isTrue();
      first.addLong(TOKENS, 4);
      // a child started by Tracing finds the same accumulator through the root
      Tracing.create(sdk)
          .traced("child", () -> assertThat(RequestAccumulator.current()).isSameAs(first));
      assertThat(RequestAccumulator.current().addLong(TOKENS, 1)).isEqualTo(5);
    } finally {
      root.end();
    }
    assertThat(spans.getFinishedSpanItems().get(1).getAttributes().get(TOKENS)).isEqualTo(5L);
  }

  @Test
  void startRequestCarriesTheTotalsInTheContextOfARootTheCallerStarted() {
    Span root = sdk.getTracer("module").spanBuilder("invoke_agent planner").startSpan();
    Context context = RequestAccumulator.startRequest(Context.root().with(root));
    RequestAccumulator totals = RequestAccumulator.fromContext(context);
    assertThat(totals.isActive()).isTrue();
    assertThat(totals.rootSpan()).isSameAs(root);
    // started twice, or asked again: the same request
    assertThat(RequestAccumulator.startRequest(context)).isSameAs(context);
    assertThat(RequestAccumulator.fromContext(context)).isSameAs(totals);
    totals.addLong(TOKENS, 4);
    try (Scope ignored = context.makeCurrent()) {
      // a traced child and a context derived from it find the same totals
      Tracing.create(sdk)
          .traced(
              "tool",
              () -> {
                assertThat(RequestAccumulator.current()).isSameAs(totals);
                RequestAccumulator.current().addLong(TOKENS, 1);
              });
    } finally {
      root.end();
    }
    assertThat(totals.isActive()).isFalse();
    assertThat(totals.addLong(TOKENS, 100)).isEqualTo(5);
    SpanData exported =
        spans.getFinishedSpanItems().stream()
            .filter(span -> span.getName().equals("invoke_agent planner"))
            .findFirst()
            .orElseThrow();
    assertThat(exported.getAttributes().get(TOKENS)).isEqualTo(5L);
  }

  @Test
  void startRequestLeavesAContextWithoutALocalRootUnchanged() {
    Context none = Context.root();
    assertThat(RequestAccumulator.startRequest(none)).isSameAs(none);
    Span parent = sdk.getTracer("module").spanBuilder("parent").startSpan();
    Span child =
        sdk.getTracer("module")
            .spanBuilder("child")
            .setParent(Context.root().with(parent))
            .startSpan();
    try {
      Context childContext = Context.root().with(child);
      assertThat(RequestAccumulator.startRequest(childContext)).isSameAs(childContext);
      // the non-SDK span of a context without a span is not a root either
      Context wrapped = Context.root().with(Span.wrap(child.getSpanContext()));
      assertThat(RequestAccumulator.startRequest(wrapped)).isSameAs(wrapped);
    } finally {
      child.end();
      parent.end();
    }
  }

  @Test
  void withoutALocalRootTheAccumulatorIsInactive() {
    RequestAccumulator none = RequestAccumulator.current();
    assertThat(none.isActive()).isFalse();
    assertThat(none.addLong(TOKENS, 3)).isZero();
    assertThat(none.addDecimal(COST, BigDecimal.ONE)).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(none.rootSpan().getSpanContext().isValid()).isFalse();

    Span child =
        sdk.getTracer("other")
            .spanBuilder("child-of-remote-less-parent")
            .setParent(
                Context.root()
                    .with(
                        Span.wrap(
                            io.opentelemetry.api.trace.SpanContext.create(
                                "0af7651916cd43dd8448eb211c80319c",
                                "b7ad6b7169203331",
                                io.opentelemetry.api.trace.TraceFlags.getSampled(),
                                io.opentelemetry.api.trace.TraceState.getDefault()))))
            .startSpan();
    try (Scope ignored = child.makeCurrent()) {
      // a span with a local (non-remote) parent we cannot see is not a local root
      assertThat(RequestAccumulator.current().isActive()).isFalse();
    } finally {
      child.end();
    }
  }
}
