package dev.oteltoolkit.api.instrumentation;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reports failures inside instrumentation, which never reach the application: the first at WARNING
 * with its stack trace, every later one at FINE, so a bug that fires on every call cannot flood the
 * log.
 */
public final class InstrumentationFailures {

  private final Logger logger;
  private final String module;
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * Creates a reporter.
   *
   * @param logger where to log
   * @param module the module named in the message, e.g. {@code otel-toolkit-jdbc}
   */
  public InstrumentationFailures(Logger logger, String module) {
    this.logger = Objects.requireNonNull(logger, "logger");
    this.module = Objects.requireNonNull(module, "module");
  }

  /**
   * Reports {@code failure}.
   *
   * @param failure what the instrumentation threw
   */
  public void failed(Throwable failure) {
    if (warned.compareAndSet(false, true)) {
      logger.log(
          Level.WARNING,
          module
              + ": instrumentation failed; the application's call went on untouched (further"
              + " failures are logged at FINE)",
          failure);
    } else if (logger.isLoggable(Level.FINE)) {
      logger.log(Level.FINE, module + ": instrumentation failed", failure);
    }
  }
}
