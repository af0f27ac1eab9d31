package dev.oteltoolkit.tests;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Keeps every span it is given, also after shutdown (the SDK's in-memory exporter clears). */
final class CollectingExporter implements SpanExporter {

  private final List<SpanData> spans = new ArrayList<>();
  private volatile boolean shutdown;

  @Override
  public CompletableResultCode export(Collection<SpanData> batch) {
    synchronized (spans) {
      spans.addAll(batch);
    }
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    shutdown = true;
    return CompletableResultCode.ofSuccess();
  }

  List<SpanData> spans() {
    synchronized (spans) {
      return List.copyOf(spans);
    }
  }

  boolean isShutdown() {
    return shutdown;
  }
}
