package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.WAIT;
import static dev.oteltoolkit.tests.TestTelemetry.exportingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Signal;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reliability scenarios under load, with the figures docs/RELIABILITY.md reports (printed as
 * {@code RELIABILITY ...} lines): {@value #THREADS} threads tracing as fast as they can while the
 * collector is down, slow or restarting, and then closing under load.
 *
 * <p>The number of calls is {@code -Doteltoolkit.reliability.calls} (default {@value
 * #DEFAULT_CALLS} in the build; the {@code soak} profile runs 100 000). Timing is measured and
 * reported, and asserted only against generous bounds that a blocked caller would exceed.
 */
@Timeout(600)
class ReliabilityLoadTest {

  static final int DEFAULT_CALLS = 20_000;
  static final int CALLS = Integer.getInteger("oteltoolkit.reliability.calls", DEFAULT_CALLS);

  /** The toolkit's default export batch size: the spans the exporter holds beside the queue. */
  private static final long DEFAULT_BATCH = Telemetry.DEFAULT_MAX_EXPORT_BATCH_SIZE;

  static final int THREADS = 4;
  private static final String OPERATION = "load";

  /** Far above any call that does not wait for export, far below a blocking export (2 s+). */
  private static final Duration CALL_BOUND = Duration.ofSeconds(1);

  /**
   * A liveness bound for {@code shutdown(2 s)} / {@code shutdown(3 s)} against a collector that is
   * down or slow. Not the timeout: OpenTelemetry SDK 1.65's {@code PeriodicMetricReader.shutdown()}
   * runs a last metric export on the calling thread and waits up to 5 s for it, beyond the
   * toolkit's deadline (measured: 7.0 s for {@code shutdown(2 s)}).
   */
  private static final long SHUTDOWN_BOUND_MILLIS = Duration.ofSeconds(3 + 5 + 4).toMillis();

  private static LoadResult baseline;

  private OtlpReceiver receiver;

  @BeforeAll
  static void measureBaseline() throws InterruptedException {
    // The same load exporting to memory: what the callers pay when export costs nothing.
    CountingExporter exporter = new CountingExporter();
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceName(TestTelemetry.SERVICE_NAME)
            .otlp(false)
            .addSpanExporter(exporter)
            .configProperties(Map.of("OTEL_BSP_MAX_QUEUE_SIZE", String.valueOf(2 * CALLS)))
            .build()) {
      run(telemetry.tracing(), Math.min(CALLS, 20_000), "warm-up");
      baseline = run(telemetry.tracing(), CALLS, "baseline");
    }
    assertThat(baseline.errors()).isEmpty();
    report("in-memory exporter (baseline)", null, baseline, "");
  }

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void collectorDownForTheWholeRun(Transport transport) throws Exception {
    String endpoint = "http://127.0.0.1:" + closedPort();
    PullMetricReader metrics = new PullMetricReader();
    Warnings warnings = Warnings.capture();
    Telemetry telemetry =
        exportingTo(endpoint, transport, Map.of()).addMetricReader(metrics).build();
    LoadResult result;
    long dropped;
    long queued;
    long heapGrowth;
    boolean exported;
    long shutdownMillis;
    try {
      long heapBefore = usedHeapAfterGc();
      result = run(telemetry.tracing(), CALLS, "collector-down");
      heapGrowth = usedHeapAfterGc() - heapBefore;
      dropped = metrics.droppedSpans();
      queued = metrics.queueSize();
      long start = System.nanoTime();
      exported = telemetry.shutdown(Duration.ofSeconds(2));
      shutdownMillis = (System.nanoTime() - start) / 1_000_000;
    } finally {
      telemetry.shutdown(Duration.ZERO);
      warnings.close();
    }

    assertThat(result.errors()).as("exceptions that reached callers").isEmpty();
    assertThat(result.completed()).isEqualTo(CALLS);
    assertThat(result.maxCall()).as("slowest call").isLessThan(CALL_BOUND);
    assertThat(exported).as("nothing could be exported").isFalse();
    assertThat(shutdownMillis).as("shutdown returns (liveness)").isLessThan(SHUTDOWN_BOUND_MILLIS);
    assertThat(queued).as("queue bounded").isLessThanOrEqualTo(Telemetry.DEFAULT_MAX_QUEUE_SIZE);
    // The queue holds DEFAULT_MAX_QUEUE_SIZE; the exporter works on one batch at a time,
    // retrying it for seconds: everything beyond that (with a batch of slack) is dropped, and
    // counted.
    assertThat(dropped)
        .as("dropped spans counted")
        .isPositive()
        .isGreaterThanOrEqualTo(CALLS - Telemetry.DEFAULT_MAX_QUEUE_SIZE - 2L * DEFAULT_BATCH);
    assertThat(warnings.fromOpenTelemetryExporters()).as("SDK export-failure logging").isEmpty();
    assertThat(warnings.fromToolkit())
        .as("toolkit warnings (1 per signal per minute + shutdown)")
        .hasSizeLessThanOrEqualTo(4);
    report(
        "collector down",
        transport,
        result,
        String.format(
            "dropped=%d (counted by processedSpans{dropped=true}); queue at end=%d; heap retained"
                + " after GC=%+.1f MB; shutdown(2 s) returned false after %d ms; warnings: %s",
            dropped, queued, heapGrowth / 1e6, shutdownMillis, warnings.summary()));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void collectorSlowForTheWholeRun(Transport transport) throws Exception {
    receiver = OtlpReceiver.start(transport);
    receiver.delay(Duration.ofSeconds(2)); // every export request takes 2 s
    PullMetricReader metrics = new PullMetricReader();
    Warnings warnings = Warnings.capture();
    Telemetry telemetry = exportingTo(receiver).addMetricReader(metrics).build();
    LoadResult result;
    long dropped;
    long queued;
    long shutdownMillis;
    boolean exported;
    try {
      result = run(telemetry.tracing(), CALLS, "collector-slow");
      dropped = metrics.droppedSpans();
      queued = metrics.queueSize();
      long start = System.nanoTime();
      exported = telemetry.shutdown(Duration.ofSeconds(3));
      shutdownMillis = (System.nanoTime() - start) / 1_000_000;
    } finally {
      telemetry.shutdown(Duration.ZERO);
      warnings.close();
    }
    int received = receiver.spans().size();

    assertThat(result.errors()).as("exceptions that reached callers").isEmpty();
    assertThat(result.completed()).isEqualTo(CALLS);
    assertThat(result.maxCall()).as("slowest call").isLessThan(CALL_BOUND);
    assertThat(queued).as("queue bounded").isLessThanOrEqualTo(Telemetry.DEFAULT_MAX_QUEUE_SIZE);
    assertThat(dropped)
        .as("overflow is counted: accepted + dropped = produced")
        .isGreaterThanOrEqualTo(CALLS - Telemetry.DEFAULT_MAX_QUEUE_SIZE - 2L * DEFAULT_BATCH);
    assertThat(shutdownMillis).as("shutdown returns (liveness)").isLessThan(SHUTDOWN_BOUND_MILLIS);
    assertThat(warnings.fromOpenTelemetryExporters()).isEmpty();
    report(
        "collector slow (2 s per export)",
        transport,
        result,
        String.format(
            "dropped=%d; queue at end=%d; received by the collector=%d; shutdown(3 s) returned %s"
                + " after %d ms; warnings: %s",
            dropped, queued, received, exported, shutdownMillis, warnings.summary()));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void collectorRestartsMidRun(Transport transport) throws Exception {
    receiver = OtlpReceiver.start(transport);
    int phase = CALLS / 4;
    // Room for every span: what is lost is then lost to the outage, not to overflow.
    Map<String, String> roomy = Map.of("OTEL_BSP_MAX_QUEUE_SIZE", String.valueOf(2 * CALLS));
    LoadResult before;
    LoadResult during;
    LoadResult after;
    long recoveryMillis;
    long outageMillis;
    boolean closed;
    PullMetricReader metrics = new PullMetricReader();
    Telemetry telemetry =
        exportingTo(receiver.endpoint(), transport, roomy).addMetricReader(metrics).build();
    long droppedAtEnd;
    try {
      Tracing tracing = telemetry.tracing();
      before = run(tracing, phase, "before");
      receiver.awaitSpans(spans -> phase(spans, "before") == phase, WAIT);

      receiver.stop();
      long stopped = System.nanoTime();
      during = run(tracing, phase, "during");
      // Let the exporter meet the closed port; it retries with backoff.
      assertThat(telemetry.forceFlush(Duration.ofMillis(500))).isFalse();
      long restarted = System.nanoTime();
      outageMillis = (restarted - stopped) / 1_000_000;
      receiver.restart();
      receiver.awaitSpans(spans -> phase(spans, "during") > 0, WAIT);
      recoveryMillis = (System.nanoTime() - restarted) / 1_000_000;
      // Let the flush requested during the outage finish before new spans come: SDK 1.65's
      // BatchSpanProcessor hands a later flush (close()'s own) that same pending flush, which
      // covers only the spans queued when it began, and can stop its worker on it (see
      // docs/RELIABILITY.md, "flush pending at close()"). Its result is not asserted: a metrics
      // flush during the exporter's retry backoff fails at once.
      telemetry.forceFlush(WAIT);

      after = run(tracing, phase, "after");
      droppedAtEnd = metrics.droppedSpans();
    } finally {
      closed = telemetry.shutdown(WAIT);
    }
    List<ReceivedSpan> spans = receiver.spans();

    assertThat(List.of(before, during, after))
        .allSatisfy(
            r -> {
              assertThat(r.errors()).isEmpty();
              assertThat(r.maxCall()).isLessThan(CALL_BOUND);
            });
    assertThat(droppedAtEnd).as("no overflow").isZero();
    assertThat(closed).as("close() exported everything accepted").isTrue();
    assertThat(phase(spans, "after")).as("new spans arrive once it is back").isEqualTo(phase);
    report(
        "collector restarts mid-run",
        transport,
        during,
        String.format(
            "%d calls before, %d during a %d ms outage, %d after; received %d / %d / %d;"
                + " first span after restart arrived %d ms after it",
            phase,
            phase,
            outageMillis,
            phase,
            phase(spans, "before"),
            phase(spans, "during"),
            phase(spans, "after"),
            recoveryMillis));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void shutdownUnderLoadLosesNothingAccepted(Transport transport) throws Exception {
    receiver = OtlpReceiver.start(transport);
    receiver.delay(Duration.ofMillis(20)); // a backlog is still queued when close() starts
    PullMetricReader metrics = new PullMetricReader();
    Map<String, String> roomy = Map.of("OTEL_BSP_MAX_QUEUE_SIZE", String.valueOf(CALLS + 10_000));
    Telemetry telemetry =
        exportingTo(receiver.endpoint(), transport, roomy).addMetricReader(metrics).build();
    LoadResult result = run(telemetry.tracing(), CALLS, "shutdown");
    long dropped = metrics.droppedSpans();
    long queued = metrics.queueSize();
    long start = System.nanoTime();
    boolean closed = telemetry.shutdown(Duration.ofSeconds(60));
    long closeMillis = (System.nanoTime() - start) / 1_000_000;
    List<ReceivedSpan> spans = receiver.spans();

    assertThat(result.errors()).isEmpty();
    assertThat(dropped).as("queue sized for the test: no overflow").isZero();
    assertThat(closed).as("close() reported success").isTrue();
    assertThat(spans).as("0 lost").hasSize(CALLS);
    Set<List<Object>> distinct =
        spans.stream()
            .map(s -> List.of(s.attributes().get("thread"), s.attributes().get("seq")))
            .collect(Collectors.toSet());
    assertThat(distinct).as("no duplicates").hasSize(CALLS);
    report(
        "shutdown under load",
        transport,
        result,
        String.format(
            "%d spans queued when close() started; close() exported them in %d ms; received %d,"
                + " lost 0, dropped (overflow) %d",
            queued, closeMillis, spans.size(), dropped));
  }

  @Test
  void retryAfterIsNotReadByTheExporter() {
    receiver = OtlpReceiver.start(Transport.HTTP_PROTOBUF);
    receiver.retryAfter(Duration.ofSeconds(30));
    receiver.failNext(Signal.TRACES, 1);
    long retried;
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      telemetry.tracing().traced("retried", () -> {});
      receiver.awaitFailedRequests(Signal.TRACES, 1, WAIT);
      long failed = System.nanoTime();
      receiver.awaitSpans(spans -> !spans.isEmpty(), WAIT);
      retried = (System.nanoTime() - failed) / 1_000_000;
    }
    // OpenTelemetry Java 1.65's exporters retry with their own exponential backoff (initial
    // 1 s, jittered) and ignore Retry-After: the retry comes long before the 30 s asked for.
    assertThat(retried).isLessThan(Duration.ofSeconds(30).toMillis());
    System.out.printf("RELIABILITY | 503 with Retry-After: 30 | retried after %d ms%n", retried);
  }

  /** The spans of {@code phase} received. */
  private static long phase(List<ReceivedSpan> spans, String phase) {
    return spans.stream().filter(s -> phase.equals(s.attributes().get("phase"))).count();
  }

  /**
   * Makes {@code calls} traced calls on {@value #THREADS} threads started together, timing each.
   */
  private static LoadResult run(Tracing tracing, int calls, String phase)
      throws InterruptedException {
    int perThread = calls / THREADS;
    long[][] durations = new long[THREADS][];
    List<Throwable> errors = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    AtomicLong completed = new AtomicLong();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      int count = thread == THREADS - 1 ? calls - perThread * (THREADS - 1) : perThread;
      long[] mine = new long[count];
      durations[t] = mine;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int seq = 0; seq < count; seq++) {
                    long begin = System.nanoTime();
                    tracing
                        .span(OPERATION)
                        .attribute("phase", phase)
                        .attribute("thread", (long) thread)
                        .attribute("seq", (long) seq)
                        .run(() -> {});
                    mine[seq] = System.nanoTime() - begin;
                    completed.incrementAndGet();
                  }
                } catch (Throwable e) {
                  synchronized (errors) {
                    errors.add(e);
                  }
                }
              },
              "load-" + phase + "-" + t);
      threads.add(worker);
      worker.start();
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
    long[] all = Arrays.stream(durations).flatMapToLong(Arrays::stream).sorted().toArray();
    synchronized (errors) {
      return new LoadResult(
          completed.get(),
          elapsed,
          Duration.ofNanos(all[all.length - 1]),
          Duration.ofNanos(all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)]),
          List.copyOf(errors));
    }
  }

  private static void report(
      String scenario, Transport transport, LoadResult result, String details) {
    System.out.printf(
        "RELIABILITY | %s | %s | %d calls on %d threads in %d ms | max call %.2f ms (%.1fx"
            + " baseline) | p99 %.1f us (%.1fx baseline) | %s%n",
        scenario,
        transport == null ? "-" : transport,
        result.completed(),
        THREADS,
        result.elapsed().toMillis(),
        result.maxCall().toNanos() / 1e6,
        ratio(result.maxCall(), baseline.maxCall()),
        result.p99().toNanos() / 1e3,
        ratio(result.p99(), baseline.p99()),
        details);
  }

  private static double ratio(Duration a, Duration b) {
    return (double) a.toNanos() / Math.max(1, b.toNanos());
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** What a load run measured. */
  private record LoadResult(
      long completed, Duration elapsed, Duration maxCall, Duration p99, List<Throwable> errors) {}

  /** An exporter that keeps nothing but a count: the cheapest possible export. */
  private static final class CountingExporter implements SpanExporter {
    private final AtomicLong exported = new AtomicLong();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      exported.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** The java.util.logging warnings logged while a scenario ran. */
  private static final class Warnings extends Handler implements AutoCloseable {
    private final List<LogRecord> records = new ArrayList<>();

    static Warnings capture() {
      Warnings warnings = new Warnings();
      Logger.getLogger("").addHandler(warnings);
      return warnings;
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        synchronized (records) {
          records.add(record);
        }
      }
    }

    List<LogRecord> fromOpenTelemetryExporters() {
      return matching("io.opentelemetry.exporter");
    }

    List<LogRecord> fromToolkit() {
      return matching("dev.oteltoolkit");
    }

    String summary() {
      synchronized (records) {
        Map<String, Long> byLogger =
            records.stream()
                .collect(
                    Collectors.groupingBy(
                        r -> String.valueOf(r.getLoggerName()), Collectors.counting()));
        return records.size() + " " + byLogger;
      }
    }

    private List<LogRecord> matching(String prefix) {
      synchronized (records) {
        return records.stream()
            .filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith(prefix))
            .toList();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      Logger.getLogger("").removeHandler(this);
    }
  }
}
