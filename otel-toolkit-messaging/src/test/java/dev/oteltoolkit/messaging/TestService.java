package dev.oteltoolkit.messaging;

import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;

/**
 * One service of a test: its own OpenTelemetry (never the global one) and in-memory exporter. Built
 * either through the toolkit's {@link Telemetry} or as a plain SDK by hand, so both ways are
 * covered.
 */
final class TestService implements AutoCloseable {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  final String name;
  final OpenTelemetry openTelemetry;
  final MessagingTelemetry messaging;
  private final InMemorySpanExporter exporter;
  private final Telemetry telemetry;
  private final OpenTelemetrySdk sdk;
  private final Object endedLock;

  private TestService(
      String name,
      InMemorySpanExporter exporter,
      Telemetry telemetry,
      OpenTelemetrySdk sdk,
      Object endedLock) {
    this.name = name;
    this.exporter = exporter;
    this.telemetry = telemetry;
    this.sdk = sdk;
    this.endedLock = endedLock;
    this.openTelemetry = telemetry != null ? telemetry.openTelemetry() : sdk;
    this.messaging = MessagingTelemetry.create(openTelemetry);
  }

  /** A service set up through the toolkit's {@code Telemetry} (no OTLP, spans kept in memory). */
  static TestService withTelemetry(String name) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Telemetry telemetry =
        Telemetry.setup().serviceName(name).otlp(false).addSpanExporter(exporter).build();
    return new TestService(name, exporter, telemetry, null, new Object());
  }

  /** A service on a plain SDK built by hand, with W3C trace context and baggage. */
  static TestService withPlainSdk(String name) {
    return withPlainSdk(
        name,
        TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));
  }

  /** A service on a plain SDK with the given propagator. */
  static TestService withPlainSdk(String name, TextMapPropagator propagator) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Object ended = new Object();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(
                        Resource.getDefault()
                            .merge(Resource.create(Attributes.of(SERVICE_NAME, name))))
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .addSpanProcessor(new EndNotifier(ended))
                    .build())
            .setPropagators(ContextPropagators.create(propagator))
            .build();
    return new TestService(name, exporter, null, sdk, ended);
  }

  /** The spans this service finished, after a flush. */
  List<SpanData> spans() {
    if (telemetry != null && !telemetry.forceFlush(Duration.ofSeconds(10))) {
      throw new AssertionError(name + ": spans were not flushed within 10 s");
    }
    return exporter.getFinishedSpanItems();
  }

  /** The only span of this service with the given name. */
  SpanData span(String spanName) {
    List<SpanData> matching = spans().stream().filter(s -> s.getName().equals(spanName)).toList();
    if (matching.size() != 1) {
      throw new AssertionError(
          name + ": expected one span named '" + spanName + "' but got " + spans());
    }
    return matching.get(0);
  }

  /**
   * Waits (up to 10 s) until a span with this name has ended, for spans that end on another thread
   * after the test's own call returned (an HTTP server span ends after the response was sent).
   * Plain-SDK services only: their spans are exported the moment they end.
   */
  SpanData awaitSpan(String spanName) throws InterruptedException {
    awaitSpans(spanName, 1);
    return span(spanName);
  }

  /** Waits (up to 10 s) until at least {@code count} spans with this name have ended. */
  void awaitSpans(String spanName, int count) throws InterruptedException {
    if (telemetry != null) {
      throw new UnsupportedOperationException("awaitSpan needs a plain-SDK service");
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    synchronized (endedLock) {
      while (spans().stream().filter(s -> s.getName().equals(spanName)).count() < count) {
        long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0) {
          throw new AssertionError(name + ": no span named '" + spanName + "' ended within 10 s");
        }
        endedLock.wait(remainingMillis);
      }
    }
  }

  void reset() {
    spans();
    exporter.reset();
  }

  /** Wakes {@link #awaitSpan} whenever a span ends (after the exporter above has it). */
  private static final class EndNotifier implements SpanProcessor {
    private final Object lock;

    EndNotifier(Object lock) {
      this.lock = lock;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  @Override
  public void close() {
    if (telemetry != null) {
      telemetry.close();
    } else {
      sdk.close();
    }
  }
}
