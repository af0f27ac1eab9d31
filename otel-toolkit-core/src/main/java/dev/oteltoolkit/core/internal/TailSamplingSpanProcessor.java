package dev.oteltoolkit.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Internal, not for public use: in-process tail sampling. Stands in the tracer provider in front of
 * the exporting processors: head-sampled spans pass at once; unsampled spans are held per local
 * root ({@link TreeHolder}) by one worker thread fed through a non-blocking queue ({@link
 * EventQueue}), and a tree worth keeping goes downstream as {@link KeptSpan}s. How it decides, what
 * it never blocks on, and its flush and shutdown: docs/ARCHITECTURE.md, "Tail keeping".
 */
public final class TailSamplingSpanProcessor implements SpanProcessor {

  /**
   * Attribute on the local root of a kept tree: {@code error}, {@code latency} or {@code forced}.
   */
  public static final AttributeKey<String> KEPT_BY =
      AttributeKey.stringKey("oteltoolkit.sampling.kept_by");

  /** Attribute of the eviction counter: {@code cap} or {@code timeout}. */
  public static final AttributeKey<String> EVICTED_BY =
      AttributeKey.stringKey("oteltoolkit.sampling.evicted_by");

  /** Counter of the local trees kept, by {@link #KEPT_BY}. */
  public static final String KEPT_METRIC = "oteltoolkit.sampling.kept";

  /** Counter of the undecided local trees evicted (never exported), by {@link #EVICTED_BY}. */
  public static final String EVICTED_METRIC = "oteltoolkit.sampling.evicted";

  /** Gauge of the spans held. */
  public static final String HELD_METRIC = "oteltoolkit.sampling.held";

  /**
   * Default cap on the spans held in total: 8192.
   *
   * <p>Memory per held span, on a 64-bit JVM with compressed references: an ended span of a traced
   * call with a few attributes keeps about 450 bytes alive (the SDK span object ~112, its span
   * context 32 and span id string 56, the attribute map with its table and entries ~220, its lock
   * 16; the trace id string and clock are shared by the trace), and the holder adds about 80 (its
   * node 32, the span-id map entry with its share of the table ~44, the tree's slot). Counting 1 KB
   * per span, as the batch queue's default does, leaves room for larger attribute sets: 8192 spans
   * are at most about 8 MB, plus 0.2 MB for the event queue, under the 10 MB budget. At 1000
   * concurrent requests that is 8 spans each before the oldest trees are evicted. Spans carrying
   * large values (exception stack traces) weigh more.
   */
  public static final int DEFAULT_MAX_HELD_SPANS = 8192;

  /** Default cap on the spans held in one local tree: 1024 (about 1 MB). */
  public static final int DEFAULT_MAX_HELD_SPANS_PER_TRACE = 1024;

  /** Default time after which a tree whose local root has not ended is evicted: 60 s. */
  public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofSeconds(60);

  /** Smallest event queue: 16384 events, 192 KB allocated up front (the default cap's). */
  static final int MIN_QUEUE_CAPACITY = 1 << 14;

  /**
   * Largest event queue: 2<sup>18</sup> events, 3 MB allocated up front (a slot is a long and a
   * reference).
   */
  static final int MAX_QUEUE_CAPACITY = 1 << 18;

  private static final Logger logger = Logger.getLogger(TailSamplingSpanProcessor.class.getName());

  /** The worker is woken every this many + 1 events (a cheap unpark, amortized). */
  private static final long WAKE_MASK = 255;

