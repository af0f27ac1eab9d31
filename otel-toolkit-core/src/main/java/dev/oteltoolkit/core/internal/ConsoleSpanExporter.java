package dev.oteltoolkit.core.internal;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Internal, not for public use: a {@link SpanExporter} that prints every local trace tree to a
 * {@link PrintStream} when its local root ends (the {@code console()} option and {@code
 * OTEL_TRACES_EXPORTER=console}), with the log records of {@link #logRecordExporter(boolean)} under
 * their spans. Spans are buffered per trace until the root arrives, within {@value
 * #DEFAULT_MAX_BUFFERED_SPANS} spans and 60 s; in-process hops are joined. Thread-safe; {@code
 * export} never throws. Buffering, hops, bounds, output format and log records:
 * docs/ARCHITECTURE.md, "The console view".
 */
public final class ConsoleSpanExporter implements SpanExporter {

  /** Default bound on the spans buffered while waiting for their local root. */
  static final int DEFAULT_MAX_BUFFERED_SPANS = 10_000;

  /** Default time without a new span after which a buffered trace is evicted. */
  static final Duration DEFAULT_MAX_IDLE = Duration.ofSeconds(60);

  private static final Logger logger = Logger.getLogger(ConsoleSpanExporter.class.getName());

  private static final Comparator<SpanData> BY_START =
      Comparator.comparingLong(SpanData::getStartEpochNanos).thenComparing(SpanData::getSpanId);
  private static final Comparator<LogRecordData> LOGS_BY_TIME =
      Comparator.comparingLong(ConsoleFormat::timestamp);
  private static final String NOT_PRINTED = "its span was not printed";

  private final PrintStream out;
  private final LongSupplier nanoTime;
  private final int maxBufferedSpans;
  private final long maxIdleNanos;
  private final String evictedByAge;
  private final Object lock = new Object();

  // Guarded by lock. Access order: the head is the trace that received a span least recently.
  private final Map<String, PendingTrace> pendingTraces = new LinkedHashMap<>(16, 0.75f, true);
  // Guarded by lock. Key trace id + span id of every span printed recently, in printing order.
  private final Map<String, PrintedSpan> printedSpans = new LinkedHashMap<>();
  // Guarded by lock. Key trace id + span id of a parent that a tree printed as continuing a remote
  // parent refers to, in printing order: if that span is printed here later, its line says so.
  private final Map<String, PrintedTree> continuedBy = new LinkedHashMap<>();
  private int bufferedSpans;
  private int bufferedLogs;
  private boolean shutdown;
  private boolean failureLogged;

  /**
   * Returns an exporter printing to {@code out}, evicting stale traces by {@link
   * System#nanoTime()}.
   *
   * @param out where the trees are printed, for example {@code System.out}
   * @return a new exporter
   */
  public static ConsoleSpanExporter create(PrintStream out) {
    return create(out, System::nanoTime);
  }

  /**
   * Returns an exporter printing to {@code out}, with the time source used to evict traces whose
   * root does not arrive.
   *
   * @param out where the trees are printed, for example {@code System.out}
   * @param nanoTime monotonic time in nanoseconds, like {@link System#nanoTime()}; used only to
   *     evict stale buffered traces, never for span durations
   * @return a new exporter
   */
  public static ConsoleSpanExporter create(PrintStream out, LongSupplier nanoTime) {
    return new ConsoleSpanExporter(out, nanoTime, DEFAULT_MAX_BUFFERED_SPANS, DEFAULT_MAX_IDLE);
  }

  ConsoleSpanExporter(
      PrintStream out, LongSupplier nanoTime, int maxBufferedSpans, Duration maxIdle) {
    this.out = Objects.requireNonNull(out, "out");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    Objects.requireNonNull(maxIdle, "maxIdle");
    if (maxBufferedSpans < 1) {
      throw new IllegalArgumentException("maxBufferedSpans=" + maxBufferedSpans + ": must be > 0");
    }
    if (maxIdle.isNegative() || maxIdle.isZero()) {
      throw new IllegalArgumentException("maxIdle=" + maxIdle + ": must be positive");
    }
    this.maxBufferedSpans = maxBufferedSpans;
    this.maxIdleNanos = maxIdle.toNanos();
    this.evictedByAge =
        ConsoleFormat.INCOMPLETE + ", no span for " + ConsoleFormat.describe(maxIdle) + ")";
  }

  /**
   * Buffers the spans and prints every tree whose local root is among them, then evicts stale
   * traces. Never throws; ignored after {@link #shutdown()}.
   *
   * @param spans the ended spans, in any order and of any traces
   * @return a result that is always successful
   */
  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (spans == null) {
      return CompletableResultCode.ofSuccess();
    }
    synchronized (lock) {
      if (shutdown) {
        return CompletableResultCode.ofSuccess();
      }
      try {
        List<String> trees = new ArrayList<>();
        accept(spans, nanoTime.getAsLong(), trees);
        print(trees);
      } catch (RuntimeException e) {
        logFailure(e);
      }
    }
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Flushes the output stream. Prints nothing that is pending: trees whose local root has not
   * arrived stay buffered until it does or they are evicted.
   *
   * @return a result that is always successful
   */
  @Override
  public CompletableResultCode flush() {
    out.flush();
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Prints every still-buffered tree, marked incomplete, and stops the exporter: later export calls
   * are ignored. Idempotent; the output stream is flushed, not closed.
   *
   * @return a result that is always successful
   */
  @Override
  public CompletableResultCode shutdown() {
    synchronized (lock) {
      if (shutdown) {
        return CompletableResultCode.ofSuccess();
      }
      shutdown = true;
      long now = nanoTime.getAsLong();
      List<String> trees = new ArrayList<>();
      for (PendingTrace trace : pendingTraces.values()) {
        addIncomplete(trees, trace, ConsoleFormat.INCOMPLETE + " at shutdown)", now);
      }
      pendingTraces.clear();
      printedSpans.clear();
      continuedBy.clear();
      bufferedSpans = 0;
      bufferedLogs = 0;
      try {
        print(trees);
      } catch (RuntimeException e) {
        logFailure(e);
      }
    }
    out.flush();
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Returns a log record exporter that feeds this tree view: each record that carries a span
   * context is printed under that span when its tree is printed, with its time offset from the
   * span's start, severity and message. Records without a span context, whose span was printed
   * already or will not be printed are printed at once on lines of their own, starting {@code log}.
   * Export it through a {@code SimpleLogRecordProcessor}, so that records are here before their
   * span ends.
   *
   * @param waitForUnsampledSpans whether records of spans without the sampled flag wait for their
   *     span as well (true with tail keeping, which may still keep such a span); when false they
   *     are printed at once
   * @return a new log record exporter bound to this view
   */
  public ConsoleLogRecordExporter logRecordExporter(boolean waitForUnsampledSpans) {
    return new ConsoleLogRecordExporter(this, waitForUnsampledSpans);
  }

  // Buffers each record under its span, or prints it at once on its own line. Never throws.
  void exportLogs(Collection<LogRecordData> logs, boolean waitForUnsampledSpans) {
    if (Thread.holdsLock(lock)) {
      // Logged by this exporter itself (its failure warning, bridged from java.util.logging into
      // the SDK's logs): printed on its own line, the buffers being mid-change on this thread.
      StringBuilder sb = new StringBuilder(128);
      for (LogRecordData log : logs) {
        if (log != null) {
          ConsoleFormat.appendStandaloneLog(sb, log, null);
        }
      }
      out.print(sb);
      return;
    }
    synchronized (lock) {
      if (shutdown) {
        return;
      }
      try {
        long now = nanoTime.getAsLong();
        List<String> lines = new ArrayList<>();
        for (LogRecordData log : logs) {
          if (log != null) {
            placeLog(log, waitForUnsampledSpans, now, lines);
          }
        }
        evict(now, lines);
        print(lines);
      } catch (RuntimeException e) {
        logFailure(e);
      }
    }
  }

  private void placeLog(
      LogRecordData log, boolean waitForUnsampledSpans, long now, List<String> lines) {
    SpanContext span = log.getSpanContext();
    String context;
    if (!span.isValid()) {
      context = null;
    } else if (!span.isSampled() && !waitForUnsampledSpans) {
      context = "trace " + span.getTraceId() + ", not sampled";
    } else {
      PrintedSpan printed = printedSpans.get(span.getTraceId() + span.getSpanId());
      if (printed == null) {
        PendingTrace trace = pendingTraces.get(span.getTraceId());
        if (trace == null) {
          trace = new PendingTrace(span.getTraceId());
          pendingTraces.put(span.getTraceId(), trace);
        }
        trace.addLog(log);
        trace.lastSpanNanos = now;
        bufferedLogs++;
        return;
      }
      StringBuilder sb = new StringBuilder("after its span ");
      ConsoleFormat.appendText(sb, printed.name(), ConsoleFormat.Quoting.ALWAYS);
      sb.append(" was printed");
      context = sb.toString();
    }
    StringBuilder sb = new StringBuilder(128);
    ConsoleFormat.appendStandaloneLog(sb, log, context);
    lines.add(sb.toString());
  }

  /**
   * Returns a description of this exporter and its limits.
   *
   * @return a description of this exporter
   */
  @Override
  public String toString() {
    return "ConsoleSpanExporter{maxBufferedSpans="
        + maxBufferedSpans
        + ", maxIdle="
        + Duration.ofNanos(maxIdleNanos)
        + '}';
  }

  private void accept(Collection<SpanData> spans, long now, List<String> trees) {
    // First buffer everything, so that a root finds the children exported in the same batch
    // whatever their order; then place the continuations of remote parents (so that a producer's
    // tree printed in this batch takes its in-process consumers), then print roots and late spans
    // in batch order.
    List<SpanData> continuations = new ArrayList<>(0);
    List<SpanData> toPrint = new ArrayList<>();
    List<PrintedSpan> lateOf = new ArrayList<>();
    for (SpanData span : spans) {
      if (span == null) {
        continue;
      }
      SpanContext parent = span.getParentSpanContext();
      if (!parent.isValid()) {
        toPrint.add(span);
        lateOf.add(null);
        continue;
      }
      if (parent.isRemote()) {
        continuations.add(span);
        continue;
      }
      PrintedSpan printed = printedSpans.get(span.getTraceId() + parent.getSpanId());
      if (printed != null) {
        toPrint.add(span);
        lateOf.add(printed);
      } else {
        buffer(span, now);
      }
    }
    for (SpanData span : continuations) {
      try {
        placeContinuation(span, now, trees);
      } catch (RuntimeException e) {
        logFailure(e);
      }
    }
    for (int i = 0; i < toPrint.size(); i++) {
      SpanData span = toPrint.get(i);
      PrintedSpan printed = lateOf.get(i);
      try {
        trees.add(printed == null ? renderLocalRoot(span, now) : renderLate(span, printed, now));
      } catch (RuntimeException e) {
        // One malformed span must not cost the other trees of the batch.
        logFailure(e);
      }
    }
    evict(now, trees);
  }

  // A local root whose parent is remote: the consumer side of a hop (a message, an HTTP call).
  // If the parent span was printed here, the tree is printed under a reference to it; if it is
  // buffered here, the tree waits to be drawn under it; otherwise it is printed at once, naming
  // the parent span id (never held back: the parent is usually in another process).
  private void placeContinuation(SpanData span, long now, List<String> trees) {
    String parentId = span.getParentSpanId();
    PrintedSpan parent = printedSpans.get(span.getTraceId() + parentId);
    if (parent != null) {
      trees.add(renderContinuation(span, parent, now));
      return;
    }
    PendingTrace trace = pendingTraces.get(span.getTraceId());
    if (trace != null && trace.holds(parentId)) {
      buffer(span, now);
      return;
    }
    trees.add(renderLocalRoot(span, now));
  }

  private void buffer(SpanData span, long now) {
    PendingTrace trace = pendingTraces.get(span.getTraceId());
    if (trace == null) {
      trace = new PendingTrace(span.getTraceId());
      pendingTraces.put(span.getTraceId(), trace);
    }
    trace.add(span);
    trace.lastSpanNanos = now;
    bufferedSpans++;
  }

  private String renderLocalRoot(SpanData root, long now) {
    StringBuilder sb = new StringBuilder(256);
    ConsoleFormat.appendHeader(sb, root);
    SpanContext parent = root.getParentSpanContext();
    PrintedTree printed = new PrintedTree(root.getName(), now);
    if (parent.isValid()) {
      sb.append("  (continues remote parent ").append(parent.getSpanId()).append(')');
      rememberBounded(continuedBy, root.getTraceId() + parent.getSpanId(), printed);
    }
    sb.append('\n');
    appendBufferedTree(sb, root, printed, "", "");
    return sb.toString();
  }

  // A consumer's tree whose producer span was printed already: drawn under a reference line to it.
  private String renderContinuation(SpanData root, PrintedSpan parent, long now) {
    StringBuilder sb = new StringBuilder(256);
    ConsoleFormat.appendHeader(sb, root);
    if (parent.rootName() == null) {
      sb.append("  continues an incomplete tree\n");
    } else {
      sb.append("  continues the tree of ");
      ConsoleFormat.appendText(sb, parent.rootName(), ConsoleFormat.Quoting.ALWAYS);
      sb.append('\n');
    }
    ConsoleFormat.appendText(sb, parent.name(), ConsoleFormat.Quoting.NEVER);
    sb.append("  ").append(ConsoleFormat.PRINTED_ABOVE).append('\n');
    appendBufferedTree(
        sb,
        root,
        new PrintedTree(parent.rootName(), now),
        ConsoleFormat.LAST_BRANCH,
        ConsoleFormat.BLANK);
    return sb.toString();
  }

  private String renderLate(SpanData span, PrintedSpan printed, long now) {
    StringBuilder sb = new StringBuilder(128);
    ConsoleFormat.appendHeader(sb, span);
    if (printed.rootName() == null) {
      sb.append("  late, after its incomplete tree: ");
    } else {
      sb.append("  late, after the tree of ");
      ConsoleFormat.appendText(sb, printed.rootName(), ConsoleFormat.Quoting.ALWAYS);
      sb.append(": ");
    }
    appendBufferedTree(sb, span, new PrintedTree(printed.rootName(), now), "", "");
    return sb.toString();
  }

  // Appends top and its buffered descendants, which leave the buffer.
  private void appendBufferedTree(
      StringBuilder sb, SpanData top, PrintedTree printed, String linePrefix, String childPrefix) {
    PendingTrace trace = pendingTraces.get(top.getTraceId());
    if (trace == null) {
      appendTree(sb, top, null, printed, linePrefix, childPrefix);
      return;
    }
    int before = trace.size;
    int logsBefore = trace.logCount;
    try {
      appendTree(sb, top, trace, printed, linePrefix, childPrefix);
    } finally {
      bufferedSpans -= before - trace.size;
      bufferedLogs -= logsBefore - trace.logCount;
      if (trace.isEmpty()) {
        pendingTraces.remove(top.getTraceId());
      }
    }
  }

  // Renders a trace already taken out of pendingTraces; a failure costs that trace only.
  private void addIncomplete(List<String> trees, PendingTrace trace, String marker, long now) {
    bufferedSpans -= trace.size;
    bufferedLogs -= trace.logCount;
    try {
      trees.add(renderIncomplete(trace, marker, now));
    } catch (RuntimeException e) {
      logFailure(e);
    }
  }

  private String renderIncomplete(PendingTrace trace, String marker, long now) {
    StringBuilder sb = new StringBuilder(256);
    if (trace.size > 0) {
      List<SpanData> tops = trace.tops();
      tops.sort(BY_START);
      ConsoleFormat.appendHeader(sb, tops.get(0));
      sb.append("  ").append(marker).append('\n');
      PrintedTree printed = new PrintedTree(null, now);
      for (SpanData top : tops) {
        appendTree(sb, top, trace, printed, "", "");
      }
    }
    // Records of spans that never arrived (dropped by sampling, or still open).
    List<LogRecordData> logs = trace.takeAllLogs();
    logs.sort(LOGS_BY_TIME);
    for (LogRecordData log : logs) {
      ConsoleFormat.appendStandaloneLog(sb, log, NOT_PRINTED);
    }
    return sb.toString();
  }

  // Appends top and, depth first, its descendants taken out of trace (null when nothing is
  // buffered), remembering each span as printed. Iterative: deep trees cannot overflow the stack.
  private void appendTree(
      StringBuilder sb,
      SpanData top,
      PendingTrace trace,
      PrintedTree printed,
      String linePrefix,
      String childPrefix) {
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(top, linePrefix, childPrefix));
    while (!stack.isEmpty()) {
      Frame frame = stack.pop();
      SpanData span = frame.span();
      remember(span, printed);
      sb.append(frame.linePrefix());
      ConsoleFormat.appendSpanLine(sb, span);
      PrintedTree consumer =
          continuedBy.isEmpty() ? null : continuedBy.remove(span.getTraceId() + span.getSpanId());
      if (consumer != null) {
        // Its consumer's tree was printed before this span ended, as continuing a remote parent.
        sb.append("  (continued by ");
        ConsoleFormat.appendText(sb, consumer.rootName(), ConsoleFormat.Quoting.ALWAYS);
        sb.append(", printed above)");
      }
      sb.append('\n');
      List<SpanData> children = trace == null ? new ArrayList<>(0) : trace.take(span.getSpanId());
      String detailPrefix =
          frame.childPrefix()
              + (children.isEmpty() ? ConsoleFormat.BLANK : ConsoleFormat.CONTINUATION);
      ConsoleFormat.appendExceptions(sb, span, detailPrefix);
      if (trace != null && trace.logCount > 0) {
        List<LogRecordData> logs = trace.takeLogs(span.getSpanId());
        logs.sort(LOGS_BY_TIME);
        for (LogRecordData log : logs) {
          ConsoleFormat.appendLogLine(sb, detailPrefix, log, span.getStartEpochNanos());
        }
      }
      children.sort(BY_START);
      for (int i = children.size() - 1; i >= 0; i--) {
        boolean last = i == children.size() - 1;
        stack.push(
            new Frame(
                children.get(i),
                frame.childPrefix() + (last ? ConsoleFormat.LAST_BRANCH : ConsoleFormat.BRANCH),
                frame.childPrefix() + (last ? ConsoleFormat.BLANK : ConsoleFormat.CONTINUATION)));
      }
    }
  }

  private void remember(SpanData span, PrintedTree printed) {
    rememberBounded(
        printedSpans,
        span.getTraceId() + span.getSpanId(),
        new PrintedSpan(span.getName(), printed.rootName(), printed.printedAtNanos()));
  }

  // Puts into a map kept in insertion order, dropping its oldest entry beyond maxBufferedSpans.
  private <V> void rememberBounded(Map<String, V> map, String key, V value) {
    map.put(key, value);
    if (map.size() > maxBufferedSpans) {
      Iterator<V> it = map.values().iterator();
      it.next();
      it.remove();
    }
  }

  private void evict(long now, List<String> trees) {
    for (Iterator<PendingTrace> it = pendingTraces.values().iterator(); it.hasNext(); ) {
      PendingTrace trace = it.next();
      if (now - trace.lastSpanNanos < maxIdleNanos) {
        break;
      }
      it.remove();
      addIncomplete(trees, trace, evictedByAge, now);
    }
    while ((bufferedSpans > maxBufferedSpans || bufferedLogs > maxBufferedSpans)
        && !pendingTraces.isEmpty()) {
      Iterator<PendingTrace> it = pendingTraces.values().iterator();
      PendingTrace trace = it.next();
      it.remove();
      addIncomplete(trees, trace, ConsoleFormat.INCOMPLETE + ", buffer full)", now);
    }
    for (Iterator<PrintedSpan> it = printedSpans.values().iterator(); it.hasNext(); ) {
      if (now - it.next().printedAtNanos() < maxIdleNanos) {
        break;
      }
      it.remove();
    }
    for (Iterator<PrintedTree> it = continuedBy.values().iterator(); it.hasNext(); ) {
      if (now - it.next().printedAtNanos() < maxIdleNanos) {
        break;
      }
      it.remove();
    }
  }

  private void print(List<String> trees) {
    for (String tree : trees) {
      out.print(tree);
    }
  }

  private void logFailure(Throwable e) {
    Level level = failureLogged ? Level.FINE : Level.WARNING;
    failureLogged = true;
    logger.log(level, "Console span exporter failed; some spans were not printed", e);
  }

  /**
   * A tree being printed.
   *
   * @param rootName its root's name, null if the tree was incomplete
   * @param printedAtNanos when it was printed
   */
  private record PrintedTree(String rootName, long printedAtNanos) {}

  /**
   * What is remembered about a printed span.
   *
   * @param name the span's name
   * @param rootName its tree's root name, null if the tree was incomplete
   * @param printedAtNanos when it was printed
   */
  private record PrintedSpan(String name, String rootName, long printedAtNanos) {}

  /** A span waiting to be appended, with its line prefix and its children's prefix. */
  private record Frame(SpanData span, String linePrefix, String childPrefix) {}
}
