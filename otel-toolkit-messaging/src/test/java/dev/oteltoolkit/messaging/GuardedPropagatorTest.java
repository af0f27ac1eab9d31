package dev.oteltoolkit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardedPropagatorTest {

  private static final String TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private final TextMapPropagator w3c =
      TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  @Test
  void wrappingIsIdempotentAndInjectionAndFieldsPassThrough() {
    TextMapPropagator guarded = GuardedPropagator.wrap(w3c);
    assertThat(GuardedPropagator.wrap(guarded)).isSameAs(guarded);
    assertThat(guarded.fields()).isEqualTo(w3c.fields());
    ContextPropagators propagators = GuardedPropagator.wrap(ContextPropagators.create(w3c));
    assertThat(propagators.getTextMapPropagator()).isInstanceOf(GuardedPropagator.class);
    assertThat(GuardedPropagator.wrap(propagators)).isSameAs(propagators);

    Map<String, String> headers = new HashMap<>();
    Context context =
        guarded.extract(
            Context.root(),
            Map.of("traceparent", TRACEPARENT, "baggage", "a=1"),
            MessageCarriers.mapGetter());
    guarded.inject(context, headers, MessageCarriers.mapSetter());
    assertThat(headers).containsEntry("traceparent", TRACEPARENT).containsEntry("baggage", "a=1");
    assertThat(guarded.extract(Context.root(), headers, null)).isSameAs(Context.root());
  }

  @Test
  void repeatedHeadersAreReadUpToTheLimitEachGuardedAndAFailureMidwayKeepsWhatWasRead() {
    List<String> values = new ArrayList<>();
    values.add("a=1");
    values.add("b=%zz,c=3");
    values.add("x".repeat(9000) + "=1");
    for (int i = 0; i < 100; i++) {
      values.add("k" + i + "=" + i);
    }
    TextMapGetter<Object> repeated = getter(values, Integer.MAX_VALUE);
    Baggage baggage =
        Baggage.fromContext(GuardedPropagator.wrap(w3c).extract(Context.root(), "c", repeated));
    assertThat(baggage.asMap().keySet())
        .containsExactlyInAnyOrder(
            "a", "c", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11",
            "k12");

    Baggage beforeFailure =
        Baggage.fromContext(
            GuardedPropagator.wrap(w3c).extract(Context.root(), "c", getter(values, 2)));
    assertThat(beforeFailure.asMap().keySet()).containsExactlyInAnyOrder("a", "c");
  }

  @Test
  void aTraceparentIsCheckedBeforeTheParserSeesIt() {
    TextMapPropagator guarded = GuardedPropagator.wrap(w3c);
    // OpenTelemetry API 1.65.0's parser throws ArrayIndexOutOfBoundsException on U+FFFF
    String withFfff = TRACEPARENT.substring(0, 50) + "\uffff" + TRACEPARENT.substring(51);
    for (String bad : new String[] {withFfff, TRACEPARENT + "-" + "a".repeat(600)}) {
      Context extracted =
          guarded.extract(Context.root(), Map.of("traceparent", bad), MessageCarriers.mapGetter());
      assertThat(Span.fromContext(extracted).getSpanContext().isValid()).as(bad).isFalse();
    }
  }

  /** Reads {@code values} for "baggage" with getAll, failing after {@code failAfter} values. */
  private static TextMapGetter<Object> getter(List<String> values, int failAfter) {
    return new TextMapGetter<>() {
      @Override
      public Iterable<String> keys(Object carrier) {
        return List.of("baggage");
      }

      @Override
      public String get(Object carrier, String key) {
        return key.equals("baggage") ? values.get(0) : null;
      }

      @Override
      public Iterator<String> getAll(Object carrier, String key) {
        if (!key.equals("baggage")) {
          return List.<String>of().iterator();
        }
        Iterator<String> all = values.iterator();
        return new Iterator<>() {
          int read;

          @Override
          public boolean hasNext() {
            return all.hasNext();
          }

          @Override
          public String next() {
            if (read++ == failAfter) {
              throw new AssertionError("iterator");
            }
            return all.next();
          }
        };
      }
    };
  }
}
