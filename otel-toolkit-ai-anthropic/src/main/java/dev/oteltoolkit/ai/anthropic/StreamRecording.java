package dev.oteltoolkit.ai.anthropic;

import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageDeltaEvent;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.oteltoolkit.ai.GenAiSpan;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The span of one streamed response, fed with each event as the caller reads it: {@code
 * message_start} gives the response id, model and input tokens, the first {@code
 * content_block_delta} the time to first token, {@code message_delta} the stop reason and the final
 * output tokens; {@code message_stop} ends the span. It also ends when reading fails, when the
 * caller closes the stream, or when the stream sits unread, with no read in progress, for the idle
 * timeout (then as {@code stream_abandoned}). Only the first of these ends it.
 */
final class StreamRecording {

  static final String ABANDONED = "stream_abandoned";

  private final Recorder recorder;
  private final GenAiSpan span;
  private final Object lock = new Object();
  private final AtomicBoolean ended = new AtomicBoolean();

  /** Accumulates the streamed message for content capture only; null when capture is off. */
  private final MessageAccumulator accumulator;

  // guarded by lock
  private final Tokens tokens = new Tokens();
  private String stopReason;
  private boolean accumulatorBroken;
  private boolean stopped;

  // for the watchdog: when the caller last touched the stream, and whether a read is under way
  private volatile long lastActivityNanos = System.nanoTime();
  private volatile int readsInProgress;
  private volatile ScheduledFuture<?> watchdog;

  StreamRecording(Recorder recorder, GenAiSpan span) {
    this.recorder = recorder;
    this.span = span;
    this.accumulator = recorder.genAi.capturesMessageContent() ? MessageAccumulator.create() : null;
    arm(recorder.streamIdleTimeoutNanos);
  }

  /** A read (a {@code tryAdvance}, or a subscription's whole delivery) starts. */
  void readStarted() {
    synchronized (lock) {
      readsInProgress++;
    }
    lastActivityNanos = System.nanoTime();
  }

  /** A read ends. */
  void readEnded() {
    synchronized (lock) {
      readsInProgress--;
    }
    lastActivityNanos = System.nanoTime();
  }

  /** One event, before the caller sees it. Never throws. */
  void onEvent(RawMessageStreamEvent event) {
    lastActivityNanos = System.nanoTime();
    if (ended.get()) {
      return;
    }
    boolean stop = false;
    try {
      synchronized (lock) {
        if (accumulator != null && !accumulatorBroken) {
          try {
            accumulator.accumulate(event);
          } catch (RuntimeException e) {
            accumulatorBroken = true; // content is then left out; the rest is still recorded
          }
        }
        if (event.isMessageStart()) {
          Message message = event.asMessageStart().message();
          message._id().asKnown().ifPresent(span::responseId);
          message._model().asKnown().ifPresent(model -> span.responseModel(model.asString()));
          message._usage().asKnown().ifPresent(tokens::take);
        } else if (event.isContentBlockDelta()) {
          span.firstToken();
        } else if (event.isMessageDelta()) {
          RawMessageDeltaEvent delta = event.asMessageDelta();
          delta
              ._delta()
              .asKnown()
              .flatMap(d -> d._stopReason().asKnown())
              .ifPresent(reason -> stopReason = reason.asString());
          delta._usage().asKnown().ifPresent(tokens::take);
        } else if (event.isMessageStop()) {
          stop = true;
          stopped = true;
        }
      }
    } catch (RuntimeException | LinkageError e) {
      recorder.instrumentationFailed(e);
    }
    if (stop) {
      end(null, null);
    }
  }

  /** The stream ran out (read to its end). */
  void completed() {
    end(null, null);
  }

  /** Reading failed with {@code error}, which the caller gets. */
  void failed(Throwable error) {
    end(error, null);
  }

  /** The caller closed the stream: the span ends with what arrived so far. */
  void closed() {
    end(null, null);
  }

  private void end(Throwable error, String errorType) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> timer = watchdog;
    if (timer != null) {
      timer.cancel(false);
    }
    try {
      synchronized (lock) {
        if (stopReason != null) {
          span.finishReasons(stopReason);
        }
        tokens.recordOn(span);
        if (accumulator != null && !accumulatorBroken && stopped) {
          Content.recordResponse(span, accumulator.message());
        }
      }
      if (error != null) {
        Recorder.markFailed(span, error);
      } else if (errorType != null) {
        span.error(errorType);
      }
    } catch (RuntimeException | LinkageError e) {
      recorder.instrumentationFailed(e);
    } finally {
      span.close();
    }
  }

  private void arm(long delayNanos) {
    try {
      watchdog = StreamWatchdog.schedule(this::check, delayNanos);
    } catch (RuntimeException e) {
      recorder.instrumentationFailed(e);
    }
  }

  /** The watchdog's check: ends an idle stream's span, or looks again later. */
  private void check() {
    if (ended.get()) {
      return;
    }
    long timeout = recorder.streamIdleTimeoutNanos;
    long idle = System.nanoTime() - lastActivityNanos;
    if (readsInProgress > 0) {
      arm(timeout);
    } else if (idle < timeout) {
      arm(timeout - idle);
    } else {
      end(null, ABANDONED);
    }
  }
}
