package dev.oteltoolkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The holder fed event by event, as the worker feeds it, without threads in between. */
class TreeHolderTest {

  private static final long TIMEOUT = 1_000;

  private final List<Object> events = new ArrayList<>();
  private final List<ReadableSpan> exported = new ArrayList<>();
  private final List<String> counts = new ArrayList<>();
  private final AtomicLong lostBefore = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong now = new AtomicLong();
  private final TreeHolder holder =
      new TreeHolder(
          true,
          0,
          new java.util.BitSet(),
          100,
          10,
          TIMEOUT,
          now::get,
          lostBefore::get,
          new TreeHolder.Listener() {
            @Override
            public void export(ReadableSpan span) {
              exported.add(span);
            }

            @Override
            public void kept(String reason) {
              counts.add("kept:" + reason);
            }

            @Override
            public void evicted(String reason) {
              counts.add("evicted:" + reason);
            }
          });
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder()
          .setSampler(new TailSampler(Sampler.alwaysOff()))
          .addSpanProcessor(new Recorder())
          .build();
  private final Tracer tracer = provider.get("test");
  private long position;

  @AfterEach
  void tearDown() {
    provider.close();
  }

  @Test
  void aTreeThatMayHaveLostAnEventIsEvictedNotDecided() {
    failingRequest("first");
    lostBefore.set(events.size()); // an event was lost after everything so far was queued
    failingRequest("second");
    feed();

    assertThat(counts).containsExactly("evicted:cap", "kept:error");
    assertThat(exported)
        .extracting(ReadableSpan::getName)
        .containsExactly("second-child", "second");
    assertThat(holder.held()).isZero();

    failingRequest("third"); // the list of trees is intact
    feed();
    assertThat(exported)
        .extracting(ReadableSpan::getName)
        .containsExactly("second-child", "second", "third-child", "third");
    assertThat(holder.held()).isZero();
  }

  @Test
  void heldCountsOnlyTheSpansStillKeptAlive() {
    Span root = tracer.spanBuilder("kept").setParent(Context.root()).startSpan();
    Span leftover;
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("kept-child").startSpan().end();
      leftover = tracer.spanBuilder("kept-async").startSpan(); // still open when the root ends
      root.setStatus(StatusCode.ERROR);
    } finally {
      root.end();
    }
    Span discardedRoot = tracer.spanBuilder("healthy").setParent(Context.root()).startSpan();
    Span discardedLeftover =
        tracer
            .spanBuilder("healthy-async")
            .setParent(Context.root().with(discardedRoot))
            .startSpan();
    discardedRoot.end();
    feed();

    // exported and discarded spans are let go at the decision; the kept tree's open leftover is
    // still held (it is exported when it ends), the discarded one's is not
    assertThat(exported).extracting(ReadableSpan::getName).containsExactly("kept-child", "kept");
    assertThat(holder.held()).isEqualTo(1);

