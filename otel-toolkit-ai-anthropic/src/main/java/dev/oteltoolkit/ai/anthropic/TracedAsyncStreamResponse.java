package dev.oteltoolkit.ai.anthropic;

import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The stream a wrapped asynchronous {@code createStreaming} returns: the handler the caller
 * subscribes is wrapped so the {@link StreamRecording} sees each event first and learns how the
 * stream ended; the SDK's completion future ends the span too, for a caller that never subscribes.
 */
final class TracedAsyncStreamResponse implements AsyncStreamResponse<RawMessageStreamEvent> {

  private final AsyncStreamResponse<RawMessageStreamEvent> delegate;
  private final StreamRecording recording;

  // the completion callback only records; the stage whenComplete derives is not needed
  @SuppressWarnings("FutureReturnValueIgnored")
  TracedAsyncStreamResponse(
      AsyncStreamResponse<RawMessageStreamEvent> delegate, StreamRecording recording) {
    this.delegate = delegate;
    this.recording = recording;
    delegate
        .onCompleteFuture()
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                recording.failed(Recorder.unwrap(error));
              } else {
                recording.completed();
              }
            });
  }

  @Override
  public AsyncStreamResponse<RawMessageStreamEvent> subscribe(
      Handler<? super RawMessageStreamEvent> handler) {
    RecordingHandler recordingHandler = new RecordingHandler(handler, recording);
    try {
      delegate.subscribe(recordingHandler);
    } catch (RuntimeException e) {
      recording.readEnded(); // not subscribed (twice, or after close): the SDK says why
      throw e;
    }
    return this;
  }

  @Override
  public AsyncStreamResponse<RawMessageStreamEvent> subscribe(
      Handler<? super RawMessageStreamEvent> handler, Executor executor) {
    RecordingHandler recordingHandler = new RecordingHandler(handler, recording);
    try {
      delegate.subscribe(recordingHandler, executor);
    } catch (RuntimeException e) {
      recording.readEnded();
      throw e;
    }
    return this;
  }

  @Override
  public CompletableFuture<Void> onCompleteFuture() {
    return delegate.onCompleteFuture();
  }

  @Override
  public void close() {
    recording.closed();
    delegate.close();
  }

  @Override
  public String toString() {
    return "Instrumented[" + delegate + "]";
  }

  /**
   * The caller's handler behind ours. While subscribed the SDK reads on its own threads, so the
   * stream counts as being read until it completes: the idle timeout does not apply.
   */
  private static final class RecordingHandler implements Handler<RawMessageStreamEvent> {

    private final Handler<? super RawMessageStreamEvent> handler;
    private final StreamRecording recording;

    RecordingHandler(Handler<? super RawMessageStreamEvent> handler, StreamRecording recording) {
      this.handler = handler;
      this.recording = recording;
      recording.readStarted();
    }

    @Override
    public void onNext(RawMessageStreamEvent value) {
      recording.onEvent(value);
      handler.onNext(value);
    }

    @Override
    public void onComplete(Optional<Throwable> error) {
      try {
        if (error.isPresent()) {
          recording.failed(Recorder.unwrap(error.get()));
        } else {
          recording.completed();
        }
      } finally {
        recording.readEnded();
        handler.onComplete(error);
      }
    }
  }
}
