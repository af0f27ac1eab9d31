package dev.oteltoolkit.benchmarks;

import static dev.oteltoolkit.benchmarks.RecordingSdk.check;

import dev.oteltoolkit.api.ThrowingRunnable;
import dev.oteltoolkit.messaging.MessagingTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The messaging one-liners against the same spans written by hand ({@link RawMessaging}), through
 * one sampled SDK (always-on sampler, spans exported to an exporter that drops them), for a
 * RabbitMQ-style {@code Map<String, Object>} header table and destination {@code orders}:
 *
 * <ul>
 *   <li>{@code rawPublish} / {@code publish}: {@code messaging.publish("rabbitmq", "orders",
 *       headers, send)}: a PRODUCER span {@code send orders} (a new trace), its context injected
 *       into the headers ({@code traceparent}), the user's send (it consumes the headers) run
 *       inside the span, the span ended.
 *   <li>{@code rawProcess} / {@code process}: {@code messaging.process("rabbitmq", "orders",
 *       headers, handler)}: the parent extracted from headers holding a valid {@code traceparent}
 *       (from another process), a CONSUMER span {@code process orders} under it, the user's handler
 *       run inside, the span ended. Ours also applies its defences against untrusted headers (size
 *       limits, a printable-ASCII {@code traceparent}, a parent that must be valid), which the raw
 *       side does not: they are part of what the toolkit costs.
 * </ul>
 *
 * <p>Propagators: {@link BenchmarkSdk#create} builds its SDK without propagators, and an SDK
 * without {@code setPropagators} has the no-op ones, so a {@code MessagingTelemetry} built on it
 * would inject and extract nothing. Both sides therefore use W3C trace context only: the raw side
 * calls {@code W3CTraceContextPropagator.getInstance()}, the toolkit gets the very same propagator
 * from the SDK seen through {@link RecordingSdk#withW3cTraceContext}. Baggage is left out on
 * purpose: the same baggage propagator on both sides would add the same work to each and only
 * dilute the ratio (with no baggage in the context it writes nothing and reads one absent header).
 *
 * <p>Both sides reuse one header map per direction (an outgoing one overwritten by each publish, an
 * incoming one read by each process), so no map allocation dilutes the ratio either. {@link #setUp}
 * runs each path once on a {@link RecordingSdk} and fails the fork unless both record the same
 * spans (name, kind, attributes, parent) and write the same headers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Thread)
public class MessagingSpanBenchmark {

  static final String SYSTEM = "rabbitmq";
  static final String DESTINATION = "orders";

  private static final String MESSAGING_SCOPE = "dev.oteltoolkit.messaging";

  private OpenTelemetrySdk sdk;
  private Sides sides;

  /**
   * Checks on a recording SDK that both sides record the same spans and headers, then builds them
   * on the measured SDK.
   *
   * @param blackhole consumes what the send and the handler see
   */
  @Setup
  public void setUp(Blackhole blackhole) {
    checkSameTelemetry(blackhole);
    sdk = BenchmarkSdk.create(Sampler.alwaysOn());
    check(
        sdk.getPropagators().getTextMapPropagator().fields().isEmpty(),
        "BenchmarkSdk now has propagators: revisit the class comment");
    sides = new Sides(RecordingSdk.withW3cTraceContext(sdk), blackhole);
  }

  /** Shuts the SDK down. */
  @TearDown
  public void tearDown() {
    sdk.close();
  }

  /**
   * Baseline: the PRODUCER span and the injection written on the raw API.
   *
   * @return the headers sent
   */
  @Benchmark
  public Map<String, Object> rawPublish() {
    sides.raw.publish(sides.outgoing, sides.send);
    return sides.outgoing;
  }

  /**
   * {@code messaging.publish(...)}.
   *
   * @return the headers sent
   */
  @Benchmark
  public Map<String, Object> publish() {
    sides.messaging.publish(SYSTEM, DESTINATION, sides.outgoing, sides.send);
    return sides.outgoing;
  }

  /**
   * Baseline: the extraction and the CONSUMER span written on the raw API.
   *
   * @return the handler's result
   */
  @Benchmark
  public Long rawProcess() {
    return sides.raw.process(sides.incoming, sides.handler);
  }

  /**
   * {@code messaging.process(...)}.
   *
   * @return the handler's result
   */
  @Benchmark
  public Long process() {
    return sides.messaging.process(SYSTEM, DESTINATION, sides.incoming, sides.handler);
  }

  /** Runs every measured path once on a recording SDK and compares what they recorded. */
  private static void checkSameTelemetry(Blackhole blackhole) {
    try (RecordingSdk recording = new RecordingSdk(Sampler.alwaysOn())) {
      Sides check = new Sides(recording.sdk(), blackhole);

      Map<String, Object> oursHeaders = new HashMap<>();
      Map<String, Object> rawHeaders = new HashMap<>();
      check.messaging.publish(SYSTEM, DESTINATION, oursHeaders, check.send);
      check.raw.publish(rawHeaders, check.send);
      SpanData oursSend = recording.span(MESSAGING_SCOPE, "send " + DESTINATION);
      SpanData rawSend = recording.span(RawMessaging.SCOPE, "send " + DESTINATION);
      RecordingSdk.requireSameSpan(oursSend, rawSend, true);
      check(oursSend.getKind() == SpanKind.PRODUCER, "publish did not record a PRODUCER span");
      check(
          oursSend.getAttributes().get(RawMessaging.DESTINATION).equals(DESTINATION),
          "publish span misses its destination: " + oursSend);
      check(
          oursHeaders.keySet().equals(rawHeaders.keySet()),
          "headers written differ: ours " + oursHeaders + ", raw " + rawHeaders);
      check(
          traceparent(oursSend.getSpanContext()).equals(oursHeaders.get("traceparent"))
              && traceparent(rawSend.getSpanContext()).equals(rawHeaders.get("traceparent")),
          "the headers do not carry the producer spans: " + oursHeaders + ", " + rawHeaders);

      check(
          check.messaging.process(SYSTEM, DESTINATION, check.incoming, check.handler) != null,
          "process returned nothing");
      check(
          check.raw.process(check.incoming, check.handler) != null, "raw process returned nothing");
      SpanData oursProcess = recording.span(MESSAGING_SCOPE, "process " + DESTINATION);
      SpanData rawProcess = recording.span(RawMessaging.SCOPE, "process " + DESTINATION);
      RecordingSdk.requireSameSpan(oursProcess, rawProcess, true);
      check(
          oursProcess.getKind() == SpanKind.CONSUMER
              && oursProcess.getParentSpanContext().equals(check.producer),
          "process span is not the CONSUMER child of the message's producer: " + oursProcess);
    }
  }

  private static String traceparent(SpanContext span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  /** Both sides, the user's code and the headers, on one SDK. */
  private static final class Sides {
    final MessagingTelemetry messaging;
    final RawMessaging raw;
    final Map<String, Object> outgoing = new HashMap<>();
    final Map<String, Object> incoming = new HashMap<>();
    final SpanContext producer;
    final ThrowingRunnable<RuntimeException> send;
    final Bodies.Consuming handler;

    Sides(OpenTelemetry openTelemetry, Blackhole blackhole) {
      messaging = MessagingTelemetry.create(openTelemetry);
      raw = new RawMessaging(openTelemetry, SYSTEM, DESTINATION);
      send = () -> blackhole.consume(outgoing);
      handler = new Bodies.Consuming(blackhole);
      // a message from another process: a sampled remote producer span
      Span remote =
          openTelemetry
              .getTracer("dev.oteltoolkit.benchmarks.producer")
              .spanBuilder("send " + DESTINATION)
              .setNoParent()
              .startSpan();
      producer =
          SpanContext.createFromRemoteParent(
              remote.getSpanContext().getTraceId(),
              remote.getSpanContext().getSpanId(),
              remote.getSpanContext().getTraceFlags(),
              remote.getSpanContext().getTraceState());
      remote.end();
      incoming.put("traceparent", traceparent(producer));
      // other headers a RabbitMQ message carries
      incoming.put("content-type", "application/json");
      incoming.put("x-delivery-count", 0);
    }
  }
}
