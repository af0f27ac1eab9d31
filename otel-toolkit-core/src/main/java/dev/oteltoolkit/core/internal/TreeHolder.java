package dev.oteltoolkit.core.internal;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Arrays;
import java.util.HashMap;
import java.util.function.LongSupplier;

/**
 * The local trees tail sampling holds, and their decisions. Not thread-safe: confined to the
 * worker thread of {@link TailSamplingSpanProcessor}, which feeds it the start and end of every
 * unsampled span in the order they happened.
 *
 * <h2>Trees</h2>
 *
 * <p>A span whose parent is invalid or remote starts a tree (it is a local root); a span whose
 * parent is a held span joins its parent's tree, whatever thread it runs on. Spans are found by
 * span id (and checked against their trace id), so two local roots of one trace in one process
 * (two services calling each other in-process) make two separate trees. A span whose parent is
 * not held (its tree was evicted or released, or the parent is a non-recording span) is not
 * held either.
 *
 * <h2>Decision</h2>
 *
 * <p>When the local root ends, the tree is kept if any ended span in it has status {@code
 * ERROR} (with keep-errors on), else if the root took longer than the threshold, else if a span
 * sampled by head sampling started inside it ({@code forceSample()}, whose own subtree goes out
 * through the normal path and is never handed over twice). A kept tree's ended spans are handed
 * to the exporting processors, the root last and marked with the reason. Spans still open when
 * the root ends (asynchronous leftovers) follow the decision when they end: exported one by one
 * if the tree was kept, dropped otherwise; their children started later join the tree too. A
 * tree is released when its root and every span in it have ended.
 *
 * <h2>Bounds</h2>
 *
 * <p>A tree that reaches the per-trace cap, or the oldest undecided trees when the held spans
 * exceed the total cap, are evicted; an undecided tree whose root started more than the timeout
 * ago is evicted. An evicted tree is never exported, not even in part: its spans are forgotten and
 * its later spans are not held. The count of held spans is the spans this holder keeps alive: the
 * spans of undecided trees and the still-open leftovers of kept trees; a span is no longer held
 * once exported or discarded.
 *
 * <p>A decided tree with leftovers still open is remembered (only its span ids) until they end,
 * or at most the timeout after its decision: a leftover that ends later than that is dropped
 * uncounted, as a span that never ends would be (it was never part of a decision's count).
 */
final class TreeHolder {

  static final String ERROR = "error";
  static final String LATENCY = "latency";
  static final String FORCED = "forced";
  static final String CAP = "cap";
  static final String TIMEOUT = "timeout";

  private final boolean keepErrors;
  private final long keepSlowerThanNanos;
  private final int maxHeldSpans;
  private final int maxHeldSpansPerTrace;
  private final long timeoutNanos;
  private final LongSupplier clock;
  private final Listener listener;
  private final HashMap<String, Node> nodes = new HashMap<>();
  /** The undecided trees, oldest root first. */
  private final TreeList undecided = new TreeList();
  /** The decided trees with spans still open, oldest decision first. */
  private final TreeList decided = new TreeList();
  private final LongSupplier lostBefore;
  private int held;

  /**
   * Creates an empty holder.
   *
   * @param keepErrors keep trees with a span whose status is ERROR
   * @param keepSlowerThanNanos keep trees whose root took longer; 0 or less: off
   * @param maxHeldSpans cap on the spans held in total
   * @param maxHeldSpansPerTrace cap on the spans held in one tree
   * @param timeoutNanos how long an undecided tree is held at most
   * @param clock the time source for the timeout, in nanoseconds
   * @param lostBefore trees whose root started at an event position before the value it returns
   *     are evicted instead of decided: an event of theirs may have been lost (the event queue
   *     was full); read at each decision
   * @param listener receives the kept spans and the counts
   */
  TreeHolder(
      boolean keepErrors,
      long keepSlowerThanNanos,
      int maxHeldSpans,
      int maxHeldSpansPerTrace,
      long timeoutNanos,
      LongSupplier clock,
      LongSupplier lostBefore,
      Listener listener) {
    this.keepErrors = keepErrors;
    this.keepSlowerThanNanos = keepSlowerThanNanos;
    this.maxHeldSpans = maxHeldSpans;
    this.maxHeldSpansPerTrace = maxHeldSpansPerTrace;
    this.timeoutNanos = timeoutNanos;
    this.clock = clock;
    this.lostBefore = lostBefore;
    this.listener = listener;
  }

