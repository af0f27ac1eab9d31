package dev.oteltoolkit.ai.openai;

import dev.oteltoolkit.ai.GenAiSpan;
import java.lang.ref.Cleaner;

/**
 * Watches the chunks of one streamed response and ends its span once: when the stream completes,
 * fails or is closed, or, for a stream the application drops without either, when the garbage
 * collector finds it unreachable ({@link #watch}). Thread-safe: chunks arrive on the consuming
 * thread, {@code close()} may come from any other, abandonment from the cleaner's thread.
 *
 * @param <T> the chunk type
 */
abstract class StreamObserver<T> {

  final Recorder recorder;
  final GenAiSpan span;
  private final Object lock = new Object();

  // guarded by lock
  private boolean finished;
  private boolean sawFirst;

  StreamObserver(Recorder recorder, GenAiSpan span) {
    this.recorder = recorder;
    this.span = span;
  }

  /** Ends the span of {@code owner}'s stream when {@code owner} becomes unreachable unfinished. */
  static Cleaner.Cleanable watch(Object owner, StreamObserver<?> observer) {
    return Abandoned.CLEANER.register(owner, observer::abandon);
  }

  final void onChunk(T chunk) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      try {
        if (!sawFirst && isFirstChunk(chunk)) {
          sawFirst = true;
          span.firstToken();
        }
        observe(chunk);
      } catch (RuntimeException e) {
        recorder.failed(e);
      }
    }
  }

  /** Records what the chunks said and ends the span, failed when {@code error} is not null. */
  final void finish(Throwable error) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      try {
        record();
      } catch (RuntimeException e) {
        recorder.failed(e);
      }
    }
    if (error != null) {
      recorder.fail(span, error);
    } else {
      recorder.close(span);
    }
  }

  /** The cleaner's action: the application dropped the stream without finishing or closing it. */
  final void abandon() {
    synchronized (lock) {
      if (finished) {
        return;
      }
    }
    try {
      span.attribute(OpenAiAttributes.STREAM_ABANDONED, true);
    } catch (RuntimeException e) {
      recorder.failed(e);
    }
    finish(null);
  }

  /** Whether {@code chunk} counts as the first chunk for the time to first chunk. */
  abstract boolean isFirstChunk(T chunk);

  /** Takes what the span needs from one chunk; called under the lock. */
  abstract void observe(T chunk);

  /** Records what the chunks said on the span before it ends; called once, under the lock. */
  abstract void record();

  /** One cleaner (one daemon thread) for every stream, started with the first stream. */
  private static final class Abandoned {
    static final Cleaner CLEANER =
        Cleaner.create(
            runnable -> {
              Thread thread = new Thread(runnable, "oteltoolkit-openai-abandoned-streams");
              thread.setDaemon(true);
              return thread;
            });
  }
}
