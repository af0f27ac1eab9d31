package dev.oteltoolkit.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The storage itself, built with explicit settings over the default thread-local storage
 * (independent of the one this JVM activated): key names, baggage, exact restoration.
 */
class MdcContextStorageTest {

  private static final SpanContext FIRST =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getSampled(),
          TraceState.getDefault());
  private static final SpanContext SECOND =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "00f067aa0ba902b7",
          TraceFlags.getDefault(),
          TraceState.getDefault());

  private final List<String> warnings = new ArrayList<>();

  @BeforeEach
  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void customKeyNamesReplaceTheDefaults() {
    MdcContextStorage storage =
        storage(
            Map.of(
                "oteltoolkit.mdc.trace_id_key", "traceId",
                "oteltoolkit.mdc.span_id_key", "spanId",
                "oteltoolkit.mdc.trace_flags_key", "traceFlags"));

    try (Scope ignored = storage.attach(Context.root().with(Span.wrap(FIRST)))) {
      assertThat(mdc())
          .isEqualTo(
              Map.of(
                  "traceId", "0af7651916cd43dd8448eb211c80319c",
                  "spanId", "b7ad6b7169203331",
                  "traceFlags", "01"));
    }
    assertThat(mdc()).isEmpty();
  }

  @Test
  void idsFollowNestedScopesAndFlagsAreHex() {
    MdcContextStorage storage = storage(Map.of());

    try (Scope ignored = storage.attach(Context.root().with(Span.wrap(FIRST)))) {
      try (Scope ignored2 = storage.attach(storage.current().with(Span.wrap(SECOND)))) {
        assertThat(mdc())
            .isEqualTo(
                Map.of(
                    "trace_id", "0af7651916cd43dd8448eb211c80319c",
                    "span_id", "00f067aa0ba902b7",
                    "trace_flags", "00"));
      }
      assertThat(mdc())
          .isEqualTo(
              Map.of(
                  "trace_id", "0af7651916cd43dd8448eb211c80319c",
                  "span_id", "b7ad6b7169203331",
                  "trace_flags", "01"));
    }
    assertThat(mdc()).isEmpty();
  }

  @Test
  void baggageIsNotCopiedByDefault() {
    MdcContextStorage storage = storage(Map.of());
    Context context =
        Context.root().with(Span.wrap(FIRST)).with(Baggage.builder().put("tenant", "t1").build());

    try (Scope ignored = storage.attach(context)) {
      assertThat(mdc()).containsOnlyKeys("trace_id", "span_id", "trace_flags");
    }
  }

  @Test
  void listedBaggageKeysAreCopiedAndRestored() {
    MdcContextStorage storage = storage(Map.of("oteltoolkit.mdc.baggage", "tenant,user.tier"));
    MDC.put("baggage.tenant", "set-by-app");
    Baggage outer =
        Baggage.builder().put("tenant", "t1").put("user.tier", "gold").put("secret", "s").build();

    try (Scope ignored = storage.attach(Context.root().with(outer))) {
      assertThat(mdc()).isEqualTo(Map.of("baggage.tenant", "t1", "baggage.user.tier", "gold"));
      Baggage inner = outer.toBuilder().put("tenant", "t2").remove("user.tier").build();
      try (Scope ignored2 = storage.attach(storage.current().with(inner))) {
        assertThat(mdc()).isEqualTo(Map.of("baggage.tenant", "t2"));
      }
      try (Scope ignored3 = storage.attach(Context.root())) {
        assertThat(mdc()).isEmpty();
      }
      assertThat(mdc()).isEqualTo(Map.of("baggage.tenant", "t1", "baggage.user.tier", "gold"));
    }
    assertThat(mdc()).isEqualTo(Map.of("baggage.tenant", "set-by-app"));
  }

  @Test
  void allBaggageIsCopiedWhenEnabledAndEntriesTheInnerContextLacksAreRemoved() {
    MdcContextStorage storage = storage(Map.of("oteltoolkit.mdc.baggage", "true"));
    Baggage outer = Baggage.builder().put("a", "1").put("b", "2").build();

    try (Scope ignored = storage.attach(Context.root().with(Span.wrap(FIRST)).with(outer))) {
      assertThat(mdc()).containsEntry("baggage.a", "1").containsEntry("baggage.b", "2").hasSize(5);
      Baggage inner = Baggage.builder().put("b", "3").put("c", "4").build();
      try (Scope ignored2 = storage.attach(storage.current().with(inner))) {
        assertThat(mdc())
            .doesNotContainKey("baggage.a")
            .containsEntry("baggage.b", "3")
            .containsEntry("baggage.c", "4")
            .containsEntry("span_id", "b7ad6b7169203331");
        // the very same context again changes nothing and restores nothing
        try (Scope ignored3 = storage.attach(storage.current())) {
          assertThat(mdc()).containsEntry("baggage.b", "3").hasSize(5);
        }
        assertThat(mdc()).containsEntry("baggage.b", "3").hasSize(5);
      }
      assertThat(mdc())
          .containsEntry("baggage.a", "1")
          .containsEntry("baggage.b", "2")
          .doesNotContainKey("baggage.c");
    }
    assertThat(mdc()).isEmpty();
  }

  @Test
  void invalidSpanContextWritesNothing() {
    MdcContextStorage storage = storage(Map.of());
    SpanContext invalid =
        SpanContext.create(
            "00000000000000000000000000000000",
            "0000000000000000",
            TraceFlags.getSampled(),
            TraceState.getDefault());

    try (Scope ignored = storage.attach(Context.root().with(Span.wrap(invalid)))) {
      assertThat(mdc()).isEmpty();
    }
    assertThat(mdc()).isEmpty();
  }

  private MdcContextStorage storage(Map<String, String> properties) {
    MdcSettings settings = MdcSettings.from(properties::get, name -> null, warnings::add);
    assertThat(warnings).isEmpty();
    return MdcContextStorage.create(new OwnThreadLocalStorage(), settings);
  }

  /**
   * A thread-local storage of its own, so this JVM's bridge (which may answer the MDC from the
   * default storage's current context) never sees what these tests attach.
   */
  private static final class OwnThreadLocalStorage implements ContextStorage {
    private final ThreadLocal<Context> current = new ThreadLocal<>();

    @Override
    public Scope attach(Context toAttach) {
      Context before = current.get();
      current.set(toAttach);
      return () -> current.set(before);
    }

    @Override
    public Context current() {
      Context context = current.get();
      return context == null ? Context.root() : context;
    }
  }

  private static Map<String, String> mdc() {
    Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy == null ? Map.of() : new HashMap<>(copy);
  }
}
