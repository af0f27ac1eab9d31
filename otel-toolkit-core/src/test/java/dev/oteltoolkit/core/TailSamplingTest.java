package dev.oteltoolkit.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.internal.ForceSampleSampler;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.assertj.AttributeAssertion;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** In-process tail sampling through {@link TelemetryBuilder#keepErrors(boolean)} and friends. */
class TailSamplingTest {

  private static final AttributeKey<String> KEPT_BY = TailSamplingSpanProcessor.KEPT_BY;
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final String[] CHILDREN = {"load-cart", "price", "charge", "notify"};

  private final KeptSpans spans = new KeptSpans();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private Telemetry telemetry;

  @AfterEach
  void tearDown() {
    if (telemetry != null) {
      telemetry.close();
    }
  }

  private Tracing start(
      double ratio, Map<String, String> properties, Consumer<TelemetryBuilder> configure) {
    TelemetryBuilder builder =
        Telemetry.setup()
            .otlp(false)
            .samplingRatio(ratio)
            .addSpanExporter(spans)
            .addMetricReader(metrics)
            .configProperties(properties);
    configure.accept(builder);
    telemetry = builder.build();
    return telemetry.tracing();
  }

  @Test
  void everyFailedTreeArrivesWholeAndTheRestAtTheHeadRatio() {
    Tracing tracing = start(0.1, Map.of(), b -> b.keepErrors(true));
    int requests = 1000;
    Random random = new Random(20261123L);
    Set<Integer> failing = new HashSet<>();
    while (failing.size() < 50) {
      failing.add(random.nextInt(requests));
    }
    Map<String, Boolean> headSampledByTrace = new HashMap<>();
    Set<String> failedTraces = new HashSet<>();
    Set<String> rethrown = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      boolean fails = failing.contains(i);
      int failingChild = random.nextInt(CHILDREN.length);
      boolean rethrow = fails && random.nextBoolean();
      Runnable request =
          () ->
              tracing.traced(
                  "GET /checkout",
                  () -> {
                    SpanContext root = Span.current().getSpanContext();
                    headSampledByTrace.put(root.getTraceId(), root.isSampled());
                    if (fails) {
                      failedTraces.add(root.getTraceId());
                      if (rethrow) {
                        rethrown.add(root.getTraceId());
                      }
                    }
                    IOException failure = null;
                    for (int c = 0; c < CHILDREN.length; c++) {
                      boolean throwsHere = fails && c == failingChild;
                      try {
                        tracing.traced(
                            CHILDREN[c],
                            () -> {
                              if (throwsHere) {
                                throw new IOException("gateway timeout");
                              }
                            });
                      } catch (IOException e) {
                        failure = e; // the request goes on (a fallback), then reports it
                      }
                    }
                    if (rethrow) {
                      throw new IllegalStateException("checkout failed", failure);
                    }
                  });
      if (rethrow) {
        assertThatThrownBy(request::run).isInstanceOf(IllegalStateException.class);
      } else {
        request.run();
      }
    }
    assertThat(telemetry.forceFlush()).isTrue();

    Map<String, List<SpanData>> byTrace = byTrace(spans.get());
    // no partial trees: every exported trace is a whole request
    byTrace.values().forEach(TailSamplingTest::assertWholeRequest);
    // every failed request arrived
    assertThat(byTrace.keySet()).containsAll(failedTraces);
    int keptByTail = 0;
    for (String traceId : failedTraces) {
      SpanData root = root(byTrace.get(traceId));
      boolean headSampled = headSampledByTrace.get(traceId);
      List<AttributeAssertion> expected = new ArrayList<>();
      if (rethrown.contains(traceId)) {
        expected.add(equalTo(ERROR_TYPE, IllegalStateException.class.getName()));
        assertThat(root).hasStatus(StatusData.create(StatusCode.ERROR, "checkout failed"));
      }
      if (!headSampled) {
        expected.add(equalTo(KEPT_BY, "error"));
        keptByTail++;
      }
      assertThat(root).hasAttributesSatisfyingExactly(expected);
    }
    // the rest: exactly the head-sampled ones, about 10% of them (6 sigma)
    Set<String> others = new HashSet<>(byTrace.keySet());
    others.removeAll(failedTraces);
    Set<String> headSampledOthers =
        headSampledByTrace.entrySet().stream()
            .filter(e -> e.getValue() && !failedTraces.contains(e.getKey()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertThat(others).isEqualTo(headSampledOthers);
    double expected = 950 * 0.1;
    double sigma = Math.sqrt(950 * 0.1 * 0.9);
    assertThat((double) others.size()).isBetween(expected - 6 * sigma, expected + 6 * sigma);
    for (String traceId : others) {
      assertThat(root(byTrace.get(traceId))).hasTotalAttributeCount(0);
    }
    assertThat(keptByTail).isPositive();
    assertThat(counter(TailSamplingSpanProcessor.KEPT_METRIC, KEPT_BY, "error"))
        .isEqualTo(keptByTail);
    assertThat(counter(TailSamplingSpanProcessor.KEPT_METRIC, KEPT_BY, "latency")).isZero();
    assertThat(counter(TailSamplingSpanProcessor.KEPT_METRIC, KEPT_BY, "forced")).isZero();
    assertThat(held()).isZero();
  }

  @Test
  void slowRequestsAreKeptWithReasonLatency() throws Exception {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepSlowerThan(Duration.ofMillis(20)));
    Tracer tracer = telemetry.openTelemetry().getTracer("test");
    for (int i = 0; i < 3; i++) {
      // slow by its timestamps, not by sleeping: the root started 60 ms before now
      Span root =
          tracer
              .spanBuilder("GET /report")
              .setStartTimestamp(Instant.now().minusMillis(60))
              .startSpan();
      try (Scope ignored = root.makeCurrent()) {
        tracing.traced("query", () -> {});
        tracing.traced("render", () -> {});
      } finally {
        root.end();
      }
    }
    assertThat(telemetry.forceFlush()).isTrue();

    Map<String, List<SpanData>> byTrace = byTrace(spans.get());
    assertThat(byTrace).hasSize(3);
    for (List<SpanData> tree : byTrace.values()) {
      assertThat(tree)
          .extracting(SpanData::getName)
          .containsExactlyInAnyOrder("GET /report", "query", "render");
      SpanData root = root(tree);
      assertThat(root).hasAttributesSatisfyingExactly(equalTo(KEPT_BY, "latency"));
      assertThat(tree)
          .allSatisfy(
              span -> {
                assertThat(span.getSpanContext().isSampled()).isTrue();
                if (span != root) {
                  assertThat(span).hasParent(root).hasTotalAttributeCount(0);
                }
              });
    }
    assertThat(counter(TailSamplingSpanProcessor.KEPT_METRIC, KEPT_BY, "latency")).isEqualTo(3);
  }

  @Test
  void treesWithoutErrorsAreDiscardedAtRatioZero() {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepErrors(true));
    for (int i = 0; i < 20; i++) {
      tracing.traced("GET /health", () -> tracing.traced("ping", () -> {}));
    }
    tracing.traced(
        "GET /broken",
        () -> {
          tracing.traced("ping", () -> {});
          Span.current().setStatus(StatusCode.ERROR, "set by hand"); // no exception, no error.type
        });
    assertThat(telemetry.forceFlush()).isTrue();

    assertThat(spans.names()).containsExactly("ping", "GET /broken");
    assertThat(spans.get().get(1))
        .hasStatus(StatusData.create(StatusCode.ERROR, "set by hand"))
        .hasAttributesSatisfyingExactly(equalTo(KEPT_BY, "error"));
    assertThat(spans.get().get(0)).hasParent(spans.get().get(1));
  }

  @Test
  void chosenHttpStatusesAreKeptThoughTheyAreNotErrors() {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepErrors(true).keepHttpStatuses(404, 429));
    AttributeKey<Long> status = AttributeKey.longKey("http.response.status_code");
    for (long code : new long[] {200, 404, 500, 429, 400}) {
      tracing
          .span("GET /orders/{id}")
          .kind(SpanKind.SERVER)
          .run(
              () -> {
                tracing.traced("load", () -> {});
                Span.current().setAttribute(status, code);
                if (code >= 500) {
                  Span.current().setStatus(StatusCode.ERROR); // a server span fails on 5xx only
                }
              });
    }
    assertThat(telemetry.forceFlush()).isTrue();

    assertThat(spans.get())
        .filteredOn(span -> span.getKind() == SpanKind.SERVER)
        .extracting(
            span -> span.getAttributes().get(status), span -> span.getAttributes().get(KEPT_BY))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(404L, "http_status"),
            org.assertj.core.groups.Tuple.tuple(500L, "error"),
            org.assertj.core.groups.Tuple.tuple(429L, "http_status"));
    assertThat(counter(TailSamplingSpanProcessor.KEPT_METRIC, KEPT_BY, "http_status")).isEqualTo(2);
  }

  @Test
  void theHttpStatusSettingWinsAndIsValidated() {
    Tracing tracing =
        start(
            0.0,
            Map.of("OTELTOOLKIT_SAMPLING_KEEP_HTTP_STATUS", "401"),
            b -> b.keepHttpStatuses(404));
    AttributeKey<Long> status = AttributeKey.longKey("http.response.status_code");
    for (long code : new long[] {404, 401}) {
      tracing
          .span("GET /me")
          .kind(SpanKind.SERVER)
          .run(() -> Span.current().setAttribute(status, code));
    }
    assertThat(telemetry.forceFlush()).isTrue();
    assertThat(spans.get())
        .singleElement()
        .satisfies(span -> assertThat(span.getAttributes().get(status)).isEqualTo(401L));

    assertThatThrownBy(
            () ->
                Telemetry.setup()
                    .otlp(false)
                    .configProperties(Map.of("OTELTOOLKIT_SAMPLING_KEEP_HTTP_STATUS", "404,abc"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OTELTOOLKIT_SAMPLING_KEEP_HTTP_STATUS=404,abc: must be HTTP status codes"
                + " from 100 to 599, comma separated, or off");
    assertThatThrownBy(
            () ->
                Telemetry.setup()
                    .otlp(false)
                    .keepHttpStatuses(42)
                    .configProperties(Map.of())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepHttpStatuses=42: must be an HTTP status code from 100 to 599");
  }

  @Test
  void aForcedSpanKeepsTheRestOfItsTreeAndNothingIsExportedTwice() {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepErrors(true));
    tracing.traced(
        "POST /orders",
        () -> {
          tracing.traced("validate", () -> {});
          tracing.span("payment").forceSample().run(() -> tracing.traced("card-network", () -> {}));
          tracing.traced("confirm", () -> {});
        });
    tracing.traced("GET /health", () -> {});
    assertThat(telemetry.forceFlush()).isTrue();

    List<SpanData> exported = spans.get();
    assertThat(exported)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "POST /orders", "validate", "payment", "card-network", "confirm");
    assertThat(exported.stream().map(s -> s.getSpanContext().getSpanId()).distinct().count())
        .isEqualTo(5);
    SpanData root = root(exported);
    assertThat(root).hasAttributesSatisfyingExactly(equalTo(KEPT_BY, "forced"));
    SpanData payment = named(exported, "payment");
    assertThat(payment)
        .hasParent(root)
        .hasAttributesSatisfyingExactly(equalTo(ForceSampleSampler.FORCED, true));
    assertThat(named(exported, "card-network")).hasParent(payment);
    assertThat(named(exported, "validate")).hasParent(root);
    assertThat(named(exported, "confirm")).hasParent(root);
    assertThat(counter(TailSamplingSpanProcessor.KEPT_METRIC, KEPT_BY, "forced")).isEqualTo(1);
  }

  @Test
  void workOnOtherThreadsIsHeldWithItsTree() throws Exception {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepErrors(true));
    ExecutorService pool = Context.taskWrapping(Executors.newFixedThreadPool(3));
    try {
      assertThatThrownBy(
              () ->
                  tracing.traced(
                      "POST /import",
                      () -> {
                        Future<?> parse = pool.submit(() -> tracing.traced("parse", () -> {}));
                        CompletableFuture<String> fetch =
                            tracing.tracedAsync(
                                "fetch",
                                () ->
                                    CompletableFuture.supplyAsync(
                                        () -> tracing.traced("download", () -> "bytes"), pool));
                        Future<?> store =
                            pool.submit(
                                () ->
                                    tracing.traced(
                                        "store",
                                        () -> {
                                          throw new IllegalStateException("disk full");
                                        }));
                        parse.get();
                        fetch.join();
                        store.get();
                      }))
          .hasRootCauseMessage("disk full");
      assertThat(telemetry.forceFlush()).isTrue();
    } finally {
      pool.shutdownNow();
    }
    List<SpanData> exported = spans.get();
    assertThat(exported)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("POST /import", "parse", "fetch", "download", "store");
    SpanData root = root(exported);
    assertThat(root.getAttributes().get(KEPT_BY)).isEqualTo("error");
    assertThat(named(exported, "parse")).hasParent(root);
    assertThat(named(exported, "fetch")).hasParent(root);
    assertThat(named(exported, "download")).hasParent(named(exported, "fetch"));
    assertThat(named(exported, "store"))
        .hasParent(root)
        .hasAttributesSatisfyingExactly(equalTo(ERROR_TYPE, IllegalStateException.class.getName()));
  }

  @Test
  void spansEndingAfterTheirRootFollowTheDecision() throws Throwable {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepErrors(true));
    ExecutorService pool = Context.taskWrapping(Executors.newSingleThreadExecutor());
    try {
      for (boolean fails : new boolean[] {true, false}) {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> leftover = new ArrayList<>();
        ThrowingCallable request =
            () ->
                tracing.traced(
                    fails ? "POST /failing" : "POST /fine",
                    () -> {
                      leftover.add(
                          pool.submit(
                              () -> {
                                tracing.traced(
                                    fails ? "audit-failing" : "audit-fine",
                                    () -> {
                                      started.countDown();
                                      release.await();
                                      tracing.traced("audit-write", () -> {});
                                    });
                                return null;
                              }));
                      started.await(); // the leftover has started before the root ends
                      if (fails) {
                        throw new IllegalStateException("rejected");
                      }
                    });
        if (fails) {
          assertThatThrownBy(request).hasMessage("rejected");
        } else {
          request.call();
        }
        assertThat(telemetry.forceFlush()).isTrue(); // the root is decided; its child is open
        release.countDown();
        leftover.get(0).get(10, TimeUnit.SECONDS);
      }
      assertThat(telemetry.forceFlush()).isTrue();
    } finally {
      pool.shutdownNow();
    }
    List<SpanData> exported = spans.get();
    assertThat(exported)
        .extracting(SpanData::getName)
        .containsExactly("POST /failing", "audit-write", "audit-failing");
    assertThat(exported.get(0))
        .hasAttributesSatisfyingExactly(
            equalTo(ERROR_TYPE, IllegalStateException.class.getName()), equalTo(KEPT_BY, "error"));
    assertThat(exported.get(2)).hasParent(exported.get(0)).hasTotalAttributeCount(0);
    assertThat(exported.get(1)).hasParent(exported.get(2));
    assertThat(held()).isZero();
  }

  @Test
  void twoLocalRootsOfOneTraceAreSeparateTrees() {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepErrors(true));
    Tracer tracer = telemetry.openTelemetry().getTracer("test");
    // service A calls service B in the same process; B continues A's trace from headers
    tracing.traced(
        "A: GET /checkout",
        () -> {
          tracing.traced(
              "A: call B",
              () -> {
                SpanContext outgoing = Span.current().getSpanContext();
                SpanContext incoming =
                    SpanContext.createFromRemoteParent(
                        outgoing.getTraceId(),
                        outgoing.getSpanId(),
                        outgoing.getTraceFlags(),
                        outgoing.getTraceState());
                Span serverB =
                    tracer
                        .spanBuilder("B: POST /pay")
                        .setParent(Context.root().with(Span.wrap(incoming)))
                        .startSpan();
                try (Scope ignored = serverB.makeCurrent()) {
                  tracing.traced("B: charge", () -> {});
                  serverB.setStatus(StatusCode.ERROR, "declined");
                } finally {
                  serverB.end();
                }
              });
        });
    assertThat(telemetry.forceFlush()).isTrue();

    List<SpanData> exported = spans.get();
    assertThat(exported).extracting(SpanData::getName).containsExactly("B: charge", "B: POST /pay");
    assertThat(exported.get(1)).hasAttributesSatisfyingExactly(equalTo(KEPT_BY, "error"));
    assertThat(exported.get(1).getParentSpanContext().isRemote()).isTrue();
    assertThat(exported.get(0)).hasParent(exported.get(1));
  }

  @Test
  void aFloodOfOpenRequestsHitsTheCapsAndIsCountedWithoutBlocking() throws Exception {
    Tracing tracing =
        start(
            0.0,
            Map.of(
                "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS", "200",
                "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS_PER_TRACE", "20"),
            b -> b.keepErrors(true));
    Tracer tracer = telemetry.openTelemetry().getTracer("test");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Span> neverEnded = new ArrayList<>();
    try {
      List<Future<List<Span>>> flooding = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        flooding.add(
            pool.submit(
                () -> {
                  List<Span> roots = new ArrayList<>();
                  for (int i = 0; i < 500; i++) {
                    Span root =
                        tracer.spanBuilder("GET /stream").setParent(Context.root()).startSpan();
                    try (Scope ignored = root.makeCurrent()) {
                      tracing.traced("chunk", () -> {});
                      tracing.traced("chunk", () -> {});
                    }
                    roots.add(root);
                  }
                  return roots;
                }));
      }
      for (Future<List<Span>> f : flooding) {
        neverEnded.addAll(f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(telemetry.forceFlush()).isTrue();
    assertThat(held()).isBetween(1L, 200L);
    long evicted =
        counter(
            TailSamplingSpanProcessor.EVICTED_METRIC, TailSamplingSpanProcessor.EVICTED_BY, "cap");
    assertThat(evicted).isGreaterThanOrEqualTo(2000 - 200 / 3);

    // an evicted tree is never exported, even when its root fails later
    Span evictedRoot = neverEnded.get(0);
    evictedRoot.setStatus(StatusCode.ERROR);
    evictedRoot.end();
    // one request over the per-trace cap is evicted whole
    assertThatThrownBy(
            () ->
                tracing.traced(
                    "POST /batch",
                    () -> {
                      for (int i = 0; i < 25; i++) {
                        tracing.traced("item", () -> {});
                      }
                      throw new IllegalStateException("batch failed");
                    }))
        .hasMessage("batch failed");
    // tail sampling still works
    assertThatThrownBy(
            () ->
                tracing.traced(
                    "GET /after",
                    () -> {
                      throw new IllegalStateException("late failure");
                    }))
        .hasMessage("late failure");
    assertThat(telemetry.forceFlush()).isTrue();

    assertThat(spans.names()).containsExactly("GET /after");
    assertThat(
            counter(
                TailSamplingSpanProcessor.EVICTED_METRIC,
                TailSamplingSpanProcessor.EVICTED_BY,
                "cap"))
        .isGreaterThan(evicted);
    assertThat(held()).isLessThanOrEqualTo(200);
  }

  @Test
  void aRootThatNeverEndsIsEvictedAfterTheTimeout() {
    AtomicLong now = new AtomicLong();
    Tracing tracing =
        start(
            0.0,
            Map.of("OTELTOOLKIT_SAMPLING_HOLD_TIMEOUT", "5s"),
            b -> b.keepErrors(true).tailSamplingClock(now::get));
    Tracer tracer = telemetry.openTelemetry().getTracer("test");
    Span leaked = tracer.spanBuilder("GET /leak").setParent(Context.root()).startSpan();
    try (Scope ignored = leaked.makeCurrent()) {
      tracing.traced("step", () -> {});
    }
    assertThat(telemetry.forceFlush()).isTrue();
    assertThat(held()).isEqualTo(2);

    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(telemetry.forceFlush()).isTrue();
    assertThat(held()).isEqualTo(2);

    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(telemetry.forceFlush()).isTrue();
    assertThat(held()).isZero();
    assertThat(
            counter(
                TailSamplingSpanProcessor.EVICTED_METRIC,
                TailSamplingSpanProcessor.EVICTED_BY,
                "timeout"))
        .isEqualTo(1);

    leaked.setStatus(StatusCode.ERROR);
    leaked.end();
    assertThat(telemetry.forceFlush()).isTrue();
    assertThat(spans.get()).isEmpty();
  }

  @Test
  void shutdownDropsTreesWhoseRootIsOpenAndDoesNotHang() {
    Tracing tracing = start(0.0, Map.of(), b -> b.keepErrors(true));
    Tracer tracer = telemetry.openTelemetry().getTracer("test");
    Span open = tracer.spanBuilder("GET /open").setParent(Context.root()).startSpan();
    try (Scope ignored = open.makeCurrent()) {
      assertThatThrownBy(
              () ->
                  tracing.traced(
                      "failing-step",
                      () -> {
                        throw new IllegalStateException("boom");
                      }))
          .hasMessage("boom");
    }
    assertThatThrownBy(
            () ->
                tracing.traced(
                    "GET /closed",
                    () -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");

    assertThat(telemetry.shutdown(Duration.ofSeconds(10))).isTrue();
    open.end();
    assertThat(spans.names()).containsExactly("GET /closed");
  }

  @Test
  void theConsoleTreeShowsKeptTrees() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Tracing tracing =
        start(
            0.0,
            Map.of(),
            b -> b.keepErrors(true).console(new PrintStream(out, true, StandardCharsets.UTF_8)));
    tracing.traced("GET /fine", () -> tracing.traced("lookup", () -> {}));
    assertThatThrownBy(
            () ->
                tracing.traced(
                    "GET /broken",
                    () -> {
                      tracing.traced("lookup", () -> {});
                      throw new IllegalStateException("broken");
                    }))
        .hasMessage("broken");
    assertThat(telemetry.forceFlush()).isTrue();

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("GET /broken")
        .contains("\u2514\u2500 lookup")
        .contains("ERROR \"broken\"")
        .doesNotContain("GET /fine");
  }

  @Test
  void offByDefaultNothingIsInstalled() {
    Tracing tracing = start(0.0, Map.of(), b -> {});
    assertThatThrownBy(
            () ->
                tracing.traced(
                    "GET /x",
                    () -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    assertThat(telemetry.forceFlush()).isTrue();
    assertThat(spans.get()).isEmpty();
    String provider = tracerProvider();
    assertThat(provider).doesNotContain("TailSampl");
    assertThat(provider).contains("sampler=ForceSampleSampler{ParentBased");
    assertThat(metricNames()).doesNotContain(TailSamplingSpanProcessor.HELD_METRIC);
  }

  @Test
  void onWithEitherSettingTheExportersGoBehindIt() {
    // the OTLP processor autoconfigure builds is handed to tail sampling, not the provider
    start(
        0.5,
        Map.of(
            "OTELTOOLKIT_SAMPLING_KEEP_ERRORS",
            "true",
            "OTEL_METRICS_EXPORTER",
            "none",
            "OTEL_LOGS_EXPORTER",
            "none"),
        b -> b.otlp(true).endpoint("http://127.0.0.1:9"));
    String provider = tracerProvider();
    assertThat(provider).contains("sampler=TailSampler{ForceSampleSampler{ParentBased");
    int tail = provider.indexOf("TailSamplingSpanProcessor{");
    assertThat(tail).isPositive();
    assertThat(provider.indexOf("BatchSpanProcessor")).isGreaterThan(tail);
    assertThat(provider.indexOf("OtlpGrpcSpanExporter")).isGreaterThan(tail);
    assertThat(telemetry.toString()).contains("keep=errors");
    telemetry.close();

    start(1.0, Map.of(), b -> b.keepSlowerThan(Duration.ofSeconds(2)));
    assertThat(tracerProvider())
        .contains(
            "TailSamplingSpanProcessor{keepErrors=false,"
                + " keepSlowerThan=PT2S, keepHttpStatuses={}, maxHeldSpans=8192,"
                + " maxHeldSpansPerTrace=1024, holdTimeout=PT1M,");
    telemetry.close();

    // settings win over code, both ways
    start(
        1.0,
        Map.of(
            "otel.sampling.rate",
            "1",
            "oteltoolkit.sampling.keep_slower_than",
            "off",
            "OTELTOOLKIT_SAMPLING_KEEP_ERRORS",
            "false"),
        b -> b.keepErrors(true).keepSlowerThan(Duration.ofSeconds(2)));
    assertThat(tracerProvider()).doesNotContain("TailSampl");
    telemetry.close();
    start(
        1.0,
        Map.of(
            "oteltoolkit.sampling.keep_slower_than",
            "250ms",
            "OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN",
            "off"),
        b -> {});
    assertThat(tracerProvider()).contains("keepErrors=false, keepSlowerThan=PT0.25S");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "OTELTOOLKIT_SAMPLING_KEEP_ERRORS|yes|"
            + "OTELTOOLKIT_SAMPLING_KEEP_ERRORS=yes: must be true or false",
        "oteltoolkit.sampling.keep_errors|1|oteltoolkit.sampling.keep_errors=1: must be true",
        "OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN|fast|"
            + "OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN=fast: must be a duration like 500ms, 2s or"
            + " 1m, or off",
        "OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN|0|"
            + "OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN=0: must be positive, or off",
        "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS|0|"
            + "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS=0: must be a positive integer",
        "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS_PER_TRACE|many|"
            + "OTELTOOLKIT_SAMPLING_MAX_HELD_SPANS_PER_TRACE=many: must be a positive integer",
        "oteltoolkit.sampling.hold_timeout|0s|"
            + "oteltoolkit.sampling.hold_timeout=0s: must be a positive duration like 30s or 2m",
        "OTELTOOLKIT_SAMPLING_HOLD_TIMEOUT|99999999999999999999999|"
            + "OTELTOOLKIT_SAMPLING_HOLD_TIMEOUT=99999999999999999999999: must be a positive",
        // fits in a long of milliseconds, not in nanoseconds
        "OTELTOOLKIT_SAMPLING_HOLD_TIMEOUT|300000000d|"
            + "OTELTOOLKIT_SAMPLING_HOLD_TIMEOUT=300000000d: must be a positive",
        "OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN|300000000d|"
            + "OTELTOOLKIT_SAMPLING_KEEP_SLOWER_THAN=300000000d: must be a duration",
      })
  void invalidSettingsFailAtBuildNamingTheSettingAndValue(
      String name, String value, String message) {
    assertThatThrownBy(
            () -> Telemetry.setup().otlp(false).configProperties(Map.of(name, value)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void invalidThresholdInCodeFailsAtBuild() {
    assertThatThrownBy(
            () ->
                Telemetry.setup()
                    .otlp(false)
                    .keepSlowerThan(Duration.ZERO)
                    .configProperties(Map.of())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepSlowerThan=PT0S: must be positive");
    assertThatThrownBy(
            () ->
                Telemetry.setup()
                    .otlp(false)
                    .keepSlowerThan(Duration.ofMillis(-5))
                    .configProperties(Map.of())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepSlowerThan=PT-0.005S: must be positive");
    assertThatThrownBy(
            () ->
                Telemetry.setup()
                    .otlp(false)
                    .keepSlowerThan(Duration.ofDays(1_000_000))
                    .configProperties(Map.of())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepSlowerThan=PT24000000H: must be at most 100000 days");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static void assertWholeRequest(List<SpanData> tree) {
    assertThat(tree).hasSize(1 + CHILDREN.length);
    SpanData root = root(tree);
    assertThat(root).hasName("GET /checkout");
    assertThat(tree).allSatisfy(span -> assertThat(span.getSpanContext().isSampled()).isTrue());
    assertThat(tree.stream().filter(s -> s != root).map(SpanData::getName))
        .containsExactlyInAnyOrder(CHILDREN);
    tree.stream().filter(s -> s != root).forEach(s -> assertThat(s).hasParent(root));
  }

  private static Map<String, List<SpanData>> byTrace(List<SpanData> spans) {
    return spans.stream().collect(Collectors.groupingBy(SpanData::getTraceId));
  }

  private static SpanData root(List<SpanData> tree) {
    List<SpanData> roots =
        tree.stream()
            .filter(s -> !s.getParentSpanContext().isValid() || s.getParentSpanContext().isRemote())
            .collect(Collectors.toList());
    assertThat(roots).hasSize(1);
    return roots.get(0);
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  private String tracerProvider() {
    return ((OpenTelemetrySdk) telemetry.openTelemetry()).getSdkTracerProvider().toString();
  }

  private List<String> metricNames() {
    return metrics.collectAllMetrics().stream()
        .map(MetricData::getName)
        .collect(Collectors.toList());
  }

  private long counter(String name, AttributeKey<String> key, String value) {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> p.getAttributes().equals(Attributes.of(key, value)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  private long held() {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(TailSamplingSpanProcessor.HELD_METRIC))
        .flatMap(m -> m.getLongGaugeData().getPoints().stream())
        .mapToLong(LongPointData::getValue)
        .findFirst()
        .orElseThrow();
  }
}
