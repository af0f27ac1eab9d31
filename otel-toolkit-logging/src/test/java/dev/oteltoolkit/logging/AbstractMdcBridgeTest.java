package dev.oteltoolkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every SLF4J backend must show, through the bridge activated with no code (its
 * ContextStorageProvider service; nothing here calls {@code MdcBridge.install()}). One subclass per
 * backend, each run in a JVM where it is the only backend.
 */
abstract class AbstractMdcBridgeTest {

  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";
  static final String TRACE_FLAGS = "trace_flags";
  private static final ContextKey<String> OTHER_KEY = ContextKey.named("other");

  private static SdkTracerProvider tracerProvider;
  private static SdkTracerProvider unsampledTracerProvider;
  private static Tracer tracer;
  private static Tracing tracing;

  private final Logger log = LoggerFactory.getLogger(getClass());

  /** The tracer of the sampled spans, for the subclasses' own tests. */
  static Tracer tracer() {
    return tracer;
  }

  /** Returns the events logged since the last call, in order, and forgets them. */
  abstract List<LogLine> drainLines();

  @BeforeAll
  static void setUpSdk() {
    // a plain SDK built by hand (no Telemetry), no exporter: the spans only need real ids
    tracerProvider = SdkTracerProvider.builder().build();
    unsampledTracerProvider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build();
    tracer = tracerProvider.get("test");
    tracing = Tracing.create(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
  }

  @AfterAll
  static void closeSdk() {
    tracerProvider.close();
    unsampledTracerProvider.close();
  }

  @BeforeEach
  void startClean() {
    MDC.clear();
    drainLines();
  }

  @AfterEach
  void noContextLeftOpen() {
    assertThat(Context.current()).isSameAs(Context.root());
    assertNoIds();
  }

  @Test
  void lineInsideTracedCarriesThatSpansIdsAndLineOutsideCarriesNone() {
    SpanContext inside =
        tracing.traced(
            "checkout",
            () -> {
              log.info("inside");
              return Span.current().getSpanContext();
            });
    log.info("outside");

    List<LogLine> lines = drainLines();
    assertThat(lines)
        .extracting(LogLine::text)
        .containsExactly(line(inside, "inside"), line(null, "outside"));
    assertThat(inside.isValid()).isTrue();
    assertThat(lines.get(0).mdc())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                TRACE_ID, inside.getTraceId(),
                SPAN_ID, inside.getSpanId(),
                TRACE_FLAGS, inside.getTraceFlags().asHex()));
    // sampled; the SDK also sets the W3C "random trace id" flag, so this is 03, not 01
    assertThat(Integer.parseInt(lines.get(0).mdc().get(TRACE_FLAGS), 16) & 1).isEqualTo(1);
    assertThat(lines.get(1).mdc()).doesNotContainKeys(TRACE_ID, SPAN_ID, TRACE_FLAGS);
  }

  @Test
  void unsampledSpanShowsFlagsWithoutTheSampledBit() {
    Span span = unsampledTracerProvider.get("test").spanBuilder("unsampled").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      log.info("unsampled");
    } finally {
      span.end();
    }
    assertThat(span.getSpanContext().isSampled()).isFalse();
    assertThat(drainLines())
        .extracting(LogLine::text)
        .containsExactly(line(span.getSpanContext(), "unsampled"));
    assertThat(Integer.parseInt(span.getSpanContext().getTraceFlags().asHex(), 16) & 1).isZero();
  }

  @Test
  void nestedScopesRestoreTheOuterIds() {
    Span outer = tracer.spanBuilder("outer").startSpan();
    Span inner;
    try (Scope ignored = outer.makeCurrent()) {
      log.info("outer before");
      inner = tracer.spanBuilder("inner").startSpan();
      try (Scope ignored2 = inner.makeCurrent()) {
        log.info("inner");
      } finally {
        inner.end();
      }
      log.info("outer after");
    } finally {
      outer.end();
    }
    log.info("none");

    assertThat(inner.getSpanContext().getTraceId()).isEqualTo(outer.getSpanContext().getTraceId());
    assertThat(drainLines())
        .extracting(LogLine::text)
        .containsExactly(
            line(outer.getSpanContext(), "outer before"),
            line(inner.getSpanContext(), "inner"),
            line(outer.getSpanContext(), "outer after"),
            line(null, "none"));
  }

  @Test
  void scopeWithoutValidSpanRemovesTheIdsThenRestoresThem() {
    Span outer = tracer.spanBuilder("outer").startSpan();
    try (Scope ignored = outer.makeCurrent()) {
      try (Scope ignored2 = Context.current().with(Span.getInvalid()).makeCurrent()) {
        log.info("invalid span");
      }
      try (Scope ignored3 = Context.root().makeCurrent()) {
        log.info("root");
      }
      log.info("back");
    } finally {
      outer.end();
    }

    List<LogLine> lines = drainLines();
    assertThat(lines)
        .extracting(LogLine::text)
        .containsExactly(
            line(null, "invalid span"), line(null, "root"), line(outer.getSpanContext(), "back"));
    assertThat(lines.get(0).mdc()).doesNotContainKeys(TRACE_ID, SPAN_ID, TRACE_FLAGS);
    assertThat(lines.get(1).mdc()).doesNotContainKeys(TRACE_ID, SPAN_ID, TRACE_FLAGS);
  }

  @Test
  void valuesTheApplicationPutComeBackExactlyAndOtherKeysAreUntouched() {
    MDC.put(TRACE_ID, "set-by-app");
    MDC.put("request_id", "r-1");
    Span span = tracer.spanBuilder("span").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      assertThat(MDC.get(TRACE_ID)).isEqualTo(span.getSpanContext().getTraceId());
      assertThat(MDC.get("request_id")).isEqualTo("r-1");
      MDC.put("user", "u-7");
    } finally {
      span.end();
    }
    assertThat(MDC.get(TRACE_ID)).isEqualTo("set-by-app");
    assertThat(MDC.get(SPAN_ID)).isNull();
    assertThat(MDC.get(TRACE_FLAGS)).isNull();
    assertThat(MDC.get("request_id")).isEqualTo("r-1");
    assertThat(MDC.get("user")).isEqualTo("u-7");
    MDC.clear();
  }

  @Test
  void contextWithTheSameSpanKeepsTheIds() {
    Span span = tracer.spanBuilder("span").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      try (Scope ignored2 = Context.current().with(OTHER_KEY, "v").makeCurrent()) {
        assertIds(span.getSpanContext());
        // the very same context again: a no-op for the context API and for the MDC
        try (Scope ignored3 = Context.current().makeCurrent()) {
          assertIds(span.getSpanContext());
        }
        assertIds(span.getSpanContext());
      }
      assertIds(span.getSpanContext());
    } finally {
      span.end();
    }
  }

  @Test
  void taskWrappingExecutorCarriesTheIdsAndPooledThreadsForgetThem() throws Exception {
    ExecutorService pool = Context.taskWrapping(Executors.newFixedThreadPool(2));
    try {
      Span span = tracer.spanBuilder("submitter").startSpan();
      List<Future<?>> inSpan = new ArrayList<>();
      try (Scope ignored = span.makeCurrent()) {
        for (int i = 0; i < 4; i++) {
          inSpan.add(pool.submit(() -> log.info("in span")));
        }
      } finally {
        span.end();
      }
      for (Future<?> future : inSpan) {
        future.get(10, TimeUnit.SECONDS);
      }
      List<Future<?>> after = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        after.add(pool.submit(() -> log.info("after")));
      }
      for (Future<?> future : after) {
        future.get(10, TimeUnit.SECONDS);
      }

      assertThat(drainLines())
          .extracting(LogLine::text)
          .containsExactly(
              line(span.getSpanContext(), "in span"),
              line(span.getSpanContext(), "in span"),
              line(span.getSpanContext(), "in span"),
              line(span.getSpanContext(), "in span"),
              line(null, "after"),
              line(null, "after"),
              line(null, "after"),
              line(null, "after"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void completableFutureContinuationsCarryTheIds() throws Exception {
    ExecutorService pool = Context.taskWrapping(Executors.newFixedThreadPool(2));
    try {
      Span span = tracer.spanBuilder("async").startSpan();
      CompletableFuture<List<String>> seen;
      try (Scope ignored = span.makeCurrent()) {
        seen =
            CompletableFuture.supplyAsync(() -> ids(new ArrayList<>()), pool)
                .thenApplyAsync(AbstractMdcBridgeTest::ids, pool)
                .thenApplyAsync(AbstractMdcBridgeTest::ids, pool);
      } finally {
        span.end();
      }
      SpanContext expected = span.getSpanContext();
      String ids =
          expected.getTraceId()
              + "/"
              + expected.getSpanId()
              + "/"
              + expected.getTraceFlags().asHex();
      assertThat(seen.get(10, TimeUnit.SECONDS)).containsExactly(ids, ids, ids);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tenThousandTasksOnASmallPoolSeeOnlyTheirOwnIds() throws Exception {
    int tasks = 10_000;
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Span span = tracer.spanBuilder("task-parent-" + i).startSpan();
      span.end();
      spans.add(span);
    }
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Void>> work = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        int task = i;
        Span span = spans.get(i % spans.size());
        switch (i % 3) {
          case 0:
            // submitted with a span current, through Context.wrap
            work.add(
                Context.root()
                    .with(span)
                    .wrap(
                        () -> {
                          check(failures, task, span.getSpanContext());
                          return null;
                        }));
            break;
          case 1:
            // no context at all: a pooled thread must not remember a previous task's span
            work.add(
                () -> {
                  check(failures, task, null);
                  return null;
                });
            break;
          default:
            // the task opens and closes its own scopes, one of them left early by an exception
            work.add(
                () -> {
                  try (Scope ignored = span.makeCurrent()) {
                    check(failures, task, span.getSpanContext());
                    throw new IllegalStateException("body failed");
                  } catch (IllegalStateException expected) {
                    check(failures, task, null);
                  }
                  return null;
                });
        }
      }
      for (Future<Void> future : pool.invokeAll(work)) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void concurrentThreadsEachSeeTheirOwnSpan() throws Exception {
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 500; i++) {
                    Span span = tracer.spanBuilder("t" + thread).startSpan();
                    try (Scope ignored = span.makeCurrent()) {
                      check(failures, i, span.getSpanContext());
                    } finally {
                      span.end();
                    }
                    check(failures, i, null);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void virtualThreadsCarryTheIdsAndLeakNothing() throws Exception {
    // newVirtualThreadPerTaskExecutor is JDK 21 API: called reflectively so this compiles for 17
    Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    ExecutorService virtual = Context.taskWrapping((ExecutorService) factory.invoke(null));
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int task = i;
        Span span = tracer.spanBuilder("virtual-" + i).startSpan();
        try (Scope ignored = span.makeCurrent()) {
          futures.add(
              virtual.submit(
                  () -> {
                    check(failures, task, span.getSpanContext());
                    Span child = tracer.spanBuilder("child").startSpan();
                    try (Scope ignored2 = child.makeCurrent()) {
                      Thread.yield(); // may resume on another carrier thread
                      check(failures, task, child.getSpanContext());
                    } finally {
                      child.end();
                    }
                    check(failures, task, span.getSpanContext());
                    log.info("virtual");
                    return null;
                  }));
        } finally {
          span.end();
        }
        futures.add(virtual.submit(() -> check(failures, task, null)));
      }
      for (Future<?> future : futures) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      virtual.shutdownNow();
    }
    assertThat(failures).isEmpty();
    List<LogLine> lines = drainLines();
    assertThat(lines).hasSize(200);
    assertThat(lines).allSatisfy(line -> assertThat(line.mdc()).containsKeys(TRACE_ID, SPAN_ID));
    assertThat(lines.stream().map(line -> line.mdc().get(SPAN_ID)).distinct()).hasSize(200);
  }

  /**
   * A pooled thread that ran a task inside a span, and was never cleaned up by anyone, shows no ids
   * to the next task, in its log lines or through {@code MDC.get}.
   */
  @Test
  void pooledThreadShowsNoIdsAfterATaskThatLoggedInsideASpan() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Span span = tracer.spanBuilder("pooled").startSpan();
      Context withSpan = Context.root().with(span);
      String inside =
          pool.submit(
                  withSpan.wrap(
                      () -> {
                        LoggerFactory.getLogger("pooled").info("inside");
                        return MDC.get(TRACE_ID);
                      }))
              .get(10, TimeUnit.SECONDS);
      span.end();
      List<String> after =
          pool.submit(
                  () -> {
                    LoggerFactory.getLogger("pooled").info("after");
                    return java.util.Arrays.asList(
                        MDC.get(TRACE_ID), MDC.get(SPAN_ID), MDC.get(TRACE_FLAGS));
                  })
              .get(10, TimeUnit.SECONDS);

      assertThat(inside).isEqualTo(span.getSpanContext().getTraceId());
      assertThat(after).containsOnlyNulls();
      List<LogLine> lines = drainLines();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0).mdc()).containsEntry(TRACE_ID, span.getSpanContext().getTraceId());
      assertThat(lines.get(1).mdc()).doesNotContainKeys(TRACE_ID, SPAN_ID, TRACE_FLAGS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aContextMapCopiedAndRestoredInsideAScopeLeavesNoIdsOnThePooledThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Span span = tracer.spanBuilder("decorated").startSpan();
      Context withSpan = Context.root().with(span);
      // the usual task-decorator shape: copy the MDC, change it, put the copy back
      pool.submit(
              withSpan.wrap(
                  () -> {
                    Map<String, String> previous = MDC.getCopyOfContextMap();
                    MDC.put("user", "alice");
                    try {
                      LoggerFactory.getLogger("decorated").info("inside");
                    } finally {
                      MDC.setContextMap(previous);
                    }
                    return null;
                  }))
          .get(10, TimeUnit.SECONDS);
      span.end();
      List<String> after =
          pool.submit(
                  () -> {
                    LoggerFactory.getLogger("decorated").info("after");
                    return java.util.Arrays.asList(
                        MDC.get(TRACE_ID), MDC.get(SPAN_ID), MDC.get(TRACE_FLAGS), MDC.get("user"));
                  })
              .get(10, TimeUnit.SECONDS);

      assertThat(after).containsOnlyNulls();
      List<LogLine> lines = drainLines();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0).mdc())
          .containsEntry(TRACE_ID, span.getSpanContext().getTraceId())
          .containsEntry("user", "alice");
      assertThat(lines.get(1).mdc()).doesNotContainKeys(TRACE_ID, SPAN_ID, TRACE_FLAGS, "user");
    } finally {
      pool.shutdownNow();
    }
  }

  /** The line the documented pattern renders; a null span context renders empty ids. */
  static String line(SpanContext spanContext, String message) {
    if (spanContext == null) {
      return "trace_id= span_id= trace_flags= " + message;
    }
    return "trace_id="
        + spanContext.getTraceId()
        + " span_id="
        + spanContext.getSpanId()
        + " trace_flags="
        + spanContext.getTraceFlags().asHex()
        + " "
        + message;
  }

  private static List<String> ids(List<String> seen) {
    seen.add(MDC.get(TRACE_ID) + "/" + MDC.get(SPAN_ID) + "/" + MDC.get(TRACE_FLAGS));
    return seen;
  }

  /**
   * Seeded random sequences of nested attaches and closes (sampled, unsampled and invalid spans,
   * the root, the same context again, a context that only adds another key), log calls and the
   * application's own MDC writes, each step checked against a model: the ids of the innermost
   * context's valid span (none without one; the application's own {@code trace_id} once every scope
   * has closed) plus the application's keys, as {@code MDC.get}, {@code MDC.getCopyOfContextMap()}
   * and the log event all show them.
   */
  @Test
  void randomNestedScopesAlwaysShowTheInnermostSpanAndTheApplicationsKeys() {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      spans.add(tracer.spanBuilder("random-" + i).startSpan());
    }
    spans.add(unsampledTracerProvider.get("test").spanBuilder("random-unsampled").startSpan());
    spans.add(Span.getInvalid());
    for (long seed = 1; seed <= 20; seed++) {
      runRandomSequence(seed, spans);
    }
    spans.forEach(Span::end);
  }

  private void runRandomSequence(long seed, List<Span> spans) {
    java.util.Random random = new java.util.Random(seed);
    java.util.Deque<Scope> scopes = new java.util.ArrayDeque<>();
    java.util.Deque<Context> contexts = new java.util.ArrayDeque<>();
    Map<String, String> appKeys = new java.util.TreeMap<>();
    for (int step = 0; step < 400; step++) {
      int op = random.nextInt(10);
      String where = "seed " + seed + " step " + step + " op " + op;
      if (op < 4 && contexts.size() < 12) {
        Context parent = random.nextInt(4) == 0 ? Context.root() : Context.current();
        Context next;
        int kind = random.nextInt(4);
        if (kind == 0) {
          next = Context.current(); // the same context again
        } else if (kind == 1) {
          next = parent.with(OTHER_KEY, "v" + step); // another key only: the span stays
        } else {
          next = parent.with(spans.get(random.nextInt(spans.size())));
        }
        scopes.push(next.makeCurrent());
        contexts.push(next);
      } else if (op < 7 && !scopes.isEmpty()) {
        scopes.pop().close();
        contexts.pop();
      } else if (op == 7) {
        // the application's own trace_id only where no scope is open: inside one, the eager
        // bridge restores the value from before the scope when it closes
        String key =
            contexts.isEmpty() && random.nextInt(3) == 0 ? TRACE_ID : "app_" + random.nextInt(3);
        if (random.nextBoolean()) {
          MDC.put(key, "x" + step);
          appKeys.put(key, "x" + step);
        } else {
          MDC.remove(key);
          appKeys.remove(key);
        }
      } else {
        log.info("step " + step);
        List<LogLine> lines = drainLines();
        assertThat(lines).as(where).hasSize(1);
        assertThat(lines.get(0).mdc()).as(where).isEqualTo(expectedMdc(contexts, appKeys));
      }
      assertThat(Context.current())
          .as(where)
          .isSameAs(contexts.isEmpty() ? Context.root() : contexts.peek());
      Map<String, String> expected = expectedMdc(contexts, appKeys);
      Map<String, String> copy = MDC.getCopyOfContextMap();
      assertThat(copy == null ? Map.of() : copy).as(where).isEqualTo(expected);
      for (String key : List.of(TRACE_ID, SPAN_ID, TRACE_FLAGS, "app_0", "app_1", "app_2")) {
        assertThat(MDC.get(key)).as(where + " MDC.get(" + key + ")").isEqualTo(expected.get(key));
      }
    }
    while (!scopes.isEmpty()) {
      scopes.pop().close();
    }
    MDC.clear();
  }

  private static Map<String, String> expectedMdc(
      java.util.Deque<Context> contexts, Map<String, String> appKeys) {
    Map<String, String> expected = new java.util.HashMap<>(appKeys);
    if (contexts.isEmpty()) {
      return expected; // no scope open: the application's own values, its trace_id included
    }
    expected.remove(TRACE_ID);
    SpanContext ids = Span.fromContext(contexts.peek()).getSpanContext();
    if (ids.isValid()) {
      expected.put(TRACE_ID, ids.getTraceId());
      expected.put(SPAN_ID, ids.getSpanId());
      expected.put(TRACE_FLAGS, ids.getTraceFlags().asHex());
    }
    return expected;
  }

  private static void check(Queue<String> failures, int task, SpanContext expected) {
    String traceId = MDC.get(TRACE_ID);
    String spanId = MDC.get(SPAN_ID);
    String traceFlags = MDC.get(TRACE_FLAGS);
    boolean ok =
        expected == null
            ? traceId == null && spanId == null && traceFlags == null
            : expected.getTraceId().equals(traceId)
                && expected.getSpanId().equals(spanId)
                && expected.getTraceFlags().asHex().equals(traceFlags);
    if (!ok) {
      failures.add(
          "task "
              + task
              + " on "
              + Thread.currentThread()
              + ": expected "
              + expected
              + ", MDC had "
              + traceId
              + "/"
              + spanId
              + "/"
              + traceFlags);
    }
  }

  private static void assertIds(SpanContext expected) {
    assertThat(MDC.get(TRACE_ID)).isEqualTo(expected.getTraceId());
    assertThat(MDC.get(SPAN_ID)).isEqualTo(expected.getSpanId());
    assertThat(MDC.get(TRACE_FLAGS)).isEqualTo(expected.getTraceFlags().asHex());
  }

  private static void assertNoIds() {
    assertThat(MDC.get(TRACE_ID)).isNull();
    assertThat(MDC.get(SPAN_ID)).isNull();
    assertThat(MDC.get(TRACE_FLAGS)).isNull();
  }
}
