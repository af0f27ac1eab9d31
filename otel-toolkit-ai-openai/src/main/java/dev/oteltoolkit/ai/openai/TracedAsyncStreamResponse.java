package dev.oteltoolkit.ai.openai;

import com.openai.core.http.AsyncStreamResponse;
import java.lang.ref.Cleaner;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An asynchronous stream that reports its chunks to a {@link StreamObserver}: the span ends when
 * the stream completes or fails (whether or not anyone subscribed: the SDK's completion future says
 * so too) or on {@link #close()}. While subscribed, the SDK holds the handler, which keeps this
 * object reachable; a stream never subscribed nor closed ends its span when it becomes unreachable.
 *
 * @param <T> the chunk type
 */
final class TracedAsyncStreamResponse<T> implements AsyncStreamResponse<T> {

  private final AsyncStreamResponse<T> delegate;
  private final StreamObserver<T> observer;
  private final Cleaner.Cleanable abandoned;

  // the completion callback only records; the stage whenComplete derives is not needed
  @SuppressWarnings("FutureReturnValueIgnored")
  TracedAsyncStreamResponse(AsyncStreamResponse<T> delegate, StreamObserver<T> observer) {
    this.delegate = delegate;
    this.observer = observer;
    this.abandoned = StreamObserver.watch(this, observer);
    try {
      delegate.onCompleteFuture().whenComplete((ignored, error) -> observer.finish(error));
    } catch (RuntimeException e) {
      observer.recorder.failed(e);
    }
  }

  @Override
  public AsyncStreamResponse<T> subscribe(Handler<? super T> handler) {
    delegate.subscribe(new Observed(handler));
    return this;
  }

  @Override
  public AsyncStreamResponse<T> subscribe(Handler<? super T> handler, Executor executor) {
    delegate.subscribe(new Observed(handler), executor);
    return this;
  }

  @Override
  public CompletableFuture<Void> onCompleteFuture() {
    return delegate.onCompleteFuture();
  }

  @Override
  public void close() {
    try {
      observer.finish(null);
      abandoned.clean();
    } finally {
      delegate.close();
    }
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  /** Reports each chunk, then the end, before the application's handler sees them. */
  private final class Observed implements Handler<T> {
    private final Handler<? super T> handler;

    Observed(Handler<? super T> handler) {
      this.handler = handler;
    }

    @Override
    public void onNext(T chunk) {
      observer.onChunk(chunk);
      handler.onNext(chunk);
    }

    @Override
    public void onComplete(Optional<Throwable> error) {
      observer.finish(error.orElse(null));
      abandoned.clean();
      handler.onComplete(error);
    }
  }
}
