package dev.oteltoolkit.ai.anthropic;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the whole JVM that ends the spans of streams left unread and unclosed.
 * Started on the first stream; a check costs one scheduled task per stream, cancelled when the
 * stream's span ends.
 */
final class StreamWatchdog {

  private StreamWatchdog() {}

  static ScheduledFuture<?> schedule(Runnable check, long delayNanos) {
    return Holder.EXECUTOR.schedule(check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
  }

  private static final class Holder {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread = new Thread(runnable, "oteltoolkit-anthropic-stream-watchdog");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }
}
