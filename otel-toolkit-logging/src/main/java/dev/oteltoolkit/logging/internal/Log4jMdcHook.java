package dev.oteltoolkit.logging.internal;

import io.opentelemetry.context.ContextStorage;
import java.lang.reflect.Field;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.ContextDataInjector;
import org.apache.logging.log4j.core.impl.ContextDataInjectorFactory;
import org.apache.logging.log4j.core.impl.Log4jContextFactory;
import org.slf4j.ILoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * Makes the bridge lazy with Log4j 2 (through {@code log4j-slf4j-impl} or {@code
 * log4j-slf4j2-impl}) as the SLF4J backend: log events take the ids from {@link
 * Log4jContextDataProvider}, and a {@link ContextMdcAdapter} in front of Log4j's SLF4J adapter
 * answers {@code MDC.get} and {@code MDC.getCopyOfContextMap} from the current context. Nothing is
 * written into Log4j's {@code ThreadContext} for the ids.
 *
 * <p>Only when every piece is in place, or nothing changes and the bridge writes the MDC on each
 * scope switch instead: log4j-core is the Log4j implementation, its context data injector is one of
 * its own (which ask the providers; not a custom {@code log4j2.ContextDataInjector}), it loaded the
 * provider's service, and SLF4J's {@code MDC} holds Log4j's adapter.
 */
final class Log4jMdcHook {

  /** The SLF4J logger factory of both Log4j 2 bindings. */
  static final String LOGGER_FACTORY = "org.apache.logging.slf4j.Log4jLoggerFactory";

  private static final String CORE_INJECTOR_FACTORY =
      "org.apache.logging.log4j.core.impl.ContextDataInjectorFactory";

  private Log4jMdcHook() {}

  /**
   * Installs the adapter and activates the provider when {@code factory} is Log4j's.
   *
   * @return true when events and {@code MDC} now answer the ids from {@code storage}
   */
  static boolean install(ILoggerFactory factory, ContextStorage storage, MdcSettings settings)
      throws ReflectiveOperationException {
    if (factory == null || !factory.getClass().getName().equals(LOGGER_FACTORY)) {
      return false;
    }
    if (!present(CORE_INJECTOR_FACTORY) || !Core.eventsAskTheProvider()) {
      return false;
    }
    Field mdcField = LogbackMdcHook.staticAdapterField();
    if (mdcField == null) {
      return false;
    }
    MDCAdapter log4jAdapter = MDC.getMDCAdapter();
    mdcField.setAccessible(true);
    if (log4jAdapter == null
        || log4jAdapter instanceof ContextMdcAdapter
        || mdcField.get(null) != log4jAdapter) {
      return false;
    }
    ApplicationTraceKeys own = new ApplicationTraceKeys(settings);
    // events first: from the moment MDC answers from the context, so must the events
    LazyContextData.activate(storage, settings, own);
    try {
      mdcField.set(null, new ContextMdcAdapter(log4jAdapter, storage, settings, false, own));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LazyContextData.deactivate();
      throw e;
    }
    return true;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Log4jMdcHook.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The part that touches log4j-core, loaded only once it is known to be present. */
  private static final class Core {
    private Core() {}

    static boolean eventsAskTheProvider() {
      if (!(LogManager.getFactory() instanceof Log4jContextFactory)) {
        return false;
      }
      // creating an injector also makes log4j-core load the ContextDataProvider services
      ContextDataInjector injector = ContextDataInjectorFactory.createInjector();
      return injector
              .getClass()
              .getName()
              .startsWith("org.apache.logging.log4j.core.impl.ThreadContextDataInjector$")
          && LazyContextData.providerLoaded();
    }
  }
}