    leftover.end();
    discardedLeftover.end();
    feed();
    assertThat(exported)
        .extracting(ReadableSpan::getName)
        .containsExactly("kept-child", "kept", "kept-async");
    assertThat(holder.held()).isZero();
    assertThat(counts).containsExactly("kept:error");
  }

  @Test
  void aDecidedTreeWhoseLeftoverNeverEndsIsForgottenAfterTheTimeout() {
    Span leaked = failedRootWithOpenChild("leaked");
    feed();
    assertThat(holder.held()).isEqualTo(1);

    now.set(TIMEOUT - 1);
    holder.sweep(position, () -> position);
    assertThat(holder.held()).isEqualTo(1);
    now.set(TIMEOUT);
    holder.sweep(position, () -> position);
    assertThat(holder.held()).isZero();

    leaked.end(); // too late: forgotten, not exported, not counted as an eviction
    feed();
    assertThat(exported).extracting(ReadableSpan::getName).containsExactly("kept");
    assertThat(counts).containsExactly("kept:error");
  }

  @Test
  void anUndecidedTreeIsEvictedAfterTheTimeoutAndCounted() {
    Span root = tracer.spanBuilder("stuck").setParent(Context.root()).startSpan();
    feed();
    now.set(TIMEOUT);
    holder.sweep(position, () -> position);
    assertThat(holder.held()).isZero();
    assertThat(counts).containsExactly("evicted:timeout");
    root.end();
    feed();
    assertThat(exported).isEmpty();
  }

  @Test
  void aKeptTreeAtThePerTraceCapHoldsNoMoreButKeepsWhatItHas() {
    Span leftover = failedRootWithOpenChild("kept-async");
    feed(); // kept, its leftover open: 2 spans of the per-trace cap of 10
    try (Scope ignored = leftover.makeCurrent()) {
      for (int i = 0; i < 12; i++) {
        tracer.spanBuilder("late-" + i).startSpan().end();
      }
    }
    leftover.end();
    feed();

    List<String> names = exported.stream().map(ReadableSpan::getName).toList();
    assertThat(names)
        .hasSize(10)
        .startsWith("kept")
        .contains("kept-async", "late-0", "late-7")
        .doesNotContain("late-8", "late-11");
    assertThat(counts).containsExactly("kept:error");
    assertThat(holder.held()).isZero();
  }

  @Test
  void keptTreesWithOpenLeftoversCountAgainstTheTotalCapOldestFirst() {
    List<Span> leftovers = new ArrayList<>();
    for (int t = 0; t < 11; t++) { // 11 kept trees of 10 nodes: 110 > the cap of 100
      Span root = tracer.spanBuilder("kept-" + t).setParent(Context.root()).startSpan();
      try (Scope ignored = root.makeCurrent()) {
        for (int i = 0; i < 9; i++) {
          leftovers.add(tracer.spanBuilder("async-" + t).startSpan());
        }
        root.setStatus(StatusCode.ERROR);
      } finally {
        root.end();
      }
      feed();
    }
    assertThat(holder.held()).isLessThanOrEqualTo(100);

    failingRequest("after"); // a new request is still held and decided, not evicted at once
    feed();
    assertThat(exported).extracting(ReadableSpan::getName).contains("after-child", "after");
    assertThat(counts).doesNotContain("evicted:cap");

    leftovers.forEach(Span::end);
    feed();
    // the oldest kept tree was forgotten with its leftovers; the ten others got theirs
    assertThat(exported)
        .extracting(ReadableSpan::getName)
        .doesNotContain("async-0")
        .contains("async-1", "async-10");
    assertThat(holder.held()).isZero();
  }

  @Test
  void aChildQueuedBeforeItsLeftoverParentEndedStillJoinsTheKeptTree() {
    Span leftover = failedRootWithOpenChild("kept-async");
    feed();
    try (Scope ignored = leftover.makeCurrent()) {
      tracer.spanBuilder("late-child").startSpan().end();
    }
    leftover.end();
    // the worker looks at its trees before it has processed the child's start event
    assertThat(events).hasSize(1);
    holder.sweep(position, () -> position + events.size());
    assertThat(exported).extracting(ReadableSpan::getName).containsExactly("kept", "kept-async");

    feed(); // the start event finds its parent: the tree was not released too early
    assertThat(exported)
        .extracting(ReadableSpan::getName)
        .containsExactly("kept", "kept-async", "late-child");
    assertThat(holder.held()).isZero();
  }

  @Test
  void theEventQueueGrowsWithTheCapOnHeldSpans() {
    assertThat(TailSamplingSpanProcessor.queueCapacity(1)).isEqualTo(16384);
    assertThat(
            TailSamplingSpanProcessor.queueCapacity(
                TailSamplingSpanProcessor.DEFAULT_MAX_HELD_SPANS))
        .isEqualTo(16384);
    assertThat(TailSamplingSpanProcessor.queueCapacity(8193)).isEqualTo(32768);
    assertThat(TailSamplingSpanProcessor.queueCapacity(32768)).isEqualTo(65536);
    assertThat(TailSamplingSpanProcessor.queueCapacity(Integer.MAX_VALUE))
        .isEqualTo(TailSamplingSpanProcessor.MAX_QUEUE_CAPACITY);
  }

  @Test
  void keptSpansCarryTheSampledFlagAndTheRootItsReason() {
    failingRequest("only");
    feed();
    assertThat(exported).hasSize(2);
    assertThat(exported)
        .allSatisfy(
            span -> {
              assertThat(span.getSpanContext().isSampled()).isTrue();
              assertThat(span.toSpanData().getSpanContext().isSampled()).isTrue();
              assertThat(span.hasEnded()).isTrue();
            });
    ReadableSpan root = exported.get(1);
    assertThat(root.getAttribute(TailSamplingSpanProcessor.KEPT_BY)).isEqualTo("error");
    assertThat(root.toSpanData().getAttributes().get(TailSamplingSpanProcessor.KEPT_BY))
        .isEqualTo("error");
    assertThat(root.toSpanData().getTotalAttributeCount()).isEqualTo(1);
    assertThat(exported.get(0).getAttribute(TailSamplingSpanProcessor.KEPT_BY)).isNull();
    assertThat(exported.get(0).getParentSpanContext().getSpanId())
        .isEqualTo(root.getSpanContext().getSpanId());
  }

  @Test
  void theSamplerLeavesHeadSampledTreesAlone() {
    SdkTracerProvider sampled =
        SdkTracerProvider.builder()
            .setSampler(new TailSampler(Sampler.parentBased(Sampler.alwaysOn())))
            .build();
    try {
      Tracer t = sampled.get("test");
      Span root = t.spanBuilder("root").startSpan();
      Span child = t.spanBuilder("child").setParent(Context.root().with(root)).startSpan();
      assertThat(root.getSpanContext().isSampled()).isTrue();
      assertThat(child.getSpanContext().isSampled()).isTrue();
      child.end();
      root.end();
    } finally {
      sampled.close();
    }
    Span unsampledRoot = tracer.spanBuilder("root").startSpan();
    assertThat(unsampledRoot.isRecording()).isTrue();
    assertThat(unsampledRoot.getSpanContext().isSampled()).isFalse();
    unsampledRoot.end();
  }

  @Test
  void eventQueueFailsWhenFullAndKeepsOrder() {
    EventQueue queue = new EventQueue(4);
    for (int i = 0; i < 4; i++) {
      assertThat(queue.offer("e" + i)).isEqualTo(i);
    }
    assertThat(queue.offer("e4")).isEqualTo(-1);
    assertThat(queue.consumerPosition()).isZero();
    assertThat(queue.poll()).isEqualTo("e0");
    assertThat(queue.offer("e4")).isEqualTo(4);
    assertThat(queue.isEmpty()).isFalse();
    assertThat(List.of(queue.poll(), queue.poll(), queue.poll(), queue.poll()))
        .containsExactly("e1", "e2", "e3", "e4");
    assertThat(queue.poll()).isNull();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.producerPosition()).isEqualTo(5);
  }

  /** A failed local root "kept" that ends while its child {@code child} is still open. */
  private Span failedRootWithOpenChild(String child) {
    Span root = tracer.spanBuilder("kept").setParent(Context.root()).startSpan();
    Span open;
    try (Scope ignored = root.makeCurrent()) {
      open = tracer.spanBuilder(child).startSpan();
      root.setStatus(StatusCode.ERROR);
    } finally {
      root.end();
    }
    return open;
  }

  private void failingRequest(String name) {
    Span root = tracer.spanBuilder(name).setParent(Context.root()).startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder(name + "-child").startSpan().end();
      root.setStatus(StatusCode.ERROR);
    } finally {
      root.end();
    }
  }

  private void feed() {
    for (Object event : events) {
      long at = position++;
      if (event instanceof SpanContext) {
        holder.rootEnded((SpanContext) event);
      } else {
        holder.started((ReadableSpan) event, at);
      }
    }
    events.clear();
    holder.sweep(position, () -> position); // as the worker does after each drain
  }

  /** Records starts and root ends as the tail sampling processor queues them. */
  private final class Recorder implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      events.add(span);
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      SpanContext parent = span.getParentSpanContext();
      if (!parent.isValid() || parent.isRemote()) {
        events.add(span.getSpanContext()); // only local roots send an end event
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
