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
 * Internal, not for public use.
 *
 * <p>A {@link SpanExporter} that prints every local trace tree to a {@link PrintStream}: when a
 * local root span (one without a parent, or whose parent is remote) is exported, the whole tree
 * below it is printed at once, indented, with durations, status and key attributes. It backs the
 * {@code console()} option of the toolkit and {@code OTEL_TRACES_EXPORTER=console}.
 *
 * <h2>Buffering</h2>
 *
 * <p>Spans arrive in end order, so children come before their local root, possibly in other {@link
 * #export(Collection)} calls and interleaved with the spans of other traces. Spans are buffered per
 * trace id until their local root arrives; the root then takes only its own descendants, and trees
 * of different traces never mix. Each tree is written with a single {@link
 * PrintStream#print(String)} call.
 *
 * <h2>Hops within the process</h2>
 *
 * <p>A local root whose parent is remote (a consumer continuing a producer's {@code send} span
 * through message headers, a server span continuing a client span) is joined to its parent when
 * that parent is in this process:
 *
 * <ul>
 *   <li>parent span buffered here (it ended, its root has not): the consumer's tree waits and is
 *       drawn under the parent in its tree;
 *   <li>parent printed already (the usual asynchronous consumer, ending after the producer's
 *       request): the consumer's tree is printed under a reference line {@code send orders (printed
 *       above)} and a header naming the tree it continues;
 *   <li>otherwise the parent is taken to be in another process and the tree is printed at once, its
 *       header naming the parent span id ({@code (continues remote parent 00f067aa0ba902b7)}). If a
 *       span with that id is printed here later after all (a consumer that ended before the {@code
 *       send} span did), its line says {@code (continued by "process orders", printed above)}.
 * </ul>
 *
 * <p>Nothing is held for a time: a tree prints when its local root ends, and joining costs no
 * delay.
 *
 * <p>A span that ends after its tree was printed (a child that outlives its parent) is printed on
 * its own line marked {@code late}, followed by any of its own descendants that were still
 * buffered; it is never dropped silently. The exporter remembers the spans it printed, at most
 * {@code maxBufferedSpans} of them and each for the eviction age below, to recognise late spans,
 * continuations and late log records (and as many remote parent ids, to mark a parent printed after
 * its continuation).
 *
 * <h2>Bounded memory</h2>
 *
 * <p>At most {@value #DEFAULT_MAX_BUFFERED_SPANS} spans and as many log records are buffered in
 * total, and a trace that received no span for 60 seconds (measured by the time source given to
 * {@link #create(PrintStream, LongSupplier)}) is evicted. Evicted traces are not dropped: whatever
 * was buffered is printed, each span whose parent never arrived at the top level, under a header
 * marked {@code (incomplete: root not ended ...)}. Eviction is checked on every export call. A span
 * arriving later whose parent was printed that way is printed as {@code late}; a local root
 * arriving later is printed as a tree of its own. {@link #flush()} prints nothing that is pending:
 * trees without their root stay buffered until the root arrives or they are evicted. {@link
 * #shutdown()} prints every buffered tree with the incomplete marker; later export calls are
 * ignored.
 *
 * <h2>Output</h2>
 *
 * <pre>{@code
 * trace 4bf92f3577b34da6a3ce929d0e0e4736  service=checkout
 * GET /checkout  120.00 ms  SERVER  http.request.method=GET http.response.status_code=200
 * ├─ SELECT shop.orders  12.35 ms  CLIENT  db.system.name=postgresql db.query.text="SELECT ..."
 * └─ POST /pay  30.00 ms  CLIENT  ERROR "card declined"  error.type=java.io.IOException
 *       ! java.io.IOException: card declined
 * }</pre>
 *
 * <p>The header names the trace id and the {@code service.name} of the root's resource. Each span
 * line holds the span name, its duration in milliseconds, its kind unless {@code INTERNAL}, its
 * status ({@code OK}, or {@code ERROR} with the description; nothing when the status is unset, as
 * on most successful spans) and the key attributes only: {@code oteltoolkit.sampling.kept_by} (why
 * tail keeping kept the tree, on its root), {@code error.type}, HTTP, URL, server, database and
 * messaging destination attributes, {@code gen_ai.provider.name}, {@code gen_ai.request.model},
 * {@code gen_ai.usage.*} and {@code oteltoolkit.gen_ai.total.*}, in that fixed order. String values
 * are quoted when they contain spaces, quotes or {@code =}, control characters are escaped, and
 * values longer than 120 characters are cut with an ellipsis. Children are sorted by start time.
 * Each exception event adds a line {@code ! type: message} under its span, the type named by {@link
 * Class#getName()} ({@code Outer$Inner}) as {@code error.type} is.
 *
 * <h2>Log records</h2>
 *
 * <p>Fed by {@link #logRecordExporter(boolean)}, each log record that carries a span context waits
 * for its span and is printed under its line, after the exception lines: {@code · +1.20 ms INFO
 * message} (offset from the span's start, severity, body), followed by {@code ! type: message} when
 * the record carries an exception. Records without a span context, of spans without the sampled
 * flag (unless told to wait for them, with tail keeping) and of spans already printed are printed
 * at once on a line of their own: {@code log INFO message (after its span "charge" was printed)}.
 * Waiting records count against the same bound and age as buffered spans: records of a span that
 * never arrives (dropped by sampling) are printed on their own lines when their trace is evicted or
 * at shutdown.
 *
 * <p>Thread-safe: {@link #export(Collection)}, {@link #flush()} and {@link #shutdown()} may be
 * called concurrently. {@code export} never throws: a tree that fails to render (a broken {@link
 * SpanData} implementation) is skipped and the failure logged, at {@code WARNING} the first time.
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
