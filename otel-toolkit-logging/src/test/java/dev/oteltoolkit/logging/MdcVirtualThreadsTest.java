package dev.oteltoolkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.api.VirtualThreads;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The MDC bridge (activated by its service, as in the other backend tests) on 100,000 requests, one
 * virtual thread each plus one for each request's async part, every tenth failing: each thread's
 * MDC shows its own request's ids while a span is current and nothing otherwise.
 */
class MdcVirtualThreadsTest {
  // Logback here; Log4j2MdcVirtualThreadsTest runs the same with Log4j2 (the log4j2 execution)

  private static final int REQUESTS = 100_000;

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21+")
  void everyRequestSeesItsOwnIdsAndLeavesNothingBehind() throws Exception {
    // SLF4J starts as an application does, before requests: while it is still initializing, MDC
    // writes of other threads go to its temporary adapter and are lost (seen here once in about
    // 20,000 requests with Logback, 60 with Log4j2 when SLF4J was first touched by the requests)
    LoggerFactory.getLogger(MdcVirtualThreadsTest.class).info("{} requests", REQUESTS);
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong failureCount = new AtomicLong();
    AtomicLong failedRequests = new AtomicLong();
    try (SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build()) {
      Tracing tracing =
          Tracing.create(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
      ExecutorService executor = VirtualThreads.newVirtualThreadPerTaskExecutor();
      List<Future<?>> futures = new ArrayList<>(REQUESTS);
      for (int i = 0; i < REQUESTS; i++) {
        int id = i;
        futures.add(
            executor.submit(
                () -> {
                  Check check =
                      (ok, what) -> {
                        if (!ok && failureCount.incrementAndGet() <= 10) {
                          failures.add(
                              "request " + id + ": " + what + " " + MDC.getCopyOfContextMap());
                        }
                      };
                  check.expect(MDC.get("trace_id") == null, "ids before the request");
                  try {
                    tracing.traced(
                        "request",
                        () -> {
                          check.expect(matches(Span.current().getSpanContext()), "request ids");
                          tracing
                              .tracedAsync(
                                  "async-part",
                                  () -> {
                                    SpanContext part = Span.current().getSpanContext();
                                    return CompletableFuture.supplyAsync(
                                        () -> {
                                          check.expect(matches(part), "async ids");
                                          return null;
                                        },
                                        executor);
                                  })
                              .join();
                          check.expect(matches(Span.current().getSpanContext()), "ids restored");
                          if (id % 10 == 1) {
                            throw new IllegalStateException("failed");
                          }
                        });
                  } catch (IllegalStateException expected) {
                    failedRequests.incrementAndGet();
                  }
                  check.expect(
                      MDC.get("trace_id") == null
                          && MDC.get("span_id") == null
                          && MDC.get("trace_flags") == null,
                      "ids after the request");
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get(2, TimeUnit.MINUTES);
      }
      executor.shutdown();
      assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }
    assertThat(failures).isEmpty();
    assertThat(failedRequests).hasValue(REQUESTS / 10);
  }

  private static boolean matches(SpanContext span) {
    return span.isValid()
        && span.getTraceId().equals(MDC.get("trace_id"))
        && span.getSpanId().equals(MDC.get("span_id"))
        && span.getTraceFlags().asHex().equals(MDC.get("trace_flags"));
  }

  private interface Check {
    void expect(boolean ok, String what);
  }
}
