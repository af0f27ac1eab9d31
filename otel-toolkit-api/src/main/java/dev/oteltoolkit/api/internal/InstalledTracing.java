package dev.oteltoolkit.api.internal;

import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Internal, not for public use: the {@link Tracing} of the telemetry otel-toolkit-core installed
 * as global, so the static {@code Traced} functions use that very instance for that global.
 */
public final class InstalledTracing {

  private static volatile Installed installed;

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

  private record Installed(OpenTelemetry global, Tracing tracing) {}
}
