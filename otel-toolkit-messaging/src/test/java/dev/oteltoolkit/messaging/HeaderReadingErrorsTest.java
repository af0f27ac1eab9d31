package dev.oteltoolkit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Errors, not only exceptions, thrown while headers are read: a header value whose {@code
 * toString()} throws, a map whose {@code get} throws, a getter or a propagator that throws, a list
 * nested so deep that turning it into text overflows the stack. The handler always runs (as a new
 * root), the problem is logged once (then at most once a minute), and only what means the JVM or
 * the thread is going down ({@link VirtualMachineError}, {@link ThreadDeath}) propagates.
 */
class HeaderReadingErrorsTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String VALID_TRACEPARENT = "00-" + TRACE_ID + "-b7ad6b7169203331-01";

  private final TestService consumer = TestService.withPlainSdk("consumer");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger guardLogger = Logger.getLogger(GuardedPropagator.class.getName());
  private final Logger openTelemetryLogger = Logger.getLogger("io.opentelemetry");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            records.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    guardLogger.addHandler(capture);
    openTelemetryLogger.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    guardLogger.removeHandler(capture);
    openTelemetryLogger.removeHandler(capture);
    consumer.close();
  }

  @Test
  void aValueWhoseToStringThrowsAnErrorReadsAsAbsentAndIsLoggedOnce() {
    for (int i = 0; i < 50; i++) {
      String result =
          consumer.messaging.process(
              "k",
              "d",
              Map.of("traceparent", throwing(() -> new AssertionError("hostile"))),
              () -> "handled");
      Assertions.assertThat(result).isEqualTo("handled");
    }
    // an error of another kind, through the builder, is contained the same way
    consumer
        .messaging
        .consumer("k", "d")
        .headers(Map.of("traceparent", throwing(() -> new NoClassDefFoundError("Broker"))))
        .run(() -> {});

    Assertions.assertThat(consumer.spans())
        .hasSize(51)
        .allSatisfy(span -> assertThat(span).hasNoParent());
    Assertions.assertThat(records).hasSize(1);
    LogRecord line = records.get(0);
    Assertions.assertThat(line.getLevel()).isEqualTo(Level.WARNING);
    Assertions.assertThat(line.getThrown()).isInstanceOf(AssertionError.class);
    Assertions.assertThat(line.getMessage())
        .startsWith(
            "otel-toolkit-messaging could not read incoming trace context headers"
                + " (java.lang.AssertionError)")
        .endsWith("At most one such line a minute.");
  }

  @Test
  void aMapWhoseGetThrowsAnErrorIsContainedOnEveryPath() {
    Map<String, Object> broken = new ThrowingMap(() -> new AssertionError("get"));
    consumer.messaging.process("k", "one", broken, () -> {});
    consumer.messaging.consumer("k", "builder").headers(broken).run(() -> {});
    consumer.messaging.consumer("k", "batch").batchMessage(broken).run(() -> {});
    MessagingTelemetry linking =
        MessagingTelemetry.builder(consumer.openTelemetry).newTraceWithLink(true).build();
    linking.process("k", "link", broken, () -> {});

    for (String name : List.of("process one", "process builder", "process batch", "process link")) {
      assertThat(consumer.span(name)).hasNoParent().hasTotalRecordedLinks(0);
    }
    // one line per MessagingTelemetry: consumer.messaging and linking
    Assertions.assertThat(records)
        .hasSize(2)
        .allSatisfy(r -> Assertions.assertThat(r.getThrown()).isInstanceOf(AssertionError.class));
  }

  @Test
  void aGetterOrPropagatorThatThrowsAnErrorIsContained() {
    TextMapGetter<Object> getter =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(Object carrier) {
            throw new AssertionError("keys");
          }

          @Override
          public String get(Object carrier, String key) {
            throw new ExceptionInInitializerError("get");
          }
        };
    consumer.messaging.consumer("k", "getter").carrier(new Object(), getter).run(() -> {});
    assertThat(consumer.span("process getter")).hasNoParent();

    try (TestService broken = TestService.withPlainSdk("broken", propagatorThrowing())) {
      String result =
          broken.messaging.process(
              "k", "d", Map.of("traceparent", VALID_TRACEPARENT), () -> "handled");
      Assertions.assertThat(result).isEqualTo("handled");
      assertThat(broken.span("process d")).hasNoParent();
    }
    Assertions.assertThat(records)
        .extracting(r -> r.getThrown().getClass().getSimpleName())
        .containsExactly("ExceptionInInitializerError", "AssertionError");
  }

  @Test
  void aDeeplyNestedListIsNeverTurnedIntoTextSoItCannotOverflowTheStack() {
    List<Object> deep = nested(VALID_TRACEPARENT, 100_000);
    // the premise: turning it into text overflows the stack
    assertThatThrownBy(deep::toString).isInstanceOf(StackOverflowError.class);
    Map<String, Object> deepMap = new HashMap<>();
    Map<String, Object> inner = deepMap;
    for (int i = 0; i < 100_000; i++) {
      Map<String, Object> next = new HashMap<>();
      inner.put("k", next);
      inner = next;
    }

    consumer.messaging.process("k", "list", Map.of("traceparent", deep, "baggage", deep), () -> {});
    consumer.messaging.process("k", "map", Map.of("traceparent", deepMap), () -> {});

    assertThat(consumer.span("process list")).hasNoParent();
    assertThat(consumer.span("process map")).hasNoParent();
    Assertions.assertThat(records).as("nothing failed: containers read as absent").isEmpty();
  }

  @Test
  void aListOfTextIsReadAsItsFirstElement() {
    Map<String, List<?>> headers =
        Map.of(
            "traceparent",
                List.of(VALID_TRACEPARENT, "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01"),
            "baggage", List.of("tenant=acme".getBytes(StandardCharsets.UTF_8)));
    String[] tenant = new String[1];
    consumer.messaging.process(
        "k", "d", headers, () -> tenant[0] = Baggage.current().getEntryValue("tenant"));

    assertThat(consumer.span("process d")).hasTraceId(TRACE_ID);
    Assertions.assertThat(tenant[0]).isEqualTo("acme");
  }

  @Test
  void virtualMachineErrorsAndThreadDeathPropagateAndTheHandlerDoesNotRun() {
    List<Supplier<Error>> fatal =
        List.of(
            () -> new StackOverflowError("from toString"),
            () -> new OutOfMemoryError("from toString"),
            () -> new InternalError("from toString"),
            ThreadDeath::new);
    for (Supplier<Error> error : fatal) {
      Error thrown = error.get();
      int[] runs = new int[1];
      assertThatThrownBy(
              () ->
                  consumer.messaging.process(
                      "k", "d", Map.of("traceparent", throwing(() -> thrown)), () -> runs[0]++))
          .isSameAs(thrown);
      assertThatThrownBy(
              () ->
                  consumer.messaging.process(
                      "k", "d", new ThrowingMap(() -> thrown), () -> runs[0]++))
          .isSameAs(thrown);
      Assertions.assertThat(runs[0]).as(thrown.toString()).isZero();
    }
    Assertions.assertThat(consumer.spans()).isEmpty();
    Assertions.assertThat(records).isEmpty();
  }

  @Test
  void aVirtualMachineErrorFromThePropagatorPropagatesToo() {
    TextMapPropagator guarded = GuardedPropagator.wrap(propagatorThrowing(new OutOfMemoryError()));
    assertThatThrownBy(() -> guarded.extract(Context.root(), Map.of(), MessageCarriers.mapGetter()))
        .isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void failuresAreLoggedAtMostOnceAMinuteWithTheCountOfTheOthers() {
    AtomicLong now = new AtomicLong(123);
    HeaderProblems problems = new HeaderProblems(now::get);
    Level level = guardLogger.getLevel();
    guardLogger.setLevel(Level.FINE);
    List<LogRecord> fine = new ArrayList<>();
    Handler fineCapture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            fine.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    guardLogger.addHandler(fineCapture);
    try {
      for (int i = 0; i < 3; i++) {
        problems.failure(new AssertionError("n" + i));
        problems.malformed("baggage", "why " + i);
      }
      now.addAndGet(TimeUnit.SECONDS.toNanos(59));
      problems.failure(new AssertionError("n3"));
      problems.malformed("baggage", "why 3");
      now.addAndGet(TimeUnit.SECONDS.toNanos(2));
      problems.failure(new AssertionError("n4"));
      problems.malformed("baggage", "why 4");
    } finally {
      guardLogger.removeHandler(fineCapture);
      guardLogger.setLevel(level);
    }

    Assertions.assertThat(fine)
        .extracting(r -> r.getLevel() + " " + r.getMessage().replaceAll(".*(At most.*)", "$1"))
        .containsExactly(
            "WARNING At most one such line a minute.",
            "FINE At most one such line a minute.",
            "WARNING At most one such line a minute; 3 more since the previous one.",
            "FINE At most one such line a minute; 3 more since the previous one.");
    Assertions.assertThat(fine.get(2).getThrown()).hasMessage("n4");
    Assertions.assertThat(fine.get(3).getMessage())
        .startsWith("otel-toolkit-messaging ignored an incoming \"baggage\" header: why 4.");
  }

  private static Object throwing(Supplier<? extends Error> error) {
    return new Object() {
      @Override
      public String toString() {
        throw error.get();
      }
    };
  }

  private static List<Object> nested(String value, int depth) {
    List<Object> list = new ArrayList<>(List.of(value));
    for (int i = 1; i < depth; i++) {
      List<Object> outer = new ArrayList<>(1);
      outer.add(list);
      list = outer;
    }
    return list;
  }

  private static TextMapPropagator propagatorThrowing() {
    return propagatorThrowing(new AssertionError("extract"));
  }

  private static TextMapPropagator propagatorThrowing(Error error) {
    TextMapPropagator w3c =
        TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    return new TextMapPropagator() {
      @Override
      public Collection<String> fields() {
        return w3c.fields();
      }

      @Override
      public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
        w3c.inject(context, carrier, setter);
      }

      @Override
      public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
        throw error;
      }
    };
  }

  /** A map whose every read throws the given error. */
  private static final class ThrowingMap extends AbstractMap<String, Object> {
    private final Supplier<? extends Error> error;

    ThrowingMap(Supplier<? extends Error> error) {
      this.error = error;
    }

    @Override
    public Object get(Object key) {
      throw error.get();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      throw error.get();
    }
  }
}
