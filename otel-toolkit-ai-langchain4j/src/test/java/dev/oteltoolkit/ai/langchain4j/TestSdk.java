package dev.oteltoolkit.ai.langchain4j;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A plain OpenTelemetry SDK exporting to memory, with a way to wait for a span to end. */
final class TestSdk implements AutoCloseable {

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final SdkTracerProvider tracerProvider;
  final OpenTelemetrySdk sdk;
  private final Object ended = new Object();

  TestSdk() {
    tracerProvider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans))
            .addSpanProcessor(new Notifier())
            .build();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(tracerProvider)
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
  }

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

  List<String> names() {
    return finished().stream().map(SpanData::getName).collect(Collectors.toList());
  }

  /** Waits (up to 30 s) until a span named {@code name} has ended, and returns it. */
  SpanData awaitSpan(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (ended) {
      while (finished().stream().noneMatch(s -> s.getName().equals(name))) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError("no span \"" + name + "\" ended; ended: " + names());
        }
        ended.wait(left);
      }
    }
    return span(name);
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

  /** Wakes {@link #awaitSpan} whenever a span ends (after the exporter got it). */
  private final class Notifier implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      synchronized (ended) {
        ended.notifyAll();
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
