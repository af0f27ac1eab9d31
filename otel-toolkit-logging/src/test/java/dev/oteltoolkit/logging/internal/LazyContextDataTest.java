package dev.oteltoolkit.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the Log4j 2 provider hands each event ({@link LazyContextData}) and where the application's
 * own values of the keys live ({@link ApplicationTraceKeys}), over a thread-local storage of their
 * own; no Log4j needed.
 */
class LazyContextDataTest {

  private static final SpanContext IDS =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  private final MdcSettings settings = MdcSettings.from(key -> null, key -> null, warning -> {});
  private final ContextStorage storage = ContextStorage.defaultStorage();
  private final ApplicationTraceKeys own = new ApplicationTraceKeys(settings);
  private final LazyContextData data = new LazyContextData(storage, settings, own);

  @AfterEach
  void forgetOwnValues() {
    own.clear();
  }

  @Test
  void validSpanGivesItsIdsInvalidOneNothing() {
    try (Scope ignored = storage.attach(Context.root().with(Span.wrap(IDS)))) {
      assertThat(data.eventData())
          .isEqualTo(
              Map.of(
                  "trace_id", IDS.getTraceId(),
                  "span_id", IDS.getSpanId(),
                  "trace_flags", "01"));
      assertThat(data.eventValue("span_id")).isEqualTo(IDS.getSpanId());
      assertThat(data.eventValue("other")).isNull();
    }
    try (Scope ignored = storage.attach(Context.root())) {
      assertThat(data.eventData()).isEmpty();
      assertThat(data.eventValue("trace_id")).isNull();
    }
  }

  @Test
  void applicationsOwnValuesShowOnlyWhileNoContextIsAttached() {
    own.set(own.index("trace_id"), "mine");
    assertThat(data.eventData()).isEqualTo(Map.of("trace_id", "mine"));
    assertThat(data.eventValue("trace_id")).isEqualTo("mine");
    try (Scope ignored = storage.attach(Context.root())) {
      assertThat(data.eventData()).isEmpty();
    }
    try (Scope ignored = storage.attach(Context.root().with(Span.wrap(IDS)))) {
      assertThat(data.eventData()).containsEntry("trace_id", IDS.getTraceId());
    }
    own.set(own.index("trace_id"), null);
    assertThat(data.eventData()).isEmpty();
  }

  @Test
  void withoutAnOwnStoreNothingShowsOutsideScopes() {
    LazyContextData logbackSide = new LazyContextData(storage, settings, null);
    assertThat(logbackSide.eventData()).isEmpty();
    assertThat(logbackSide.eventValue("trace_id")).isNull();
  }

  @Test
  void ownValuesAreReplacedAddedAndClearedPerThread() throws Exception {
    assertThat(own.index("span_id")).isEqualTo(1);
    assertThat(own.index("request_id")).isEqualTo(-1);
    own.replaceFrom(Map.of("trace_id", "t", "trace_flags", "01", "request_id", "r"));
    assertThat(own.asMap()).isEqualTo(Map.of("trace_id", "t", "trace_flags", "01"));
    Map<String, String> target = new HashMap<>(Map.of("request_id", "r"));
    assertThat(own.addTo(target))
        .isSameAs(target)
        .isEqualTo(Map.of("request_id", "r", "trace_id", "t", "trace_flags", "01"));

    Map<String, String> seenElsewhere = new HashMap<>();
    Thread other = new Thread(() -> seenElsewhere.putAll(own.asMap()));
    other.start();
    other.join();
    assertThat(seenElsewhere).isEmpty();

    own.replaceFrom(null);
    assertThat(own.asMap()).isEmpty();
    assertThat(own.addTo(null)).isNull();
    own.set(0, "again");
    own.clear();
    assertThat(own.get(0)).isNull();
  }
}
