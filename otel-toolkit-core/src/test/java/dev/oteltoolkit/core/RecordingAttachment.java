package dev.oteltoolkit.core;

import dev.oteltoolkit.api.spi.TelemetryAttachment;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TelemetryAttachment} service of the core tests (registered in their {@code
 * META-INF/services}): records what core hands every attachment, and each detach. Inert unless a
 * test turns it on, so the other tests build as before.
 */
public final class RecordingAttachment implements TelemetryAttachment {

  /** One attach call as the attachment saw it. */
  record Attached(OpenTelemetry openTelemetry, boolean exportsLogs, String setting) {}

  static volatile boolean recording;
  static volatile boolean failing;
  static final List<Attached> attached = new CopyOnWriteArrayList<>();
  static final List<OpenTelemetry> detached = new CopyOnWriteArrayList<>();

  /** For {@link java.util.ServiceLoader}. */
  public RecordingAttachment() {}

  @Override
  public Detach attach(Target target) {
    if (!recording) {
      return null;
    }
    if (failing) {
      throw new IllegalStateException("attachment broken on purpose");
    }
    attached.add(
        new Attached(
            target.openTelemetry(), target.exportsLogs(), target.setting("oteltoolkit.test.x")));
    OpenTelemetry openTelemetry = target.openTelemetry();
    return () -> detached.add(openTelemetry);
  }

  static void reset(boolean on) {
    recording = on;
    failing = false;
    attached.clear();
    detached.clear();
  }
}