  /** The number of spans held (open or ended) in trees not yet released. */
  int held() {
    return held;
  }

  /**
   * A span started: unsampled (to hold), or sampled inside an unsampled local tree (forced).
   *
   * @param span the span
   * @param position the position of its start event in the event queue
   */
  void started(ReadableSpan span, long position) {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    boolean localRoot = !parent.isValid() || parent.isRemote();
    if (context.isSampled()) {
      Node parentNode = localRoot ? null : find(parent);
      if (parentNode != null && parentNode.tree.state == Tree.OPEN) {
        parentNode.tree.forced = true;
      }
      return;
    }
    Tree tree;
    if (localRoot) {
      tree = new Tree(clock.getAsLong(), position);
    } else {
      Node parentNode = find(parent);
      if (parentNode == null) {
        return; // its tree is gone, or the parent is not held: not held either
      }
      tree = parentNode.tree;
      if (tree.size >= maxHeldSpansPerTrace) {
        evict(tree, CAP);
        return;
      }
    }
    Node node = new Node(context, span, tree);
    if (nodes.putIfAbsent(context.getSpanId(), node) != null) {
      return; // a span id held by another trace (a 64-bit collision): not held
    }
    if (localRoot) {
      tree.root = node;
      undecided.add(tree);
    }
    tree.add(node);
    held++;
    while (held > maxHeldSpans && undecided.oldest != null) {
      evict(undecided.oldest, CAP);
    }
  }

  /**
   * An unsampled span ended.
   *
   * @param context the span's context, the very instance it had at start
   */
  void ended(SpanContext context) {
    Node node = nodes.get(context.getSpanId());
    if (node == null || node.context != context) {
      return; // not held
    }
    node.ended = true;
    Tree tree = node.tree;
    tree.open--;
    if (tree.state == Tree.OPEN) {
      if (node == tree.root) {
        decide(tree);
      }
    } else {
      if (tree.state == Tree.KEPT) {
        export(node, null); // a leftover of a kept tree
      }
      drop(node);
    }
    if ((tree.state == Tree.KEPT || tree.state == Tree.DISCARDED) && tree.open == 0) {
      release(tree); // decided and every span ended
    }
  }

  /**
   * Evicts the undecided trees whose root started more than the timeout ago, and forgets the
   * decided trees whose leftovers are still open the timeout after the decision.
   */
  void expire() {
    long now = clock.getAsLong();
    while (undecided.oldest != null && now - undecided.oldest.sinceNanos >= timeoutNanos) {
      evict(undecided.oldest, TIMEOUT);
    }
    while (decided.oldest != null && now - decided.oldest.sinceNanos >= timeoutNanos) {
      release(decided.oldest);
    }
  }

  /** Forgets every tree, exporting nothing and counting nothing (shutdown). */
  void clear() {
    while (undecided.oldest != null) {
      release(undecided.oldest);
    }
    while (decided.oldest != null) {
      release(decided.oldest);
    }
  }

  private Node find(SpanContext parent) {
    Node node = nodes.get(parent.getSpanId());
    return node != null && node.context.getTraceId().equals(parent.getTraceId()) ? node : null;
  }

