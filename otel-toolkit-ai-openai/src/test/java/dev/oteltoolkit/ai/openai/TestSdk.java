package dev.oteltoolkit.ai.openai;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** A plain OpenTelemetry SDK built by hand, exporting to memory. */
final class TestSdk implements AutoCloseable {

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .build();

  List<SpanData> finished() {
    return spans.getFinishedSpanItems();
  }

  SpanData span(String name) {
    List<SpanData> matching =
        finished().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one span named \"" + name + "\", found " + matching.size() + " in " + names());
    }
    return matching.get(0);
  }

  /** The one span named {@code name}, awaited up to 10 s (spans ended by another thread). */
  SpanData awaitSpan(String name) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (finished().stream().noneMatch(s -> s.getName().equals(name))
        && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
    }
    return span(name);
  }

  List<String> names() {
    return finished().stream().map(SpanData::getName).collect(Collectors.toList());
  }

  MetricData metric(String name) {
    Collection<MetricData> all = metrics.collectAllMetrics();
    return all.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + all));
  }

  @Override
  public void close() {
    sdk.close();
  }
}
