package dev.oteltoolkit.core;

import dev.oteltoolkit.api.internal.InstalledTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@link TelemetryBuilder#install()}: registers a telemetry as {@link GlobalOpenTelemetry} (and its
 * {@code Tracing} for the static {@code Traced} functions) with a flushing JVM shutdown hook, and
 * says who got there first when a global is already set.
 */
final class GlobalInstall {

  private static final Object LOCK = new Object();
  private static volatile @Nullable Installed installed;

  private GlobalInstall() {}

  static Telemetry install(TelemetryOptions options) {
    synchronized (LOCK) {
      if (GlobalOpenTelemetry.isSet()) {
        throw alreadyInstalled();
      }
      Telemetry telemetry = SdkAssembly.create(options, true);
      try {
        GlobalOpenTelemetry.set(telemetry.openTelemetry());
      } catch (IllegalStateException e) {
        telemetry.shutdown(Duration.ZERO);
        throw alreadyInstalled();
      }
      Installed current = new Installed(telemetry, GlobalOpenTelemetry.get());
      installed = current;
      InstalledTracing.set(current.global(), telemetry.tracing());
      telemetry.registerShutdownHook();
      return telemetry;
    }
  }

  private static IllegalStateException alreadyInstalled() {
    OpenTelemetry existing = GlobalOpenTelemetry.get();
    Installed ours = installed;
    String what;
    if (ours != null && ours.global() == existing && ours.telemetry().isShutDown()) {
      return new IllegalStateException(
          "A global OpenTelemetry was installed by an earlier Telemetry.install() ("
              + ours.telemetry().description()
              + "), now closed. install() works once per JVM: GlobalOpenTelemetry cannot be"
              + " replaced, and libraries keep the tracers they took from it. Keep one installed"
              + " Telemetry for the application's life; tests build theirs with"
              + " Telemetry.setup()...build() (or use otel-toolkit-testing's extension).");
    } else if (ours != null && ours.global() == existing) {
      what = "an earlier Telemetry.install() (" + ours.telemetry().description() + ")";
    } else if (isJavaAgentPresent()) {
      what = "the OpenTelemetry Java agent";
    } else {
      what = "other code (" + existing.getClass().getName() + ")";
    }
    return new IllegalStateException(
        "A global OpenTelemetry is already installed by "
            + what
            + ". Call install() once;"
            + " to run beside the Java agent or another global SDK, use"
            + " Telemetry.setup()...build() and pass telemetry.openTelemetry() to the code"
            + " that records, or use the agent's configuration instead of Telemetry.");
  }

  private static boolean isJavaAgentPresent() {
    try {
      Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The telemetry installed as global, and the object GlobalOpenTelemetry hands out for it. */
  private record Installed(Telemetry telemetry, OpenTelemetry global) {}
}
