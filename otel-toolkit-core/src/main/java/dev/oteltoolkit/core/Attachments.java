package dev.oteltoolkit.core;

import dev.oteltoolkit.api.spi.TelemetryAttachment;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Calls the {@link TelemetryAttachment} services on the class path (for example {@code
 * otel-toolkit-logging}'s log appenders) for a newly built telemetry, and hands it back how to
 * detach them.
 */
final class Attachments {

  private static final Logger logger = Logger.getLogger(Telemetry.class.getName());

  private Attachments() {}

  /** Attaches every service to {@code telemetry}; a failing one is logged and left out. */
  static Telemetry attach(Telemetry telemetry, boolean exportsLogs, ConfigSource source) {
    Target target = new Target(telemetry.openTelemetry(), exportsLogs, source);
    List<TelemetryAttachment.Detach> detaches = new ArrayList<>();
    Iterator<TelemetryAttachment> services =
        ServiceLoader.load(TelemetryAttachment.class, Attachments.class.getClassLoader())
            .iterator();
    while (true) {
      TelemetryAttachment attachment;
      try {
        if (!services.hasNext()) {
          break;
        }
        attachment = services.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        logger.log(Level.WARNING, "otel-toolkit: a TelemetryAttachment could not be loaded", e);
        continue;
      }
      try {
        TelemetryAttachment.Detach detach = attachment.attach(target);
        if (detach != null) {
          detaches.add(detach);
        }
      } catch (RuntimeException | LinkageError e) {
        logger.log(
            Level.WARNING,
            "otel-toolkit: "
                + attachment.getClass().getName()
                + " failed to attach; the"
                + " telemetry works without it",
            e);
      }
    }
    telemetry.attached(detaches);
    return telemetry;
  }

  private record Target(OpenTelemetry openTelemetry, boolean exportsLogs, ConfigSource source)
      implements TelemetryAttachment.Target {

    @Override
    public @Nullable String setting(String propertyKey) {
      ConfigSource.ConfigValue value = source.get(propertyKey);
      return value == null ? null : value.value();
    }
  }
}
