package dev.oteltoolkit.logging.internal;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageEntry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Internal, not for public use: a {@link ContextStorage} that keeps the SLF4J MDC in step with the
 * span of the current context, in one of two ways chosen at the first {@link #attach}.
 *
 * <p>Lazy (Logback 1.3 and later, and Log4j 2 with log4j-core: the default there): a {@link
 * ContextMdcAdapter} is put in front of the backend's MDC adapter ({@link LogbackMdcHook}, {@link
 * Log4jMdcHook}) and answers the ids from {@link #current()} whenever the MDC is read, by {@code
 * MDC.get}, {@code MDC.getCopyOfContextMap} or a Logback event; Log4j 2 events get them from {@link
 * Log4jContextDataProvider}. A scope switch then costs what the wrapped storage costs: nothing is
 * written or restored.
 *
 * <p>Eager (any other backend, baggage copying, or {@code oteltoolkit.mdc.lazy=false}): on attach,
 * the ids of the attached context's span (nothing when it has no valid span) replace the MDC values
 * of the configured keys, and the values they replace are kept in the returned scope, which puts
 * them back when it closes, before the delegate's scope restores the previous context. Keys whose
 * value does not change are not written, and no restoring scope is allocated when nothing changes.
 * The ids are the span context's own strings: nothing is formatted.
 */
public final class MdcContextStorage implements ContextStorage {

  private static final Logger logger = Logger.getLogger("dev.oteltoolkit.logging.MdcBridge");
  private static final Object lock = new Object();
  private static final AtomicBoolean failureLogged = new AtomicBoolean();

  /** Warnings found while the context storage was being created, logged at its first use. */
  private static final AtomicReference<List<String>> pendingWarnings = new AtomicReference<>();

  private static final int TRACE_ID = 1;
  private static final int SPAN_ID = 2;
  private static final int TRACE_FLAGS = 4;

  /** The bridge in the context storage chain of this JVM, or null. Guarded by {@link #lock}. */
  private static MdcContextStorage installed;

  private static boolean disabled;

  private static final int UNDECIDED = 0;
  private static final int EAGER = 1;
  private static final int LAZY = 2;

  /** Set on the thread choosing the mode, so an attach made meanwhile stays eager. */
  private static final ThreadLocal<Boolean> deciding = new ThreadLocal<>();

  private final ContextStorage delegate;
  private final String traceIdKey;
  private final String spanIdKey;
  private final String traceFlagsKey;
  private final boolean copiesBaggage;
  private final boolean allBaggage;
  private final String[] baggageNames;
  private final String[] baggageMdcKeys;
  private final MdcSettings settings;
  private final Object modeLock = new Object();

  /** {@link #UNDECIDED} until the first attach chooses {@link #EAGER} or {@link #LAZY}. */
  private volatile int mode;

  /**
   * Wraps {@code delegate} once per JVM: the first call returns the bridge (unless the settings
   * disable it or SLF4J is absent), later calls return {@code delegate} unchanged, so the provider
   * and {@code ContextStorage.addWrapper} never stack two bridges.
   *
   * @param delegate the storage to wrap
   * @return the storage to use
   */
  public static ContextStorage wrapOnce(ContextStorage delegate) {
    synchronized (lock) {
      if (installed != null || disabled) {
        return delegate;
      }
      List<String> warnings = new ArrayList<>();
      MdcSettings settings = MdcSettings.fromSystem(warnings::add);
      if (!settings.enabled) {
        disabled = true;
        defer(warnings);
        return delegate;
      }
      if (!slf4jPresent()) {
        warnings.add(
            "org.slf4j.MDC is not on the class path: trace ids are not copied into the MDC");
        disabled = true;
        defer(warnings);
        return delegate;
      }
      defer(warnings);
      installed = new MdcContextStorage(delegate, settings, settings.lazy ? UNDECIDED : EAGER);
      return installed;
    }
  }

  /**
   * Returns the function to pass to {@code ContextStorage.addWrapper}.
   *
   * @return a function applying {@link #wrapOnce}
   */
  public static Function<? super ContextStorage, ? extends ContextStorage> wrapper() {
    return MdcContextStorage::wrapOnce;
  }

  /**
   * Tells whether the bridge was put into the context storage chain of this JVM.
   *
   * @return true once the provider or the wrapper created the bridge
   */
  public static boolean installed() {
    synchronized (lock) {
      return installed != null;
    }
  }

  /**
   * Reads, without reporting anything, whether the settings leave the bridge on.
   *
   * @return false when {@code oteltoolkit.mdc.enabled=false}
   */
  public static boolean enabled() {
    return MdcSettings.fromSystem(warning -> {}).enabled;
  }

  /**
   * Logs, once, the warnings found while the storage was created. Deferred because the storage is
   * created while the context API initializes, when a logging backend that uses the context could
   * not run yet.
   */
  public static void logPendingWarnings() {
    List<String> warnings = pendingWarnings.getAndSet(null);
    if (warnings != null) {
      for (String warning : warnings) {
        logger.warning(warning);
      }
    }
  }

