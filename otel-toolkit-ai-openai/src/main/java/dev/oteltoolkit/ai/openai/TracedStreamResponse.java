package dev.oteltoolkit.ai.openai;

import com.openai.core.http.StreamResponse;
import java.lang.ref.Cleaner;
import java.util.Comparator;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A blocking stream that reports its chunks to a {@link StreamObserver}: the span ends when the
 * chunks run out, when reading them fails (the SDK's exception, rethrown as is), or on {@link
 * #close()}. A stream the application drops unfinished and unclosed ends its span when it becomes
 * unreachable. The {@code Stream} handed out keeps this object reachable while it is in use.
 *
 * @param <T> the chunk type
 */
final class TracedStreamResponse<T> implements StreamResponse<T> {

  private final StreamResponse<T> delegate;
  private final StreamObserver<T> observer;
  private final Cleaner.Cleanable abandoned;

  TracedStreamResponse(StreamResponse<T> delegate, StreamObserver<T> observer) {
    this.delegate = delegate;
    this.observer = observer;
    this.abandoned = StreamObserver.watch(this, observer);
  }

  @Override
  public Stream<T> stream() {
    Stream<T> source = delegate.stream();
    return StreamSupport.stream(new Observed(source.spliterator()), false).onClose(source::close);
  }

  @Override
  public void close() {
    try {
      finish(null);
    } finally {
      delegate.close();
    }
  }

  private void finish(Throwable error) {
    observer.finish(error);
    abandoned.clean(); // runs the abandonment action, now a no-op, and forgets it
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  /** Reports each chunk before the application sees it; not splittable, to see the last one. */
  private final class Observed implements Spliterator<T> {
    private final Spliterator<T> source;
    private boolean inAction;

    Observed(Spliterator<T> source) {
      this.source = source;
    }

    @Override
    public boolean tryAdvance(Consumer<? super T> action) {
      boolean advanced;
      try {
        advanced =
            source.tryAdvance(
                chunk -> {
                  observer.onChunk(chunk);
                  inAction = true;
                  action.accept(chunk);
                  inAction = false;
                });
      } catch (RuntimeException | Error e) {
        if (inAction) {
          // the application's own code threw while handling a chunk: the stream itself has not
          // failed; its span ends when the application closes it
          inAction = false;
        } else {
          finish(e);
        }
        throw e;
      }
      if (!advanced) {
        finish(null);
      }
      return advanced;
    }

    @Override
    public Spliterator<T> trySplit() {
      return null;
    }

    @Override
    public long estimateSize() {
      return source.estimateSize();
    }

    @Override
    public int characteristics() {
      return source.characteristics() & ~(Spliterator.SIZED | Spliterator.SUBSIZED);
    }

    @Override
    public Comparator<? super T> getComparator() {
      return source.getComparator();
    }
  }
}
