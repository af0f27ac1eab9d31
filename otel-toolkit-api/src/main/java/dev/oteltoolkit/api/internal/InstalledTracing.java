package dev.oteltoolkit.api.internal;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Internal, not for public use: the {@link Tracing} of the telemetry otel-toolkit-core installed as
 * global, so the static {@code Traced} functions use that very instance for that global.
 */
public final class InstalledTracing {

  private static final Logger logger = Logger.getLogger("dev.oteltoolkit.api.Traced");
  private static volatile Installed installed;
  private static volatile boolean builtNotInstalled;
  private static final AtomicBoolean warned = new AtomicBoolean();

  private InstalledTracing() {}

  /**
   * Records that {@code global} (what {@code GlobalOpenTelemetry} hands out) belongs to {@code
   * tracing}.
   *
   * @param global the global OpenTelemetry as handed out
   * @param tracing the tracing of the installed telemetry
   */
  public static void set(OpenTelemetry global, Tracing tracing) {
    installed = new Installed(global, tracing);
  }

  /**
   * Returns the tracing registered for {@code global}, or null when another global is current.
   *
   * @param global the current global OpenTelemetry
   * @return the registered tracing, or null
   */
  public static Tracing forGlobal(OpenTelemetry global) {
    Installed current = installed;
    return current != null && current.global == global ? current.tracing : null;
  }

  /** Records that a telemetry was built with {@code build()}, not installed as the global. */
  public static void noteBuiltNotInstalled() {
    builtNotInstalled = true;
  }

  /**
   * Warns once per JVM when the static {@code Traced} functions run over the no-op global while a
   * telemetry was built but not installed: they record nothing, silently otherwise.
   */
  public static void warnIfBuiltNotInstalled() {
    if (builtNotInstalled && installed == null && warned.compareAndSet(false, true)) {
      logger.warning(
          "otel-toolkit: Traced.traced(...) records nothing: no global OpenTelemetry is installed,"
              + " and a Telemetry was built with build(). Use install() instead of build() to make"
              + " it global, or call telemetry.tracing().traced(...) on the instance.");
    }
  }

  /** Tests: forget that the warning was given and that a telemetry was built. */
  public static void resetForTest() {
    builtNotInstalled = false;
    warned.set(false);
  }

  private record Installed(OpenTelemetry global, Tracing tracing) {}
}
