package dev.oteltoolkit.ai.anthropic;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The stream a wrapped {@code createStreaming} returns: the SDK's stream, each event shown to the
 * {@link StreamRecording} before the caller gets it. Iterating it, reading it as a {@code Stream}
 * and closing it behave as the SDK's do.
 */
final class TracedStreamResponse implements StreamResponse<RawMessageStreamEvent> {

  private final StreamResponse<RawMessageStreamEvent> delegate;
  private final StreamRecording recording;

  TracedStreamResponse(StreamResponse<RawMessageStreamEvent> delegate, StreamRecording recording) {
    this.delegate = delegate;
    this.recording = recording;
  }

  @Override
  public Stream<RawMessageStreamEvent> stream() {
    Stream<RawMessageStreamEvent> source = delegate.stream();
    return StreamSupport.stream(new Recording(source.spliterator(), recording), false)
        .onClose(source::close);
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
   * Passes the SDK's events on, one per {@code tryAdvance}, telling failures of the stream (which
   * end the span) from exceptions of the caller's own action (which do not).
   */
  static final class Recording
      implements Spliterator<RawMessageStreamEvent>, Consumer<RawMessageStreamEvent> {

    private final Spliterator<RawMessageStreamEvent> source;
    private final StreamRecording recording;
    private Consumer<? super RawMessageStreamEvent> action;
    private boolean inAction;

    Recording(Spliterator<RawMessageStreamEvent> source, StreamRecording recording) {
      this.source = source;
      this.recording = recording;
    }

    @Override
    public boolean tryAdvance(Consumer<? super RawMessageStreamEvent> action) {
      this.action = action;
      inAction = false;
      recording.readStarted();
      try {
        boolean advanced = source.tryAdvance(this);
        if (!advanced) {
          recording.completed();
        }
        return advanced;
      } catch (RuntimeException | Error e) {
        if (!inAction) {
          recording.failed(e);
        }
        throw e;
      } finally {
        this.action = null;
        recording.readEnded();
      }
    }

    @Override
    public void accept(RawMessageStreamEvent event) {
      recording.onEvent(event);
      inAction = true;
      action.accept(event);
      inAction = false;
    }

    @Override
    public Spliterator<RawMessageStreamEvent> trySplit() {
      return null;
    }

    @Override
    public long estimateSize() {
      return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
      return ORDERED | NONNULL;
    }
  }
}
