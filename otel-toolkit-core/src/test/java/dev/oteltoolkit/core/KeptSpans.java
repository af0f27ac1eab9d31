package dev.oteltoolkit.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A span exporter that keeps what it got after shutdown (the SDK's in-memory one clears). */
final class KeptSpans implements SpanExporter {
  private final List<SpanData> spans = new CopyOnWriteArrayList<>();

  @Override
  public CompletableResultCode export(Collection<SpanData> batch) {
    spans.addAll(batch);
    return CompletableResultCode.ofSuccess();
  }

  List<SpanData> get() {
    return new ArrayList<>(spans);
  }

  List<String> names() {
    List<String> names = new ArrayList<>();
    for (SpanData span : spans) {
      names.add(span.getName());
    }
    return names;
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
