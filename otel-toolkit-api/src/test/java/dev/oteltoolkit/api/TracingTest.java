package dev.oteltoolkit.api;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.internal.ToolkitVersion;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.semconv.ErrorAttributes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tracing over a plain SDK built by hand, without Telemetry. */
class TracingTest {

  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private OpenTelemetrySdk sdk;
  private Tracing tracing;

  @BeforeEach
  void setUp() {
    setUp(Sampler.alwaysOn());
  }

  private void setUp(Sampler sampler) {
    if (sdk != null) {
      sdk.close();
    }
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(sampler)
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
    tracing = Tracing.create(sdk);
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @Test
  void nestedCallsBuildOneTreeWithExactAttributes() {
    String result =
        tracing.traced(
            "outer",
            () -> {
              tracing.traced("inner-run", () -> Span.current().setAttribute("step", 1L));
              return tracing.traced("inner-call", () -> "done");
            });

    assertThat(result).isEqualTo("done");
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(3);
    SpanData innerRun = finished.get(0);
    SpanData innerCall = finished.get(1);
    SpanData outer = finished.get(2);
    assertThat(outer)
        .hasName("outer")
        .hasKind(SpanKind.INTERNAL)
        .hasNoParent()
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .hasAttributesSatisfyingExactly();
    assertThat(innerRun)
        .hasName("inner-run")
        .hasParent(outer)
        .hasAttributesSatisfyingExactly(equalTo(AttributeKey.longKey("step"), 1L));
    assertThat(innerCall).hasName("inner-call").hasParent(outer).hasAttributesSatisfyingExactly();
    assertThat(outer.getInstrumentationScopeInfo())
        .isEqualTo(
            InstrumentationScopeInfo.builder("dev.oteltoolkit.core")
                .setVersion(ToolkitVersion.get())
                .build());
    assertThat(ToolkitVersion.get()).doesNotContain("$").isNotEqualTo("unknown");
  }

  @Test
  void failureIsRecordedAndTheSameCheckedExceptionRethrown() {
    IOException failure = new IOException("disk full");

    assertThatThrownBy(
            () ->
                tracing.traced(
                    "write",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span)
        .hasName("write")
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR).hasDescription("disk full"))
        .hasException(failure)
        .hasAttributesSatisfyingExactly(equalTo(ErrorAttributes.ERROR_TYPE, "java.io.IOException"));
  }

  @Test
  void checkedExceptionTypesPassThroughWithoutWrapping() {
    // Compiles only because E is inferred as IOException: the caller handles it by its own type.
    try {
      tracing.traced("read", TracingTest::readConfig);
    } catch (IOException expected) {
      assertThat(expected).hasMessage("missing");
    }
    try {
      String value = tracing.traced("read", TracingTest::loadValue);
      assertThat(value).isEqualTo("value");
    } catch (IOException unexpected) {
      throw new AssertionError(unexpected);
    }
    assertThat(spans.getFinishedSpanItems()).hasSize(2);
  }

  @Test
  void lambdasAndMethodReferencesCompileWithoutCasts() {
    // supplier forms
    int fromLambda = tracing.traced("a", () -> 1 + 1);
    int fromBlock =
        tracing.traced(
            "b",
            () -> {
              return 2;
            });
    String fromMethodRef = tracing.traced("c", this::name);
    // runnable forms
    tracing.traced("d", () -> {});
    tracing.traced("e", this::doNothing);
    tracing.traced("f", () -> System.getProperty("java.version").length());
    // static facade, same shapes
    int staticValue = Traced.traced("g", () -> 3);
    Traced.traced("h", this::doNothing);
    String staticRef = Traced.traced("i", this::name);

    assertThat(fromLambda + fromBlock + staticValue).isEqualTo(7);
    assertThat(fromMethodRef).isEqualTo(staticRef).isEqualTo("name");
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("a", "b", "c", "d", "e", "f");
  }

