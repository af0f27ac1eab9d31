package dev.oteltoolkit.logging.internal;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.logging.log4j.core.util.ContextDataProvider;

/**
 * Internal, not for public use: the {@code ContextDataProvider} service log4j-core loads by itself
 * (no code, no logging configuration) and asks, for each log event on the logging thread, for
 * entries to add to the event's context data. While the MDC bridge is lazy it answers the ids of
 * the current span under the bridge's key names (see {@code LazyContextData}); otherwise nothing.
 * Never loaded without log4j-core: only log4j-core reads its service file.
 */
public final class Log4jContextDataProvider implements ContextDataProvider {

  private static final Logger logger = Logger.getLogger("dev.oteltoolkit.logging.MdcBridge");
  private static final AtomicBoolean failureLogged = new AtomicBoolean();

  /** Creates the provider; called by log4j-core's service loader. */
  public Log4jContextDataProvider() {
    LazyContextData.markProviderLoaded();
  }

  @Override
  public Map<String, String> supplyContextData() {
    LazyContextData data = LazyContextData.active();
    if (data == null) {
      return Collections.emptyMap();
    }
    try {
      return data.eventData();
    } catch (RuntimeException | LinkageError e) {
      logFailureOnce(e);
      return Collections.emptyMap();
    }
  }

  /** One entry, for lookups such as {@code ${ctx:trace_id}} (Log4j 2.24 and later). */
  @Override
  public Object getValue(String key) {
    LazyContextData data = LazyContextData.active();
    if (data == null) {
      return null;
    }
    try {
      return data.eventValue(key);
    } catch (RuntimeException | LinkageError e) {
      logFailureOnce(e);
      return null;
    }
  }

  private static void logFailureOnce(Throwable failure) {
    if (failureLogged.compareAndSet(false, true)) {
      logger.log(
          Level.WARNING,
          "Reading the trace ids for a Log4j event failed: they may be missing from log lines"
              + " (logged once)",
          failure);
    }
  }
}
