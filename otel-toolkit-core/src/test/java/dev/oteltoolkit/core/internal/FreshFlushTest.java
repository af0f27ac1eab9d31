package dev.oteltoolkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** A flush answered with the previous, completed flush result is asked again. */
class FreshFlushTest {

  @Test
  void theCompletedResultOfThePreviousFlushIsNotTakenAsTheAnswer() {
    CompletableResultCode first = new CompletableResultCode();
    CompletableResultCode fresh = new CompletableResultCode();
    // the worker completed "first" but has not cleared it yet: the next two requests get it back
    ScriptedProcessor delegate = new ScriptedProcessor(first, first, first, fresh);
    SpanProcessor wrapped = FreshFlush.spans(delegate);

    assertThat(wrapped.forceFlush()).isSameAs(first);
    first.succeed();
    assertThat(wrapped.forceFlush()).isSameAs(fresh);
    assertThat(delegate.flushes).isEqualTo(4);
  }

  @Test
  void aResultCompleteAtOnceButNewIsTheAnswer() {
    // a synchronous processor answers every flush with a new, completed result: no retry
    ScriptedProcessor delegate =
        new ScriptedProcessor(CompletableResultCode.ofSuccess(), CompletableResultCode.ofFailure());
    SpanProcessor wrapped = FreshFlush.spans(delegate);

    assertThat(wrapped.forceFlush().isSuccess()).isTrue();
    assertThat(wrapped.forceFlush().isSuccess()).isFalse();
    assertThat(delegate.flushes).isEqualTo(2);
  }

  @Test
  void aResultThatStaysStaleIsTakenAfterTheBoundedWait() {
    CompletableResultCode stuck = CompletableResultCode.ofSuccess();
    ScriptedProcessor delegate = new ScriptedProcessor(stuck);
    SpanProcessor wrapped = FreshFlush.spans(delegate);

    wrapped.forceFlush();
    assertThat(wrapped.forceFlush()).isSameAs(stuck);
    assertThat(delegate.flushes).isEqualTo(1 + 200);
  }

  /** Answers flushes from a script; the last answer repeats. */
  private static final class ScriptedProcessor implements SpanProcessor {
    private final Deque<CompletableResultCode> answers = new ArrayDeque<>();
    private CompletableResultCode last;
    int flushes;

    ScriptedProcessor(CompletableResultCode... answers) {
      for (CompletableResultCode answer : answers) {
        this.answers.add(answer);
      }
    }

    @Override
    public CompletableResultCode forceFlush() {
      flushes++;
      if (!answers.isEmpty()) {
        last = answers.poll();
      }
      return last;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }
}