  private void decide(Tree tree) {
    if (tree.position < lostBefore.getAsLong()) {
      evict(tree, CAP);
      return;
    }
    String reason = null;
    if (keepErrors) {
      for (int i = 0; i < tree.size; i++) {
        Node node = tree.nodes[i];
        if (node.ended) {
          node.data = node.span.toSpanData();
          if (node.data.getStatus().getStatusCode() == StatusCode.ERROR) {
            reason = ERROR;
            break;
          }
        }
      }
    }
    if (reason == null
        && keepSlowerThanNanos > 0
        && tree.root.span.getLatencyNanos() > keepSlowerThanNanos) {
      reason = LATENCY;
    }
    if (reason == null && tree.forced) {
      reason = FORCED;
    }
    undecided.remove(tree);
    tree.sinceNanos = clock.getAsLong();
    decided.add(tree); // until every span in it has ended
    if (reason == null) {
      tree.state = Tree.DISCARDED;
      for (int i = 0; i < tree.size; i++) {
        drop(tree.nodes[i]); // open ones too: they are dropped when they end
      }
      return;
    }
    tree.state = Tree.KEPT;
    listener.kept(reason);
    for (int i = 0; i < tree.size; i++) {
      Node node = tree.nodes[i];
      if (node.ended && node != tree.root) {
        export(node, null);
        drop(node);
      }
    }
    export(tree.root, reason);
    drop(tree.root);
  }

  /** Lets go of a node's span (exported or discarded): it is no longer held. */
  private void drop(Node node) {
    if (node.span != null) {
      node.release();
      held--;
    }
  }

  private void export(Node node, String keptBy) {
    SpanData data = node.data != null ? node.data : node.span.toSpanData();
    listener.export(new KeptSpan(data, keptBy));
  }

  private void evict(Tree tree, String reason) {
    if (tree.state == Tree.OPEN) {
      listener.evicted(reason);
    }
    release(tree);
  }

  private void release(Tree tree) {
    for (int i = 0; i < tree.size; i++) {
      Node node = tree.nodes[i];
      nodes.remove(node.context.getSpanId(), node);
      drop(node);
    }
    tree.state = Tree.GONE;
    tree.list.remove(tree);
  }

  /** Where kept spans and counts go. */
  interface Listener {
    /** Hands an ended span of a kept tree to the exporting processors. */
    void export(ReadableSpan span);

    /** Counts a kept tree. */
    void kept(String reason);

    /** Counts an undecided tree evicted by a cap or the timeout. */
    void evicted(String reason);
  }

  /**
   * A held span. Memory: the node (32 bytes), its entry in the span-id map (about 44 bytes with
   * its share of the table) and its slot in the tree (8 bytes), besides the span it keeps alive.
   */
  private static final class Node {
    final SpanContext context;
    final Tree tree;
    ReadableSpan span;
    SpanData data;
    boolean ended;

    Node(SpanContext context, ReadableSpan span, Tree tree) {
      this.context = context;
      this.span = span;
      this.tree = tree;
    }

    /** Drops the references to the span once it has been exported or discarded. */
    void release() {
      span = null;
      data = null;
    }
  }

  /** One local root and the spans held below it, linked from oldest to newest. */
  private static final class Tree {
    static final int OPEN = 0;
    static final int KEPT = 1;
    static final int DISCARDED = 2;
    static final int GONE = 3;

    /** When the root started; once decided, when the decision was made. */
    long sinceNanos;

    final long position;
    Node root;
    Node[] nodes = new Node[8];
    int size;
    int open;
    boolean forced;
    int state = OPEN;
    TreeList list;
    Tree older;
    Tree newer;

    Tree(long startNanos, long position) {
      this.sinceNanos = startNanos;
      this.position = position;
    }

    void add(Node node) {
      if (size == nodes.length) {
        nodes = Arrays.copyOf(nodes, size * 2);
      }
      nodes[size++] = node;
      open++;
    }
  }

  /** Trees linked from oldest to newest; a tree is in one list at a time. */
  private static final class TreeList {
    Tree oldest;
    Tree newest;

    void add(Tree tree) {
      tree.list = this;
      tree.older = newest;
      if (newest == null) {
        oldest = tree;
      } else {
        newest.newer = tree;
      }
      newest = tree;
    }

    void remove(Tree tree) {
      if (tree.list != this) {
        return;
      }
      if (tree.older == null) {
        oldest = tree.newer;
      } else {
        tree.older.newer = tree.newer;
      }
      if (tree.newer == null) {
        newest = tree.older;
      } else {
        tree.newer.older = tree.older;
      }
      tree.older = null;
      tree.newer = null;
      tree.list = null;
    }
  }
}