  /**
   * Tells whether the bridge of this JVM answers the MDC's reads from the context instead of
   * writing the ids on each scope switch. Decided at the bridge's first attach.
   *
   * @return true when the installed bridge is lazy
   */
  public static boolean lazy() {
    MdcContextStorage storage;
    synchronized (lock) {
      storage = installed;
    }
    return storage != null && storage.mode == LAZY;
  }

  /**
   * Creates an eager bridge over {@code delegate} (it never touches the MDC adapter); exposed to
   * the tests of this package.
   */
  static MdcContextStorage create(ContextStorage delegate, MdcSettings settings) {
    return new MdcContextStorage(delegate, settings, EAGER);
  }

  private MdcContextStorage(ContextStorage delegate, MdcSettings settings, int mode) {
    this.settings = settings;
    // baggage keys are written on attach: a lazy bridge would not see them
    this.mode = settings.copiesBaggage() ? EAGER : mode;
    this.delegate = delegate;
    this.traceIdKey = settings.traceIdKey;
    this.spanIdKey = settings.spanIdKey;
    this.traceFlagsKey = settings.traceFlagsKey;
    this.copiesBaggage = settings.copiesBaggage();
    this.allBaggage = settings.allBaggage;
    this.baggageNames = settings.baggageKeys.keySet().toArray(new String[0]);
    this.baggageMdcKeys = settings.baggageKeys.values().toArray(new String[0]);
  }

  @Override
  public Scope attach(Context toAttach) {
    // kept tiny so that the JIT inlines it: the lazy bridge adds one field read to the switch
    if (mode == LAZY) {
      return delegate.attach(toAttach);
    }
    return attachUndecidedOrEager(toAttach);
  }

  private Scope attachUndecidedOrEager(Context toAttach) {
    int current = mode;
    if (pendingWarnings.get() != null) {
      logPendingWarnings();
    }
    if (current == UNDECIDED && decideMode() == LAZY) {
      return delegate.attach(toAttach);
    }
    if (toAttach == null) {
      return delegate.attach(null);
    }
    Context before = allBaggage ? delegate.current() : null;
    Scope scope = delegate.attach(toAttach);
    if (before == toAttach) {
      return scope;
    }
    try {
      return update(toAttach, before, scope);
    } catch (RuntimeException | LinkageError e) {
      logFailureOnce(e);
      return scope;
    }
  }

  /**
   * Chooses the mode once: lazy when the Logback or the Log4j 2 hook installs. SLF4J is asked for
   * its logger factory (which may initialize the backend) outside any lock of this class.
   */
  private int decideMode() {
    if (deciding.get() != null) {
      return EAGER; // an attach made while the backend initializes, on the deciding thread
    }
    deciding.set(Boolean.TRUE);
    try {
      ILoggerFactory factory = LoggerFactory.getILoggerFactory();
      synchronized (modeLock) {
        if (mode != UNDECIDED) {
          return mode;
        }
        int chosen = EAGER;
        try {
          if (LogbackMdcHook.install(factory, this, settings)) {
            // Log4j 2 events of code that logs through the Log4j API beside Logback
            LazyContextData.activate(this, settings, null);
            chosen = LAZY;
          } else if (factory != null
              && factory.getClass().getName().equals(Log4jMdcHook.LOGGER_FACTORY)
              && Log4jMdcHook.install(factory, this, settings)) {
            chosen = LAZY;
          }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
          logger.log(
              Level.FINE,
              "The MDC bridge cannot answer the MDC from the context; it writes the MDC instead",
              e);
        }
        mode = chosen;
        return chosen;
      }
    } catch (RuntimeException | LinkageError e) {
      logFailureOnce(e);
      synchronized (modeLock) {
        if (mode == UNDECIDED) {
          mode = EAGER;
        }
        return mode;
      }
    } finally {
      deciding.remove();
    }
  }

  @Override
  public Context current() {
    return delegate.current();
  }

  @Override
  public Context root() {
    return delegate.root();
  }

  /** Writes the MDC for {@code toAttach}; returns {@code scope}, or a scope that restores it. */
  private Scope update(Context toAttach, Context before, Scope scope) {
    SpanContext spanContext = Span.fromContext(toAttach).getSpanContext();
    String traceId = null;
    String spanId = null;
    String traceFlags = null;
    if (spanContext.isValid()) {
      traceId = spanContext.getTraceId();
      spanId = spanContext.getSpanId();
      traceFlags = spanContext.getTraceFlags().asHex();
    }
    String previousTraceId = MDC.get(traceIdKey);
    String previousSpanId = MDC.get(spanIdKey);
    String previousTraceFlags = MDC.get(traceFlagsKey);
    int changed = 0;
    if (!same(traceId, previousTraceId)) {
      set(traceIdKey, traceId);
      changed |= TRACE_ID;
    }
    if (!same(spanId, previousSpanId)) {
      set(spanIdKey, spanId);
      changed |= SPAN_ID;
    }
    if (!same(traceFlags, previousTraceFlags)) {
      set(traceFlagsKey, traceFlags);
      changed |= TRACE_FLAGS;
    }
    String[] baggageRestore = copiesBaggage ? updateBaggage(toAttach, before) : null;
    if (changed == 0 && baggageRestore == null) {
      return scope;
    }
    return new MdcScope(
        this, scope, changed, previousTraceId, previousSpanId, previousTraceFlags, baggageRestore);
  }

