package dev.oteltoolkit.benchmarks;

import static dev.oteltoolkit.benchmarks.RecordingSdk.check;

import dev.oteltoolkit.messaging.MessageCarriers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
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

/**
 * Context propagation through header maps: the toolkit's carriers ({@code
 * MessageCarriers.mapSetter()} / {@code mapGetter()}, what {@code MessagingTelemetry} hands the
 * propagator for maps) against a getter and setter written by hand for the map type. Each operation
 * injects the context of one sampled span into a header map and extracts it back from that map (the
 * producer's and the consumer's half of one hop).
 *
 * <ul>
 *   <li>{@code rawStringMap} / {@code carriersStringMap}: {@code Map<String, String>} headers; the
 *       hand-written getter returns the value as it is.
 *   <li>{@code rawObjectMap} / {@code carriersObjectMap}: AMQP's {@code Map<String, Object>} header
 *       table; the hand-written getter decodes a value through {@code toString()} (what an AMQP
 *       {@code LongString} needs), ours also checks for {@code String} and {@code byte[]}.
 * </ul>
 *
 * <p>Both sides call the same propagator, {@code W3CTraceContextPropagator.getInstance()}: W3C
 * trace context only (why, and why {@code BenchmarkSdk}'s own propagators could not be used, is in
 * {@link MessagingSpanBenchmark}). The carriers are the only difference. The toolkit's defences
 * against untrusted headers ({@code MessagingTelemetry} wraps the getter in size and character
 * checks before extracting) are not public API and are measured as part of {@code
 * MessagingSpanBenchmark.process}. Each side reuses its own map, overwritten by each injection.
 * {@link #setUp} checks that every path writes the same headers and extracts the span it injected.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Thread)
public class PropagationBenchmark {

  private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();
  private final Map<String, String> rawStrings = new HashMap<>();
  private final Map<String, String> oursStrings = new HashMap<>();
  private final Map<String, Object> rawObjects = new HashMap<>();
  private final Map<String, Object> oursObjects = new HashMap<>();
  private OpenTelemetrySdk sdk;
  private Span span;
  private Context context;

  /** Starts the span whose context travels and checks every path once. */
  @Setup
  public void setUp() {
    sdk = BenchmarkSdk.create(Sampler.alwaysOn());
    span = sdk.getTracer("dev.oteltoolkit.benchmarks").spanBuilder("send orders").startSpan();
    context = Context.root().with(span);
    SpanContext expected = span.getSpanContext();
    for (Context extracted :
        new Context[] {rawStringMap(), carriersStringMap(), rawObjectMap(), carriersObjectMap()}) {
      SpanContext found = Span.fromContext(extracted).getSpanContext();
      check(
          found.isRemote()
              && found.getTraceId().equals(expected.getTraceId())
              && found.getSpanId().equals(expected.getSpanId())
              && found.isSampled(),
          "a path did not extract the span it injected: " + found);
    }
    check(
        rawStrings.equals(oursStrings)
            && rawObjects.equals(oursObjects)
            && rawStrings.equals(new HashMap<String, Object>(rawObjects))
            && rawStrings.containsKey("traceparent"),
        "the paths wrote different headers: "
            + rawStrings
            + ", "
            + oursStrings
            + ", "
            + rawObjects
            + ", "
            + oursObjects);
  }

  /** Ends the span and shuts the SDK down. */
  @TearDown
  public void tearDown() {
    span.end();
    sdk.close();
  }

  /**
   * Baseline: {@code Map<String, String>} with a hand-written setter and getter.
   *
   * @return the extracted context
   */
  @Benchmark
  public Context rawStringMap() {
    propagator.inject(context, rawStrings, RawMessaging.STRING_MAP_SETTER);
    return propagator.extract(Context.root(), rawStrings, RawMessaging.STRING_MAP_GETTER);
  }

  /**
   * {@code Map<String, String>} with {@code MessageCarriers.mapSetter()} and {@code mapGetter()}.
   *
   * @return the extracted context
   */
  @Benchmark
  public Context carriersStringMap() {
    propagator.inject(context, oursStrings, MessageCarriers.mapSetter());
    return propagator.extract(Context.root(), oursStrings, MessageCarriers.mapGetter());
  }

  /**
   * Baseline: AMQP's {@code Map<String, Object>} with a hand-written setter and getter.
   *
   * @return the extracted context
   */
  @Benchmark
  public Context rawObjectMap() {
    propagator.inject(context, rawObjects, RawMessaging.OBJECT_MAP_SETTER);
    return propagator.extract(Context.root(), rawObjects, RawMessaging.OBJECT_MAP_GETTER);
  }

  /**
   * AMQP's {@code Map<String, Object>} with {@code MessageCarriers.mapSetter()} and {@code
   * mapGetter()}.
   *
   * @return the extracted context
   */
  @Benchmark
  public Context carriersObjectMap() {
    propagator.inject(context, oursObjects, MessageCarriers.mapSetter());
    return propagator.extract(Context.root(), oursObjects, MessageCarriers.mapGetter());
  }
}
