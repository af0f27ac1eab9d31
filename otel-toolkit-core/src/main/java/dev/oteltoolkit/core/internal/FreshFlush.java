package dev.oteltoolkit.core.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Internal, not for public use: batch processors whose {@code forceFlush()} always covers what was
 * queued before the call.
 *
 * <p>The SDK's batch worker completes a flush request and only then clears it; a request made in
 * between is handed that completed result and returns at once without exporting what was queued
 * since (seen under load: {@code shutdown} reported success while its last export failed). Wrapped
 * here, a flush answered by the very result the previous flush got, already complete, is asked
 * again until the worker has cleared it.
 */
public final class FreshFlush {

  /** Attempts before the answer is taken as it is; each waits {@link #PAUSE_NANOS}. */
  private static final int MAX_ATTEMPTS = 200;

  private static final long PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  private FreshFlush() {}

  /**
   * Wraps a span processor.
   *
   * @param delegate a batch span processor
   * @return the wrapper
   */
  public static SpanProcessor spans(SpanProcessor delegate) {
    return new Spans(delegate);
  }

  /**
   * Wraps a log record processor.
   *
   * @param delegate a batch log record processor
   * @return the wrapper
   */
  public static LogRecordProcessor logs(LogRecordProcessor delegate) {
    return new Logs(delegate);
  }

  /** Asks {@code flush} until its answer is not the completed {@code previous} one. */
  static CompletableResultCode fresh(
      Supplier<CompletableResultCode> flush, CompletableResultCode previous) {
    CompletableResultCode result = flush.get();
    for (int attempt = 1;
        attempt < MAX_ATTEMPTS && result == previous && result.isDone();
        attempt++) {
      LockSupport.parkNanos(PAUSE_NANOS);
      result = flush.get();
    }
    return result;
  }

  private static final class Spans implements SpanProcessor {
    private final SpanProcessor delegate;
    private volatile CompletableResultCode lastFlush;

    Spans(SpanProcessor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      delegate.onStart(parentContext, span);
    }

    @Override
    public boolean isStartRequired() {
      return delegate.isStartRequired();
    }

    @Override
    public void onEnd(ReadableSpan span) {
      delegate.onEnd(span);
    }

    @Override
    public boolean isEndRequired() {
      return delegate.isEndRequired();
    }

    @Override
    public CompletableResultCode forceFlush() {
      CompletableResultCode result = fresh(delegate::forceFlush, lastFlush);
      lastFlush = result;
      return result;
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private static final class Logs implements LogRecordProcessor {
    private final LogRecordProcessor delegate;
    private volatile CompletableResultCode lastFlush;

    Logs(LogRecordProcessor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onEmit(Context context, ReadWriteLogRecord logRecord) {
      delegate.onEmit(context, logRecord);
    }

    @Override
    public CompletableResultCode forceFlush() {
      CompletableResultCode result = fresh(delegate::forceFlush, lastFlush);
      lastFlush = result;
      return result;
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
