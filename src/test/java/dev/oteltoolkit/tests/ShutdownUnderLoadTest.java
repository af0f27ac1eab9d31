package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.WAIT;
import static dev.oteltoolkit.tests.TestTelemetry.exportingTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The "0 lost" guarantee: every span accepted before {@code close()} is exported before it returns,
 * with two threads producing and a collector slow enough to keep a backlog.
 */
@Timeout(90)
class ShutdownUnderLoadTest {

  private static final String DURATION = "oteltoolkit.operation.duration";
  private static final String OPERATION_NAME = "oteltoolkit.operation.name";
  private static final String OPERATION = "produce";
  private static final int PRODUCERS = 2;
  private static final int MAX_PER_PRODUCER = 10_000;
  private static final int WARM_UP = 1_000;

  /**
   * A queue that holds everything the producers can make, so that a missing span is a loss at
   * shutdown and never the (separate, counted) overflow of a burst.
   */
  private static final Map<String, String> ROOMY_QUEUE =
      Map.of("OTEL_BSP_MAX_QUEUE_SIZE", String.valueOf(PRODUCERS * MAX_PER_PRODUCER + 10_000));

  private OtlpReceiver receiver;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void closeExportsEverySpanEndedBeforeIt(Transport transport) throws InterruptedException {
    receiver = OtlpReceiver.start(transport);
    receiver.delay(Duration.ofMillis(20)); // slow collector: the queue holds a backlog at close
    Telemetry telemetry = exportingTo(receiver.endpoint(), transport, ROOMY_QUEUE).build();

    Producers producers = Producers.start(telemetry.tracing());
    receiver.awaitSpans(s -> !s.isEmpty(), WAIT); // exports are under way
    producers.stopAndJoin();
    int[] produced = producers.completed();
    telemetry.close();

    assertThat(producers.errors()).isEmpty();
    assertThat(telemetry.shutdown(Duration.ZERO)).as("close() reported success").isTrue();
    List<ReceivedSpan> spans = receiver.spans();
    int total = produced[0] + produced[1];
    assertThat(spans).hasSize(total);
    assertThat(received(spans)).hasSize(total); // no duplicates
    for (int p = 0; p < PRODUCERS; p++) {
      assertThat(sequences(spans, p)).as("producer %d", p).hasSize(produced[p]);
    }
    assertThat(receiver.histogramCount(DURATION, OPERATION_NAME, OPERATION)).isEqualTo(total);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void closeWhileProducingLosesNoAcceptedSpan(Transport transport) throws InterruptedException {
    receiver = OtlpReceiver.start(transport);
    receiver.delay(Duration.ofMillis(20));
    Telemetry telemetry = exportingTo(receiver.endpoint(), transport, ROOMY_QUEUE).build();

    Producers producers = Producers.start(telemetry.tracing());
    producers.awaitWarmedUp(); // both threads are mid-way: close() meets them producing
    // Every call counted here has ended its span before close() starts: it must arrive.
    int[] beforeClose = producers.completed();
    telemetry.close(); // the producers keep going, through and after the shutdown
    int[] atCloseEnd = producers.completed();
    producers.stopAndJoin();
    int[] produced = producers.completed();

    assertThat(producers.errors()).as("tracing during and after close() never throws").isEmpty();
    assertThat(telemetry.shutdown(Duration.ZERO)).as("close() reported success").isTrue();
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(received(spans)).as("no duplicates").hasSize(spans.size());
    for (int p = 0; p < PRODUCERS; p++) {
      Set<Long> sequences = sequences(spans, p);
      for (long seq = 0; seq < beforeClose[p]; seq++) {
        if (!sequences.contains(seq)) {
          throw new AssertionError(
              "producer "
                  + p
                  + " call "
                  + seq
                  + " ended before close() but never arrived; "
                  + "received "
                  + sequences.size()
                  + " of "
                  + beforeClose[p]);
        }
      }
      int made = produced[p];
      assertThat(sequences).allMatch(seq -> seq < made);
    }
    long counted = receiver.histogramCount(DURATION, OPERATION_NAME, OPERATION);
    assertThat(counted)
        .isBetween((long) beforeClose[0] + beforeClose[1], (long) produced[0] + produced[1]);
    System.out.printf(
        "%s: %d+%d calls before close(), %d+%d when it returned, %d spans received%n",
        transport, beforeClose[0], beforeClose[1], atCloseEnd[0], atCloseEnd[1], spans.size());
  }

  /** Distinct (producer, sequence) pairs among the spans. */
  private static Set<List<Object>> received(List<ReceivedSpan> spans) {
    Set<List<Object>> pairs = new HashSet<>();
    for (ReceivedSpan span : spans) {
      pairs.add(List.of(span.attributes().get("producer"), span.attributes().get("seq")));
    }
    return pairs;
  }

  private static Set<Long> sequences(List<ReceivedSpan> spans, long producer) {
    Set<Long> sequences = new HashSet<>();
    for (ReceivedSpan span : spans) {
      assertThat(span.name()).isEqualTo(OPERATION);
      if (Long.valueOf(producer).equals(span.attributes().get("producer"))) {
        sequences.add((Long) span.attributes().get("seq"));
      }
    }
    return sequences;
  }

  /** Threads that trace calls as fast as they can until told to stop or at their maximum. */
  private static final class Producers {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger[] completed = new AtomicInteger[PRODUCERS];
    private final List<Throwable> errors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch warmedUp = new CountDownLatch(PRODUCERS);

    static Producers start(Tracing tracing) {
      Producers producers = new Producers();
      for (int p = 0; p < PRODUCERS; p++) {
        AtomicInteger done = new AtomicInteger();
        producers.completed[p] = done;
        long producer = p;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    for (int seq = 0; seq < MAX_PER_PRODUCER && !producers.stop.get(); seq++) {
                      tracing
                          .span(OPERATION)
                          .attribute("producer", producer)
                          .attribute("seq", (long) seq)
                          .run(() -> {});
                      if (done.incrementAndGet() == WARM_UP) {
                        producers.warmedUp.countDown();
                      }
                    }
                  } catch (Throwable t) {
                    synchronized (producers.errors) {
                      producers.errors.add(t);
                    }
                  } finally {
                    if (done.get() < WARM_UP) {
                      producers.warmedUp.countDown(); // never leave the test waiting
                    }
                  }
                },
                "producer-" + p);
        producers.threads.add(thread);
        thread.start();
      }
      return producers;
    }

    void awaitWarmedUp() throws InterruptedException {
      assertThat(warmedUp.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    void stopAndJoin() throws InterruptedException {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
    }

    int[] completed() {
      int[] counts = new int[PRODUCERS];
      for (int p = 0; p < PRODUCERS; p++) {
        counts[p] = completed[p].get();
      }
      return counts;
    }

    List<Throwable> errors() {
      synchronized (errors) {
        return List.copyOf(errors);
      }
    }
  }
}
