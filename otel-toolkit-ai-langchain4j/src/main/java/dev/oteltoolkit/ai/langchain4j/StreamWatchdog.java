package dev.oteltoolkit.ai.langchain4j;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the whole JVM that ends the spans of streamed calls whose handler hears
 * nothing for the idle timeout. Started on the first stream; one scheduled task per open stream,
 * cancelled when its span ends.
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
                Thread thread = new Thread(runnable, "oteltoolkit-langchain4j-stream-watchdog");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }
}