  /** Longest sleep of an idle worker; bounds the delay of decisions and evictions. */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final SpanProcessor downstream;
  private final boolean downstreamStartRequired;
  private final EventQueue events;
  private final AtomicLong lostBefore = new AtomicLong(Long.MIN_VALUE);
  private final TreeHolder holder;
  private final Thread worker;
  private final String description;
  private final ConcurrentLinkedQueue<CompletableResultCode> flushRequests =
      new ConcurrentLinkedQueue<>();
  private final AtomicBoolean shutdownCalled = new AtomicBoolean();
  private final AtomicBoolean downstreamShutDown = new AtomicBoolean();
  private final CompletableResultCode shutdownResult = new CompletableResultCode();
  private volatile boolean stopping;
  private volatile boolean terminated;
  private volatile int heldSpans;
  private volatile Instruments instruments = Instruments.NOOP;
  private boolean warned; // worker thread only

  /**
   * Creates the processor and starts its worker thread.
   *
   * @param exporting the processors that export (they receive head-sampled spans and kept trees)
   * @param keepErrors keep trees with a span whose status is ERROR
   * @param keepSlowerThan keep trees whose local root took longer than this; null: off
   * @param keepHttpStatuses keep trees with a span whose {@code http.response.status_code} is one
   *     of these (empty: off)
   * @param maxHeldSpans cap on the spans held in total
   * @param maxHeldSpansPerTrace cap on the spans held in one local tree
   * @param holdTimeout how long a tree whose local root has not ended is held at most
   * @param nanoClock the time source of the timeout, like {@link System#nanoTime()}
   * @return the processor
   */
  public static TailSamplingSpanProcessor create(
      List<SpanProcessor> exporting,
      boolean keepErrors,
      Duration keepSlowerThan,
      BitSet keepHttpStatuses,
      int maxHeldSpans,
      int maxHeldSpansPerTrace,
      Duration holdTimeout,
      LongSupplier nanoClock) {
    TailSamplingSpanProcessor processor =
        new TailSamplingSpanProcessor(
            exporting,
            keepErrors,
            keepSlowerThan,
            keepHttpStatuses,
            maxHeldSpans,
            maxHeldSpansPerTrace,
            holdTimeout,
            nanoClock);
    processor.worker.start();
    return processor;
  }

  private TailSamplingSpanProcessor(
      List<SpanProcessor> exporting,
      boolean keepErrors,
      Duration keepSlowerThan,
      BitSet keepHttpStatuses,
      int maxHeldSpans,
      int maxHeldSpansPerTrace,
      Duration holdTimeout,
      LongSupplier nanoClock) {
    this.events = new EventQueue(queueCapacity(maxHeldSpans));
    this.downstream = SpanProcessor.composite(new ArrayList<>(exporting));
    this.downstreamStartRequired = downstream.isStartRequired();
    this.holder =
        new TreeHolder(
            keepErrors,
            keepSlowerThan == null ? 0 : keepSlowerThan.toNanos(),
            keepHttpStatuses,
            maxHeldSpans,
            maxHeldSpansPerTrace,
            holdTimeout.toNanos(),
            Objects.requireNonNull(nanoClock, "nanoClock"),
            lostBefore::get,
            new Outcomes());
    this.description =
        "TailSamplingSpanProcessor{keepErrors="
            + keepErrors
            + ", keepSlowerThan="
            + keepSlowerThan
            + ", keepHttpStatuses="
            + keepHttpStatuses
            + ", maxHeldSpans="
            + maxHeldSpans
            + ", maxHeldSpansPerTrace="
            + maxHeldSpansPerTrace
            + ", holdTimeout="
            + holdTimeout
            + ", downstream="
            + downstream
            + "}";
    this.worker = new Thread(this::work, "otel-toolkit-tail-sampling");
    worker.setDaemon(true);
  }

  /**
   * The capacity of the event queue for a total cap of {@code maxHeldSpans}: two events per span
   * the cap allows (a span sends one, a local root two), rounded up to a power of two, at least
   * {@link #MIN_QUEUE_CAPACITY} and at most {@link #MAX_QUEUE_CAPACITY}. The queue absorbs the
   * bursts in which span starts and ends outpace the worker (a descheduled worker, a GC pause); an
   * event that finds it full is lost and every tree open at that moment is evicted, so a larger cap
   * buys both more held trees and more slack. The default cap gives the smallest queue.
   *
   * @param maxHeldSpans the cap on the spans held in total
   * @return the queue's capacity, a power of two
   */
  static int queueCapacity(int maxHeldSpans) {
    long events = Math.max(2L * maxHeldSpans, MIN_QUEUE_CAPACITY);
    if (events >= MAX_QUEUE_CAPACITY) {
      return MAX_QUEUE_CAPACITY;
    }
    return Integer.highestOneBit((int) events - 1) << 1;
  }

