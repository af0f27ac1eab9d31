package dev.oteltoolkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * {@code traced} / {@code tracedAsync} and per-request totals on virtual threads: 100,000 requests,
 * one virtual thread each (and one more for each request's async part), every tenth failing.
 * Checked span by span as they end, so nothing is stored per request.
 */
class VirtualThreadsTest {

  private static final int REQUESTS = 100_000;
  private static final AttributeKey<Long> REQUEST_ID = AttributeKey.longKey("test.request.id");
  private static final AttributeKey<Long> TOTAL = AttributeKey.longKey("test.total");

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20, disabledReason = "the JVM has virtual threads")
  void beforeJava21TheExecutorFailsSayingWhatToDo() {
    assertThat(VirtualThreads.isAvailable()).isFalse();
    assertThatThrownBy(VirtualThreads::newVirtualThreadPerTaskExecutor)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage(
            "Virtual threads need Java 21 or later; this JVM is Java "
                + Runtime.version().feature()
                + ". Wrap a platform-thread executor instead: Context.taskWrapping(executor)");
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+")
  void aPlainVirtualThreadExecutorLosesTheRequestAndOursCarriesIt() throws Exception {
    try (SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Tracing tracing =
          Tracing.create(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
      ExecutorService plain = plainVirtualThreadExecutor();
      ExecutorService carrying = VirtualThreads.newVirtualThreadPerTaskExecutor();
      try {
        tracing.traced(
            "request",
            () -> {
              String request = Span.current().getSpanContext().getSpanId();
              assertThat(plain.submit(() -> Span.current().getSpanContext().isValid()).get())
                  .isFalse();
              assertThat(carrying.submit(() -> Span.current().getSpanContext().getSpanId()).get())
                  .isEqualTo(request);
              return null;
            });
      } finally {
        plain.shutdown();
        carrying.shutdown();
        assertThat(plain.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(carrying.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+")
  void hundredThousandRequestsOnVirtualThreadsKeepTheirOwnContextAndExactTotals() throws Exception {
    Checks checks = new Checks();
    try (SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder().addSpanProcessor(checks).build()) {
      Tracing tracing =
          Tracing.create(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
      ExecutorService executor = VirtualThreads.newVirtualThreadPerTaskExecutor();
      List<WeakReference<Span>> sampledRoots = new ArrayList<>();
      List<Future<?>> futures = new ArrayList<>(REQUESTS);
      for (int i = 0; i < REQUESTS; i++) {
        long id = i;
        boolean fails = i % 10 == 3;
        futures.add(
            executor.submit(
                () -> {
                  // a fresh virtual thread: nothing current, nothing left by another request
                  checks.expect(!Span.current().getSpanContext().isValid(), id, "context at start");
                  try {
                    request(tracing, executor, checks, id, fails, sampledRoots);
                  } catch (IllegalStateException e) {
                    checks.expect(fails && e.getMessage().equals("declined " + id), id, "thrown");
                  }
                  checks.expect(Context.current() == Context.root(), id, "context after");
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get(2, TimeUnit.MINUTES);
      }
      futures.clear();
      executor.shutdown();
      assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

      assertThat(checks.failures).isEmpty();
      assertThat(checks.roots.get()).isEqualTo(REQUESTS);
      assertThat(checks.asyncParts.get()).isEqualTo(REQUESTS);
      assertThat(checks.failedRoots.get()).isEqualTo(REQUESTS / 10);
      // memory: no request's span (nor its context and totals) outlives the request
      assertThat(sampledRoots).hasSize(REQUESTS / 1000);
      assertThat(collected(sampledRoots)).isTrue();
    }
  }

  /** One request: a root, an async part on another virtual thread, totals split between them. */
  private static void request(
      Tracing tracing,
      ExecutorService executor,
      Checks checks,
      long id,
      boolean fails,
      List<WeakReference<Span>> sampledRoots) {
    tracing
        .span("request")
        .attribute(REQUEST_ID, id)
        .run(
            () -> {
              Span root = Span.current();
              checks.expect(!parentOf(root).isValid(), id, "root has a parent");
              if (id % 1000 == 0) {
                synchronized (sampledRoots) {
                  sampledRoots.add(new WeakReference<>(root));
                }
              }
              CompletableFuture<String> async =
                  tracing
                      .span("async-part")
                      .attribute(REQUEST_ID, id)
                      .callAsync(
                          () -> {
                            String part = Span.current().getSpanContext().getSpanId();
                            return CompletableFuture.supplyAsync(
                                () -> {
                                  // another virtual thread, in the async part's context
                                  checks.expect(
                                      Span.current().getSpanContext().getSpanId().equals(part),
                                      id,
                                      "async context");
                                  checks.expect(
                                      RequestAccumulator.current().rootSpan() == root,
                                      id,
                                      "async totals");
                                  RequestAccumulator.current().addLong(TOTAL, id - id / 2);
                                  return part;
                                },
                                executor);
                          });
              RequestAccumulator.current().addLong(TOTAL, id / 2);
              async.join();
              if (fails) {
                throw new IllegalStateException("declined " + id);
              }
            });
  }

  private static io.opentelemetry.api.trace.SpanContext parentOf(Span span) {
    return ((ReadableSpan) span).getParentSpanContext();
  }

  /** Whether every referent was collected, after at most a few full collections. */
  private static boolean collected(List<WeakReference<Span>> references) {
    for (int attempt = 0; attempt < 20; attempt++) {
      if (references.stream().allMatch(reference -> reference.get() == null)) {
        return true;
      }
      System.gc();
    }
    return false;
  }

  private static ExecutorService plainVirtualThreadExecutor() throws Exception {
    // JDK 21 API, called reflectively: the tests compile for Java 17
    Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    return (ExecutorService) factory.invoke(null);
  }

  /** Checks each span as it ends; keeps counts and the first failures only. */
  private static final class Checks implements SpanProcessor {
    final AtomicLong roots = new AtomicLong();
    final AtomicLong failedRoots = new AtomicLong();
    final AtomicLong asyncParts = new AtomicLong();
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong failureCount = new AtomicLong();

    void expect(boolean condition, long id, String what) {
      if (!condition && failureCount.incrementAndGet() <= 10) {
        failures.add("request " + id + ": " + what);
      }
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      SpanData data = span.toSpanData();
      long id = data.getAttributes().get(REQUEST_ID);
      if (data.getName().equals("request")) {
        roots.incrementAndGet();
        boolean failed = data.getStatus().getStatusCode() == StatusCode.ERROR;
        if (failed) {
          failedRoots.incrementAndGet();
        }
        expect(failed == (id % 10 == 3), id, "status");
        // the exact total of this request, never another's
        expect(Long.valueOf(id).equals(data.getAttributes().get(TOTAL)), id, "total");
      } else {
        asyncParts.incrementAndGet();
        expect(data.getParentSpanContext().isValid(), id, "async part without parent");
        expect(data.getStatus().getStatusCode() == StatusCode.UNSET, id, "async status");
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
