package dev.oteltoolkit.logging.internal;

import io.opentelemetry.context.ContextStorage;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.slf4j.ILoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * Puts a {@link ContextMdcAdapter} in front of Logback's MDC adapter, where both SLF4J's {@link
 * MDC} and Logback's events read it, without a compile-time dependency on Logback.
 *
 * <p>Logback 1.3 and later keep the adapter in the {@code LoggerContext} ({@code mdcAdapter}),
 * where each {@code LoggingEvent} takes its MDC map from ({@code getCopyOfContextMap()} for an
 * adapter that is not Logback's own), and SLF4J 2 keeps the same instance in {@code
 * MDC.MDC_ADAPTER}. Both fields are replaced, or neither: with any other backend, another version,
 * a module path that refuses the access, or two different adapters, nothing changes and the bridge
 * writes the MDC on each scope switch instead.
 */
final class LogbackMdcHook {

  private static final String LOGGER_CONTEXT = "ch.qos.logback.classic.LoggerContext";

  private LogbackMdcHook() {}

  /**
   * Installs the wrappers when {@code factory} is Logback's: one for SLF4J's {@code MDC}, one for
   * Logback's events, both reading the ids from {@code storage}.
   *
   * @return true when both fields now hold the wrapper
   */
  static boolean install(ILoggerFactory factory, ContextStorage storage, MdcSettings settings)
      throws ReflectiveOperationException {
    if (factory == null || !factory.getClass().getName().equals(LOGGER_CONTEXT)) {
      return false;
    }
    Field contextField = factory.getClass().getDeclaredField("mdcAdapter");
    Field mdcField = staticAdapterField();
    if (contextField.getType() != MDCAdapter.class || mdcField == null) {
      return false;
    }
    MDCAdapter slf4jAdapter = MDC.getMDCAdapter();
    contextField.setAccessible(true);
    mdcField.setAccessible(true);
    Object logbackAdapter = contextField.get(factory);
    if (logbackAdapter == null
        || logbackAdapter != slf4jAdapter
        || logbackAdapter instanceof ContextMdcAdapter) {
      return false;
    }
    contextField.set(factory, new ContextMdcAdapter(slf4jAdapter, storage, settings, true, null));
    mdcField.set(null, new ContextMdcAdapter(slf4jAdapter, storage, settings, false, null));
    return true;
  }

  /** SLF4J's static adapter field ({@code MDC_ADAPTER} in 2.x, {@code mdcAdapter} in 1.7). */
  static Field staticAdapterField() {
    for (Field field : MDC.class.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (field.getType() == MDCAdapter.class
          && Modifier.isStatic(modifiers)
          && !Modifier.isFinal(modifiers)) {
        return field;
      }
    }
    return null;
  }
}
