package dev.oteltoolkit.testing;

import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.assertj.LogRecordDataAssert;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import io.opentelemetry.sdk.testing.assertj.SpanDataAssert;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Assertions on one captured trace as a tree, found by the name of its root span ({@link
 * TelemetryExtension#assertTrace(String)}, {@link TelemetryExtension#awaitTrace(String)}):
 *
 * <pre>{@code
 * otel.assertTrace("checkout")
 *     .hasRoot(root -> root.hasKind(SpanKind.SERVER))
 *     .hasChild("charge card", card -> card.hasKind(SpanKind.CLIENT))
 *     .hasChild("SELECT shop.orders")
 *     .hasNoOtherSpans();
 * }</pre>
 *
 * <p>The root is the span whose parent was not captured; children are linked by parent span id
 * across threads and services. Span-level checks are {@code opentelemetry-sdk-testing}'s {@link
 * SpanDataAssert}. Every failure names the span it is about and shows the console tree of
 * everything captured. The assertions work on what had arrived when the trace was found: a trace is
 * not updated afterwards.
 */
public final class TraceTreeAssert extends TreeAssertions<TraceTreeAssert> {

  TraceTreeAssert(Snapshot snapshot, TraceTree trace) {
    super(new TreeContext(snapshot, trace), trace.roots.get(0));
    context.markAsserted(node);
  }

  @Override
  TraceTreeAssert self() {
    return this;
  }

  /**
   * Returns the trace id, 32 hex characters.
   *
   * @return the trace id
   */
  public String traceId() {
    return context.trace.traceId;
  }

  /**
   * Returns the root span of the trace.
   *
   * @return the root span
   */
  public SpanData rootSpan() {
    return node.span;
  }

  /**
   * Returns every span of the trace, in the order they were exported.
   *
   * @return the spans
   */
  public List<SpanData> spans() {
    return context.trace.spans;
  }

  /**
   * Returns the log records emitted while a span of this trace was current (they carry its trace
   * id), in the order they were exported.
   *
   * @return the log records of the trace
   */
  public List<LogRecordData> logRecords() {
    List<LogRecordData> logs = new ArrayList<>();
    for (LogRecordData log : context.snapshot.requireAllLogRecords().logRecords) {
      if (log.getSpanContext().getTraceId().equals(traceId())) {
        logs.add(log);
      }
    }
    return logs;
  }

  /**
   * Asserts the root span with {@code opentelemetry-sdk-testing}'s span assertions.
   *
   * @param assertions e.g. {@code root -> root.hasKind(SpanKind.SERVER)}
   * @return this
   */
  public TraceTreeAssert hasRoot(Consumer<SpanDataAssert> assertions) {
    context.check(node, assertions);
    return this;
  }

  /**
   * Returns the one span of the trace with this name, at any depth, for {@code
   * OpenTelemetryAssertions.assertThat(span)} or to read its ids and attributes. Like {@link
   * #hasSpan(String, Consumer)} it counts as named for {@link #hasNoOtherSpans()}.
   *
   * @param name the span name
   * @return the span
   * @throws AssertionError when no span or several spans of the trace have that name
   */
  public SpanData span(String name) {
    return context.span(name).span;
  }

  /**
   * Returns the spans of the trace with this name, at any depth, parents before children and
   * siblings in the order they started; an empty list when there is none. A plain lookup: it does
   * not count as naming them for {@link #hasNoOtherSpans()} ({@link #hasSpans(String, int)} does).
   *
   * @param name the span name
   * @return the spans of that name
   */
  public List<SpanData> spans(String name) {
    List<SpanData> spans = new ArrayList<>();
    for (TraceTree.Node named : context.named(name)) {
      spans.add(named.span);
    }
    return spans;
  }

  /**
   * Asserts that exactly {@code count} spans of the trace, at any depth, have this name.
   *
   * @param name the span name
   * @param count how many, at least 0
   * @return this
   */
  public TraceTreeAssert hasSpans(String name, int count) {
    context.spans(name, count);
    return this;
  }

  /**
   * Asserts that exactly {@code count} spans of the trace, at any depth, have this name, each
   * satisfying {@code each}.
   *
   * @param name the span name
   * @param count how many, at least 0
   * @param each assertions every one of them must satisfy
   * @return this
   */
  public TraceTreeAssert hasSpans(String name, int count, Consumer<SpanDataAssert> each) {
    for (TraceTree.Node named : context.spans(name, count)) {
      context.check(named, each);
    }
    return this;
  }

  /**
   * Asserts that exactly one span of the trace, at any depth, has this name, and that it satisfies
   * {@code assertions}.
   *
   * @param name the span name
   * @param assertions assertions on the span
   * @return this
   */
  public TraceTreeAssert hasSpan(String name, Consumer<SpanDataAssert> assertions) {
    context.check(context.span(name), assertions);
    return this;
  }

  /**
   * Asserts how many spans the trace has, the root included.
   *
   * @param count the expected number of spans
   * @return this
   */
  public TraceTreeAssert hasSpanCount(int count) {
    if (context.trace.spans.size() != count) {
      throw context.failure(
          "trace "
              + traceId()
              + " (root '"
              + node.name()
              + "') has "
              + context.trace.spans.size()
              + " spans, expected "
              + count);
    }
    return this;
  }

  /**
   * Asserts that every span of the trace was named by an assertion above (the root counts): nothing
   * was recorded that the test does not expect. A span counts as named once {@code hasChild},
   * {@code hasChildren}, {@code hasChildTree}, {@code hasSpan}, {@code hasSpans} or {@link
   * #span(String)} found it, at any depth and in any order; the order in which the spans ended does
   * not matter either.
   *
   * @return this
   */
  public TraceTreeAssert hasNoOtherSpans() {
    List<SpanData> others = context.notAsserted();
    if (!others.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (SpanData span : others) {
        names.add(span.getName());
      }
      throw context.failure(
          "trace "
              + traceId()
              + " (root '"
              + node.name()
              + "') has spans no assertion named: "
              + names);
    }
    return this;
  }

  /**
   * Asserts that at least one log record of this trace satisfies {@code assertions}.
   *
   * @param assertions e.g. {@code log -> log.hasBody("order placed")}
   * @return this
   */
  public TraceTreeAssert hasLogRecord(Consumer<LogRecordDataAssert> assertions) {
    Objects.requireNonNull(assertions, "assertions");
    List<LogRecordData> logs = logRecords();
    AssertionError last = null;
    for (LogRecordData log : logs) {
      try {
        assertions.accept(OpenTelemetryAssertions.assertThat(log));
        return this;
      } catch (AssertionError e) {
        last = e;
      }
    }
    throw new TelemetryAssertionError(
        "trace "
            + traceId()
            + " (root '"
            + node.name()
            + "'): none of its "
            + logs.size()
            + " log records matches"
            + (last == null ? "" : "; the last one failed with: " + last.getMessage()),
        context.snapshot,
        last);
  }

  @Override
  public String toString() {
    return "TraceTreeAssert{" + traceId() + ", root '" + node.name() + "'}";
  }
}