  /**
   * Copies the selected baggage entries of {@code toAttach} into the MDC and removes the copies of
   * entries it does not have.
   *
   * @return MDC keys and their previous values, alternating, for the keys that changed; null when
   *     none did
   */
  private String[] updateBaggage(Context toAttach, Context before) {
    Baggage next = Baggage.fromContextOrNull(toAttach);
    if (!allBaggage) {
      // a fixed list: each listed key is either copied or absent, no need to know the previous
      List<String> restore = null;
      for (int i = 0; i < baggageNames.length; i++) {
        String value = next == null ? null : next.getEntryValue(baggageNames[i]);
        restore = change(restore, baggageMdcKeys[i], value);
      }
      return toArray(restore);
    }
    Baggage previous = before == null ? null : Baggage.fromContextOrNull(before);
    if (next == previous) {
      return null;
    }
    BaggageCopy copy = new BaggageCopy(next);
    if (previous != null) {
      previous.forEach(copy::removeIfGone);
    }
    if (next != null) {
      next.forEach(copy::copy);
    }
    return toArray(copy.restore);
  }

  private static String[] toArray(List<String> restore) {
    return restore == null ? null : restore.toArray(new String[0]);
  }

  private static List<String> change(List<String> restore, String mdcKey, String value) {
    String previous = MDC.get(mdcKey);
    if (same(value, previous)) {
      return restore;
    }
    set(mdcKey, value);
    List<String> list = restore == null ? new ArrayList<>() : restore;
    list.add(mdcKey);
    list.add(previous);
    return list;
  }

  void restore(
      int changed,
      String previousTraceId,
      String previousSpanId,
      String previousTraceFlags,
      String[] baggageRestore) {
    try {
      if (baggageRestore != null) {
        for (int i = baggageRestore.length - 2; i >= 0; i -= 2) {
          set(baggageRestore[i], baggageRestore[i + 1]);
        }
      }
      if ((changed & TRACE_ID) != 0) {
        set(traceIdKey, previousTraceId);
      }
      if ((changed & SPAN_ID) != 0) {
        set(spanIdKey, previousSpanId);
      }
      if ((changed & TRACE_FLAGS) != 0) {
        set(traceFlagsKey, previousTraceFlags);
      }
    } catch (RuntimeException | LinkageError e) {
      logFailureOnce(e);
    }
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }

  private static void set(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  private static void defer(List<String> warnings) {
    if (!warnings.isEmpty()) {
      pendingWarnings.set(warnings);
    }
  }

  private static boolean slf4jPresent() {
    try {
      Class.forName("org.slf4j.MDC", false, MdcContextStorage.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static void logFailureOnce(Throwable failure) {
    if (failureLogged.compareAndSet(false, true)) {
      logger.log(
          Level.WARNING,
          "Updating the MDC failed: trace ids may be missing from log lines (logged once)",
          failure);
    }
  }

  /** Copies every baggage entry (the {@code true} setting), collecting what to restore. */
  private static final class BaggageCopy {
    private final Baggage next;
    List<String> restore;

    BaggageCopy(Baggage next) {
      this.next = next;
    }

    void removeIfGone(String key, BaggageEntry entry) {
      if (next == null || next.getEntryValue(key) == null) {
        restore = change(restore, MdcSettings.BAGGAGE_PREFIX + key, null);
      }
    }

    void copy(String key, BaggageEntry entry) {
      restore = change(restore, MdcSettings.BAGGAGE_PREFIX + key, entry.getValue());
    }
  }

  /** Restores the MDC values an attach replaced, then closes the delegate's scope. */
  private static final class MdcScope implements Scope {
    private final MdcContextStorage storage;
    private final Scope delegate;
    private final int changed;
    private final String previousTraceId;
    private final String previousSpanId;
    private final String previousTraceFlags;
    private final String[] baggageRestore;

    MdcScope(
        MdcContextStorage storage,
        Scope delegate,
        int changed,
        String previousTraceId,
        String previousSpanId,
        String previousTraceFlags,
        String[] baggageRestore) {
      this.storage = storage;
      this.delegate = delegate;
      this.changed = changed;
      this.previousTraceId = previousTraceId;
      this.previousSpanId = previousSpanId;
      this.previousTraceFlags = previousTraceFlags;
      this.baggageRestore = baggageRestore;
    }

    @Override
    public void close() {
      try {
        storage.restore(
            changed, previousTraceId, previousSpanId, previousTraceFlags, baggageRestore);
      } finally {
        delegate.close();
      }
    }
  }
}