  /**
   * Registers the counters {@value #KEPT_METRIC} and {@value #EVICTED_METRIC} and the gauge {@value
   * #HELD_METRIC} on {@code meter}. Until then nothing is counted.
   *
   * @param meter core's meter
   */
  public void registerMetrics(Meter meter) {
    LongCounter kept =
        meter
            .counterBuilder(KEPT_METRIC)
            .setUnit("{tree}")
            .setDescription(
                "Local trace trees that head sampling dropped and tail sampling kept, by reason.")
            .build();
    LongCounter evicted =
        meter
            .counterBuilder(EVICTED_METRIC)
            .setUnit("{tree}")
            .setDescription(
                "Local trace trees held by tail sampling and evicted, never exported, because a"
                    + " cap was reached or their root did not end in time.")
            .build();
    meter
        .gaugeBuilder(HELD_METRIC)
        .ofLongs()
        .setUnit("{span}")
        .setDescription("Spans held by tail sampling until their local root ends.")
        .buildWithCallback(measurement -> measurement.record(heldSpans));
    instruments = new Instruments(kept, evicted);
  }

  /**
   * Returns the number of spans held, as of the worker's last round.
   *
   * @return the spans held
   */
  public int heldSpans() {
    return heldSpans;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (downstreamStartRequired) {
      downstream.onStart(parentContext, span);
    }
    if (span.getSpanContext().isSampled()) {
      SpanContext parent = span.getParentSpanContext();
      if (!parent.isValid() || parent.isRemote() || parent.isSampled()) {
        return; // head-sampled: nothing to hold
      }
      // sampled below an unsampled local span (forceSample): its tree is kept as forced
    }
    enqueue(span);
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    SpanContext context = span.getSpanContext();
    if (context.isSampled()) {
      downstream.onEnd(span);
      return;
    }
    SpanContext parent = span.getParentSpanContext();
    if (!parent.isValid() || parent.isRemote()) {
      enqueue(context); // a local root: its tree is decided (the others are asked then)
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  private void enqueue(Object event) {
    if (terminated) {
      return; // the worker is gone (shut down, or stopped by a failure): hold nothing
    }
    long position = events.offer(event);
    if (position < 0) {
      // lost: no tree that started before now may be exported (it could be partial)
      lostBefore.accumulateAndGet(events.producerPosition(), Math::max);
      return;
    }
    if ((position & WAKE_MASK) == 0) {
      LockSupport.unpark(worker);
    }
  }

  @Override
  public CompletableResultCode forceFlush() {
    if (shutdownCalled.get() || terminated) {
      return downstream.forceFlush();
    }
    CompletableResultCode result = new CompletableResultCode();
    flushRequests.add(result);
    LockSupport.unpark(worker);
    if (terminated && flushRequests.remove(result)) {
      return downstream.forceFlush();
    }
    return result;
  }

  @Override
  public CompletableResultCode shutdown() {
    if (!shutdownCalled.compareAndSet(false, true)) {
      return shutdownResult;
    }
    stopping = true;
    LockSupport.unpark(worker);
    if (terminated) {
      shutDownDownstream();
    }
    return shutdownResult;
  }

  @Override
  public String toString() {
    return description;
  }

  private void work() {
    try {
      while (true) {
        boolean stop = stopping; // read first: every event queued before shutdown() is drained
        drain();
        CompletableResultCode flush;
        while ((flush = flushRequests.poll()) != null) {
          drain();
          holder.sweep(events.consumerPosition(), events::producerPosition);
          heldSpans = holder.held();
          answer(flush, downstream.forceFlush());
        }
        holder.sweep(events.consumerPosition(), events::producerPosition);
        heldSpans = holder.held();
        if (stop) {
          break;
        }
        if (events.isEmpty() && flushRequests.isEmpty() && !stopping) {
          LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        }
      }
    } catch (Throwable t) {
      logger.log(
          Level.SEVERE,
          "otel-toolkit: tail sampling stopped; unsampled spans are no"
              + " longer held (head-sampled spans are exported as usual)",
          t);
    } finally {
      holder.clear();
      heldSpans = 0;
      terminated = true;
      CompletableResultCode flush;
      while ((flush = flushRequests.poll()) != null) {
        answer(flush, downstream.forceFlush());
      }
      if (stopping) {
        shutDownDownstream();
      }
    }
  }

  /** Processes the queued events, at most one queue's worth so flushes are not starved. */
  private void drain() {
    for (int i = 0, n = events.capacity(); i < n; i++) {
      long position = events.consumerPosition();
      Object event = events.poll();
      if (event == null) {
        return;
      }
      try {
        if (event instanceof SpanContext spanContext) {
          holder.rootEnded(spanContext);
        } else {
          holder.started((ReadableSpan) event, position);
        }
      } catch (RuntimeException e) {
        warnOnce(e);
      }
    }
  }

  private void warnOnce(RuntimeException e) {
    logger.log(
        warned ? Level.FINE : Level.WARNING,
        "otel-toolkit: tail sampling failed to process a span; its tree may not be exported",
        e);
    warned = true;
  }

  private void shutDownDownstream() {
    if (downstreamShutDown.compareAndSet(false, true)) {
      answer(shutdownResult, downstream.shutdown());
    }
  }

  private static void answer(CompletableResultCode target, CompletableResultCode source) {
    source.whenComplete(
        () -> {
          if (source.isSuccess()) {
            target.succeed();
          } else {
            target.fail();
          }
        });
  }

  /** Where the holder's outcomes go: downstream and the metrics. */
  private final class Outcomes implements TreeHolder.Listener {
    @Override
    public void export(ReadableSpan span) {
      downstream.onEnd(span);
    }

    @Override
    public void kept(String reason) {
      instruments.kept(reason);
    }

    @Override
    public void evicted(String reason) {
      instruments.evicted(reason);
    }
  }

  /** The counters, with their attribute sets built once. */
  private static final class Instruments {
    static final Instruments NOOP = new Instruments(null, null);

    private final LongCounter kept;
    private final LongCounter evicted;
    private final Attributes error = Attributes.of(KEPT_BY, TreeHolder.ERROR);
    private final Attributes latency = Attributes.of(KEPT_BY, TreeHolder.LATENCY);
    private final Attributes forced = Attributes.of(KEPT_BY, TreeHolder.FORCED);
    private final Attributes httpStatus = Attributes.of(KEPT_BY, TreeHolder.HTTP_STATUS);
    private final Attributes cap = Attributes.of(EVICTED_BY, TreeHolder.CAP);
    private final Attributes timeout = Attributes.of(EVICTED_BY, TreeHolder.TIMEOUT);

    Instruments(LongCounter kept, LongCounter evicted) {
      this.kept = kept;
      this.evicted = evicted;
    }

    void kept(String reason) {
      if (kept != null) {
        kept.add(
            1,
            reason.equals(TreeHolder.ERROR)
                ? error
                : reason.equals(TreeHolder.LATENCY)
                    ? latency
                    : reason.equals(TreeHolder.HTTP_STATUS) ? httpStatus : forced);
      }
    }

    void evicted(String reason) {
      if (evicted != null) {
        evicted.add(1, reason.equals(TreeHolder.CAP) ? cap : timeout);
      }
    }
  }
}
