package dev.oteltoolkit.examples.scaffold;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads, so that nothing a scenario starts can keep the JVM alive. */
public final class Threads {

  private Threads() {}

  /**
   * Returns a factory of daemon threads named {@code name-1}, {@code name-2}, ...
   *
   * @param name the threads' name prefix
   * @return the factory
   */
  public static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
