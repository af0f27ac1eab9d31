package dev.oteltoolkit.core;

import dev.oteltoolkit.api.Traced;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;

/**
 * Run in a child JVM by {@link ShutdownHookTest}: installs telemetry, records spans that are still
 * queued (the batch delay is an hour) and returns from main without closing anything.
 */
final class ShutdownHookMain {

  private ShutdownHookMain() {}

  public static void main(String[] args) {
    Path out = Paths.get(args[0]);
    int spans = Integer.parseInt(args[1]);
    Telemetry.setup()
        .otlp(false)
        .configProperties(Map.of("OTEL_BSP_SCHEDULE_DELAY", "1h"))
        .addSpanExporter(new FileExporter(out))
        .install();
    for (int i = 0; i < spans; i++) {
      Traced.traced("queued-" + i, () -> {});
    }
    // no close(): the JVM shutdown hook registered by install() must flush
  }

  private static final class FileExporter implements SpanExporter {
    private final Path out;

    FileExporter(Path out) {
      this.out = out;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      StringBuilder lines = new StringBuilder();
      for (SpanData span : spans) {
        lines.append(span.getName()).append('\n');
      }
      try {
        Files.write(
            out,
            lines.toString().getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        return CompletableResultCode.ofSuccess();
      } catch (IOException e) {
        return CompletableResultCode.ofFailure();
      }
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
