package dev.oteltoolkit.tests;

import static dev.oteltoolkit.api.Traced.traced;

import dev.oteltoolkit.api.Traced;
import dev.oteltoolkit.core.Telemetry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small application that {@link JvmExitTest} runs in a child JVM: it installs the toolkit ({@code
 * install()}: global, flushed by the JVM shutdown hook), never closes it, and ends either by
 * returning from {@code main} or by {@code System.exit(0)} while a worker is still tracing.
 *
 * <p>Arguments: {@code return|exit}, the OTLP endpoint, the protocol. It prints {@code
 * ended-before-exit=N}: every span numbered below {@code N} had ended before the JVM began to exit,
 * so it must reach the collector.
 */
final class ExitingApp {

  static final String SERVICE = "e2e-exiting-app";
  static final String OPERATION = "child-work";
  static final int SPANS_BEFORE_RETURN = 500;
  static final int SPANS_BEFORE_EXIT = 2_000;

  /** The worker's limit, below the span queue size the test gives the child: no overflow. */
  static final int WORKER_LIMIT = 20_000;

  private ExitingApp() {}

  public static void main(String[] args) throws InterruptedException {
    String mode = args[0];
    Telemetry.setup().serviceName(SERVICE).endpoint(args[1]).protocol(args[2]).install();
    if (mode.equals("return")) {
      traced(
          "startup",
          () -> {
            for (int seq = 0; seq < SPANS_BEFORE_RETURN; seq++) {
              Traced.span(OPERATION).attribute("seq", (long) seq).run(() -> {});
            }
          });
      System.out.println("ended-before-exit=" + SPANS_BEFORE_RETURN);
      return; // no close(): the shutdown hook flushes
    }

    AtomicInteger ended = new AtomicInteger();
    Thread worker =
        new Thread(
            () -> {
              try {
                for (int seq = 0; seq < WORKER_LIMIT; seq++) {
                  Traced.span(OPERATION).attribute("seq", (long) seq).run(() -> {});
                  ended.incrementAndGet();
                }
              } catch (Throwable t) {
                System.err.println("worker error: " + t);
                t.printStackTrace();
              }
            },
            "worker");
    worker.start(); // not a daemon: System.exit ends it mid-work
    while (ended.get() < SPANS_BEFORE_EXIT) {
      Thread.onSpinWait();
    }
    System.out.println("ended-before-exit=" + ended.get());
    System.out.flush();
    System.exit(0);
  }
}
