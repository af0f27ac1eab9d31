package dev.oteltoolkit.logging.activation;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.ContextStorageProvider;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands for another library's provider (a framework's request-scoped storage): registered only in
 * the {@code activation-other-provider} JVM, through src/test/other-provider.
 */
public final class CountingContextStorageProvider implements ContextStorageProvider {

  static final AtomicInteger attaches = new AtomicInteger();

  /** Creates the provider; called by the service loader. */
  public CountingContextStorageProvider() {}

  @Override
  public ContextStorage get() {
    ContextStorage delegate = ContextStorage.defaultStorage();
    return new ContextStorage() {
      @Override
      public Scope attach(Context toAttach) {
        attaches.incrementAndGet();
        return delegate.attach(toAttach);
      }

      @Override
      public Context current() {
        return delegate.current();
      }
    };
  }
}
