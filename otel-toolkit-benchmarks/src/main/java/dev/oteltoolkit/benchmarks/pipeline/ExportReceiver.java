package dev.oteltoolkit.benchmarks.pipeline;

import dev.oteltoolkit.tests.OtlpReceiver;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The end-to-end module's OTLP receiver in its discarding mode (it decodes every request with the
 * official {@code opentelemetry-proto} classes and keeps nothing), counting the spans of each run.
 * A run is one pipeline built for one measurement step: its spans carry the resource attribute
 * {@value #RUN_KEY}, so spans that arrive late from an earlier step can never be counted in a later
 * one.
 *
 * <p>For the latency measure a run can also record, for each span that ended inside a time window,
 * its arrival time minus its end timestamp. Both come from the SDK's default {@link Clock} in this
 * JVM: the arrival is read as the decoded request reaches the receiver's handler.
 */
final class ExportReceiver implements AutoCloseable {

  /** The resource attribute naming the run a span belongs to. */
  static final String RUN_KEY = "benchmark.run";

  private final OtlpReceiver receiver;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final LongAdder foreignSpans = new LongAdder();
  private final AtomicInteger runCount = new AtomicInteger();
  private final Clock clock = Clock.getDefault();

  private ExportReceiver(Transport transport) {
    this.receiver = OtlpReceiver.discarding(transport, this::onTraces);
  }

  /** Starts a receiver on a free loopback port. */
  static ExportReceiver start(Transport transport) {
    return new ExportReceiver(transport);
  }

  /** The OTLP base URL of the receiver. */
  String endpoint() {
    return receiver.endpoint();
  }

  /** Requests that arrived and could not be decoded (each a lost batch). */
  int undecodableRequests() {
    return receiver.undecodableRequests();
  }

  /** Spans that arrived without a known run: none unless something is miswired. */
  long foreignSpans() {
    return foreignSpans.sum();
  }

  /** Starts counting a new run. */
  Run newRun(String label) {
    Run run = new Run(label + "-" + runCount.incrementAndGet());
    runs.put(run.id, run);
    return run;
  }

  @Override
  public void close() {
    receiver.close();
  }

  private void onTraces(ExportTraceServiceRequest request) {
    long arrival = clock.now();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Run run = runs.get(runOf(resourceSpans));
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        if (run == null) {
          foreignSpans.add(scopeSpans.getSpansCount());
          continue;
        }
        if (run.firstArrivalNanos == 0 && scopeSpans.getSpansCount() > 0) {
          run.firstArrival(System.nanoTime());
        }
        run.received.add(scopeSpans.getSpansCount());
        if (run.shapes != null) {
          run.tally(scopeSpans);
        }
        if (run.latencies != null) {
          for (Span span : scopeSpans.getSpansList()) {
            long end = span.getEndTimeUnixNano();
            if (end >= run.windowStart && end < run.windowEnd) {
              run.latencies.add(arrival - end);
            }
          }
        }
      }
    }
  }

  private static String runOf(ResourceSpans resourceSpans) {
    for (KeyValue attribute : resourceSpans.getResource().getAttributesList()) {
      if (attribute.getKey().equals(RUN_KEY)) {
        return attribute.getValue().getStringValue();
      }
    }
    return "";
  }

  /** The spans received for one run. */
  static final class Run {
    /** Distinct span shapes a run tallies at most (a miswired run cannot grow it). */
    static final int MAX_SHAPES = 64;

    final String id;
    private final LongAdder received = new LongAdder();
    private volatile long firstArrivalNanos;
    private volatile Map<String, LongAdder> shapes;
    private volatile PipelineSamples latencies;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MIN_VALUE;

    private Run(String id) {
      this.id = id;
    }

    long received() {
      return received.sum();
    }

    private synchronized void firstArrival(long nanos) {
      if (firstArrivalNanos == 0) {
        firstArrivalNanos = nanos;
      }
    }

    /**
     * When the first span of this run arrived, on this JVM's {@code System.nanoTime()} clock, or 0
     * when none has.
     */
    long firstArrivalNanos() {
      return firstArrivalNanos;
    }

    /**
     * Counts the spans of this run by shape ({@code KIND name}, instrumentation scope left out), at
     * most {@value #MAX_SHAPES} distinct shapes; call before the run's first span.
     */
    void tallyShapes() {
      shapes = new ConcurrentHashMap<>();
    }

    /** The spans counted per shape, or an empty map when {@link #tallyShapes} was not called. */
    Map<String, Long> shapes() {
      Map<String, Long> counts = new java.util.TreeMap<>();
      if (shapes != null) {
        shapes.forEach((shape, count) -> counts.put(shape, count.sum()));
      }
      return counts;
    }

    private void tally(ScopeSpans scopeSpans) {
      Map<String, LongAdder> tally = shapes;
      for (Span span : scopeSpans.getSpansList()) {
        String kind = span.getKind().name().replace("SPAN_KIND_", "");
        String shape = kind + " " + span.getName();
        LongAdder count = tally.get(shape);
        if (count == null) {
          if (tally.size() >= MAX_SHAPES) {
            shape = "(other)";
          }
          count = tally.computeIfAbsent(shape, k -> new LongAdder());
        }
        count.increment();
      }
    }

    /**
     * Records the latency of every span of this run whose end timestamp falls in [{@code
     * startEpochNanos}, {@code endEpochNanos}); set before the first such span can end.
     */
    void recordLatencies(long startEpochNanos, long endEpochNanos) {
      latencies = new PipelineSamples();
      windowEnd = endEpochNanos;
      windowStart = startEpochNanos;
    }

    /** The recorded latencies, or null when {@link #recordLatencies} was not called. */
    PipelineSamples latencies() {
      return latencies;
    }
  }
}
