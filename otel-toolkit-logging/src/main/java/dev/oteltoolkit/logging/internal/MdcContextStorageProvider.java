package dev.oteltoolkit.logging.internal;

import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.ContextStorageProvider;

/**
 * Internal, not for public use: the {@link ContextStorageProvider} service that activates the MDC
 * bridge when the jar is on the class path, with no code.
 *
 * <p>The OpenTelemetry context API uses a provider only when it is the single one found (or the one
 * named by the {@code io.opentelemetry.context.contextStorageProvider} system property); {@code
 * opentelemetry-sdk-testing}'s provider, when present, repeats that lookup without itself and
 * delegates to this one. Otherwise this one is not called and {@code MdcBridge.install()} is the
 * way in.
 */
public final class MdcContextStorageProvider implements ContextStorageProvider {

  /** Creates the provider; called by the service loader. */
  public MdcContextStorageProvider() {}

  @Override
  public ContextStorage get() {
    return MdcContextStorage.wrapOnce(ContextStorage.defaultStorage());
  }
}