  @Test
  void runtimeExceptionsAndErrorsKeepTheirInstance() {
    IllegalStateException failure = new IllegalStateException();
    assertThatThrownBy(
            () ->
                tracing.traced(
                    "fails",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR).hasDescription(""))
        .hasAttributesSatisfyingExactly(
            equalTo(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException"));
  }

  @Test
  void asyncSuccessEndsTheSpanBeforeTheFutureCompletes() throws Exception {
    ExecutorService executor = Context.taskWrapping(Executors.newSingleThreadExecutor());
    try {
      CompletableFuture<String> future =
          tracing.tracedAsync(
              "async",
              () ->
                  CompletableFuture.supplyAsync(
                      () -> tracing.traced("on-executor", () -> "ok"), executor));
      assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
      // the span ended before the returned future completed
      List<SpanData> finished = spans.getFinishedSpanItems();
      assertThat(finished).hasSize(2);
      assertThat(finished.get(0)).hasName("on-executor").hasParent(finished.get(1));
      assertThat(finished.get(1)).hasName("async").hasEnded();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void asyncSynchronousThrowIsRethrownSynchronously() {
    IllegalArgumentException failure = new IllegalArgumentException("bad request");
    assertThatThrownBy(
            () ->
                tracing.tracedAsync(
                    "async",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasException(failure)
        .hasAttributesSatisfyingExactly(
            equalTo(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalArgumentException"));
  }

  @Test
  void asyncExceptionalCompletionIsUnwrapped() {
    IOException cause = new IOException("timeout");
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> future = tracing.tracedAsync("async", () -> source.thenApply(s -> s));
    source.completeExceptionally(new CompletionException(cause));

    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCause(cause);
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasException(cause)
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfyingExactly(equalTo(ErrorAttributes.ERROR_TYPE, "java.io.IOException"));
  }

  @Test
  void asyncCancellationIsAnErrorOfTypeCancelled() {
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> future = tracing.tracedAsync("async", () -> source);
    future.cancel(true);

    assertThat(source).isCancelled();
    assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
    assertThat(spans.getFinishedSpanItems().get(0))
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfyingExactly(equalTo(ErrorAttributes.ERROR_TYPE, "cancelled"));
  }

  @Test
  void spanBuilderSetsKindAttributesParentAndLinks() throws Exception {
    SpanContext remote =
        SpanContext.createFromRemoteParent(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    SpanContext linked =
        SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    String value =
        tracing
            .span("consume")
            .kind(SpanKind.CONSUMER)
            .attribute("s", "v")
            .attribute("l", 7L)
            .attribute("d", 0.5)
            .attribute("b", true)
            .attribute(AttributeKey.stringKey("typed"), "t")
            .parent(Context.root().with(Span.wrap(remote)))
            .link(linked)
            .call(
                () -> {
                  // a remote parent makes this span the local root: it has an accumulator
                  assertThat(RequestAccumulator.current().isActive()).isTrue();
                  return "v";
                });

    assertThat(value).isEqualTo("v");
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span)
        .hasName("consume")
        .hasKind(SpanKind.CONSUMER)
        .hasTraceId(remote.getTraceId())
        .hasParentSpanId(remote.getSpanId())
        .hasAttributesSatisfyingExactly(
            equalTo(AttributeKey.stringKey("s"), "v"),
            equalTo(AttributeKey.longKey("l"), 7L),
            equalTo(AttributeKey.doubleKey("d"), 0.5),
            equalTo(AttributeKey.booleanKey("b"), true),
            equalTo(AttributeKey.stringKey("typed"), "t"));
    assertThat(span.getLinks()).hasSize(1);
    assertThat(span.getLinks().get(0).getSpanContext()).isEqualTo(linked);

    tracing.span("run-form").run(() -> Span.current().setAttribute("x", "y"));
    CompletableFuture<Integer> async =
        tracing.span("async-form").callAsync(() -> CompletableFuture.completedFuture(5));
    assertThat(async.get()).isEqualTo(5);
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("consume", "run-form", "async-form");
  }

  @Test
  void redMetricCountsEveryCallIncludingUnsampledAndFailed() {
    setUp(Sampler.alwaysOff());
    for (int i = 0; i < 10; i++) {
      tracing.traced("op", () -> {});
    }
    for (int i = 0; i < 3; i++) {
      try {
        tracing.traced(
            "op",
            () -> {
              throw new IllegalStateException("x");
            });
      } catch (IllegalStateException expected) {
        // counted below
      }
    }

    assertThat(spans.getFinishedSpanItems()).isEmpty();
    MetricData metric = metric(Tracing.OPERATION_DURATION);
    assertThat(metric.getUnit()).isEqualTo("s");
    assertThat(metric.getInstrumentationScopeInfo().getName()).isEqualTo("dev.oteltoolkit.core");
    HistogramPointData ok = point(metric, Attributes.of(Tracing.OPERATION_NAME, "op"));
    HistogramPointData failed =
        point(
            metric,
            Attributes.of(
                Tracing.OPERATION_NAME, "op",
                ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException"));
    assertThat(ok.getCount()).isEqualTo(10);
    assertThat(failed.getCount()).isEqualTo(3);
    assertThat(ok.getBoundaries()).isEqualTo(Tracing.DURATION_BUCKETS);
  }

  @Test
  void noopOpenTelemetryRunsBodiesAndRecordsNothing() throws Exception {
    Tracing noop = Tracing.create(io.opentelemetry.api.OpenTelemetry.noop());
    assertThat(noop.traced("x", () -> 42)).isEqualTo(42);
    assertThat(noop.span("y").forceSample().call(() -> Span.current().getSpanContext().isValid()))
        .isFalse();
    assertThat(noop.tracedAsync("z", () -> CompletableFuture.completedFuture(1)).get())
        .isEqualTo(1);
  }

  private MetricData metric(String name) {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  private static HistogramPointData point(MetricData metric, Attributes attributes) {
    return metric.getHistogramData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no point with " + attributes));
  }

  private static void readConfig() throws IOException {
    throw new IOException("missing");
  }

  private static String loadValue() throws IOException {
    return "value";
  }

  private String name() {
    return "name";
  }

  private void doNothing() {}
}
