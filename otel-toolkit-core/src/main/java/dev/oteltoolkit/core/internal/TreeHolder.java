package dev.oteltoolkit.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.function.LongSupplier;

/**
 * The local trees tail sampling holds, and their decisions. Not thread-safe: confined to the worker
 * thread of {@link TailSamplingSpanProcessor}, which feeds it span starts and local-root ends in
 * order and calls {@link #sweep} after each batch. Trees, decisions and bounds:
 * docs/ARCHITECTURE.md, "Tail keeping".
 */
final class TreeHolder {

  static final String ERROR = "error";
  static final String HTTP_STATUS = "http_status";
  static final String LATENCY = "latency";
  static final String FORCED = "forced";
  static final String CAP = "cap";
  static final String TIMEOUT = "timeout";

  private static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");

  private final boolean keepErrors;
  private final BitSet keepHttpStatuses;
  private final long keepSlowerThanNanos;
  private final int maxHeldSpans;
  private final int maxHeldSpansPerTrace;
  private final long timeoutNanos;
  private final LongSupplier clock;
  private final Listener listener;
  private final HashMap<String, Node> nodes = new HashMap<>();

  /** The node {@link #find} returned last (still valid while its tree is not gone). */
  private Node lastParent;

  /** The nodes of the kept trees in {@link #decided}, exported or not: bounded by the cap too. */
  private int decidedNodes;

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
   * @param keepHttpStatuses keep trees with a span whose {@code http.response.status_code} is set
   *     here (empty: off)
   * @param maxHeldSpans cap on the spans held in total
   * @param maxHeldSpansPerTrace cap on the spans held in one tree
   * @param timeoutNanos how long an undecided tree is held at most
   * @param clock the time source for the timeout, in nanoseconds
   * @param lostBefore trees whose root started at an event position before the value it returns are
   *     evicted instead of decided: an event of theirs may have been lost (the event queue was
   *     full); read at each decision
   * @param listener receives the kept spans and the counts
   */
  TreeHolder(
      boolean keepErrors,
      long keepSlowerThanNanos,
      BitSet keepHttpStatuses,
      int maxHeldSpans,
      int maxHeldSpansPerTrace,
      long timeoutNanos,
      LongSupplier clock,
      LongSupplier lostBefore,
      Listener listener) {
    this.keepErrors = keepErrors;
    this.keepHttpStatuses = (BitSet) keepHttpStatuses.clone();
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
        if (tree.state == Tree.OPEN) {
          evict(tree, CAP);
        }
        // a kept tree keeps what it has (exported or still to come); this span is not held
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
    if (tree.state == Tree.KEPT) {
      decidedNodes++;
      tree.settledAt = -1; // its children may still be queued: look again
    }
    enforceTotalCap();
  }

  /**
   * Keeps the held spans, and the nodes remembered for kept trees, within the total cap: the oldest
   * tree goes first, an undecided one evicted (counted), a kept one forgotten with its leftovers
   * still open (uncounted, as at its timeout).
   */
  private void enforceTotalCap() {
    while (held > maxHeldSpans || decidedNodes > maxHeldSpans) {
      Tree u = undecided.oldest;
      Tree d = decided.oldest;
      boolean decidedFirst =
          d != null && (u == null || decidedNodes > maxHeldSpans || d.sinceNanos <= u.sinceNanos);
      if (decidedFirst) {
        release(d);
      } else if (u != null) {
        evict(u, CAP);
      } else {
        return;
      }
    }
  }

  /**
   * An unsampled local root ended: its tree is decided. (The other spans of a tree send no end
   * event: the decision asks each whether it has ended.)
   *
   * @param context the root's context, the very instance it had at start
   */
  void rootEnded(SpanContext context) {
    Node node = nodes.get(context.getSpanId());
    if (node == null || node.context != context || node != node.tree.root) {
      return; // not held
    }
    if (node.tree.state == Tree.OPEN) {
      decide(node.tree);
    }
  }

  /**
   * One round of housekeeping, run by the worker after each drain: exports the leftovers of kept
   * trees that have ended since, releases kept trees whose spans have all ended, evicts the
   * undecided trees whose root started more than the timeout ago, and forgets the kept trees whose
   * leftovers are still open the timeout after the decision.
   *
   * <p>A kept tree whose spans have all ended is released only once every event queued before that
   * was seen has been processed: a child started inside a leftover just before it ended may still
   * be in the queue, and must find its parent to join the tree.
   *
   * @param consumed the position of the next event the worker will process
   * @param claimed the position the next event offered will take (read after each look)
   */
  void sweep(long consumed, LongSupplier claimed) {
    for (Tree tree = decided.oldest; tree != null; ) {
      Tree next = tree.newer;
      if (exportEndedLeftovers(tree)) {
        if (tree.settledAt < 0) {
          tree.settledAt = claimed.getAsLong(); // read after seeing every span ended
        }
        if (consumed >= tree.settledAt) {
          release(tree);
        }
      } else {
        tree.settledAt = -1; // a span joined meanwhile and is open
      }
      tree = next;
    }
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
    // siblings usually follow each other: the SDK hands a child its parent's own SpanContext
    // instance, so the last parent found is checked by identity before the map
    Node last = lastParent;
    if (last != null && last.context == parent && last.tree.state != Tree.GONE) {
      return last; // a tree's nodes stay in the map until it is gone
    }
    Node node = nodes.get(parent.getSpanId());
    if (node != null && node.context.getTraceId().equals(parent.getTraceId())) {
      lastParent = node;
      return node;
    }
    return null;
  }

  private boolean keptStatus(SpanData data) {
    if (keepHttpStatuses.isEmpty()) {
      return false;
    }
    Long status = data.getAttributes().get(HTTP_RESPONSE_STATUS_CODE);
    return status != null
        && status >= 0
        && status < 1000
        && keepHttpStatuses.get((int) (long) status);
  }

  private void decide(Tree tree) {
    if (tree.position < lostBefore.getAsLong()) {
      evict(tree, CAP);
      return;
    }
    String reason = null;
    for (int i = 0; i < tree.size; i++) {
      Node node = tree.nodes[i];
      if ((keepErrors || !keepHttpStatuses.isEmpty()) && reason == null) {
        // one snapshot tells both whether the span has ended and its status (the SDK's
        // ReadableSpan has no status getter); it is what a kept span exports, too
        SpanData data = node.span.toSpanData();
        node.ended = data.hasEnded();
        if (node.ended) {
          node.data = data;
          if (keepErrors && data.getStatus().getStatusCode() == StatusCode.ERROR) {
            reason = ERROR;
          } else if (keptStatus(data)) {
            reason = HTTP_STATUS;
          }
        }
      } else {
        node.ended = node.span.hasEnded();
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
    if (reason == null) {
      // discarded, open spans included: their later children find no parent and are not held
      release(tree);
      return;
    }
    tree.state = Tree.KEPT;
    listener.kept(reason);
    boolean open = false;
    for (int i = 0; i < tree.size; i++) {
      Node node = tree.nodes[i];
      if (node.ended) {
        if (node != tree.root) {
          export(node, null);
          drop(node);
        }
      } else {
        open = true;
      }
    }
    export(tree.root, reason);
    drop(tree.root);
    if (open) {
      // leftovers still open: exported by sweep() as they end, their children join the tree
      undecided.remove(tree);
      tree.sinceNanos = clock.getAsLong();
      decided.add(tree);
      decidedNodes += tree.size;
      enforceTotalCap();
    } else {
      release(tree);
    }
  }

  /**
   * Exports the spans of a kept tree that have ended since the last look.
   *
   * @return whether every span of the tree has now ended
   */
  private boolean exportEndedLeftovers(Tree tree) {
    boolean allEnded = true;
    // newest first: a child started after its parent, so it goes out first, as spans that end
    // in the usual nested order would
    for (int i = tree.size - 1; i >= 0; i--) {
      Node node = tree.nodes[i];
      if (node.span != null && !node.ended) {
        if (node.span.hasEnded()) {
          node.ended = true;
          export(node, null);
          drop(node);
        } else {
          allEnded = false;
        }
      }
    }
    return allEnded;
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
    if (tree.list == decided) {
      decidedNodes -= tree.size;
    }
    if (lastParent != null && lastParent.tree == tree) {
      lastParent = null;
    }
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
   * A held span. Memory: the node (32 bytes), its entry in the span-id map (about 44 bytes with its
   * share of the table) and its slot in the tree (8 bytes), besides the span it keeps alive.
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
    static final int GONE = 2;

    /** When the root started; once decided, when the decision was made. */
    long sinceNanos;

    /**
     * Kept and every span ended: the event position claimed when that was seen (the tree is
     * released once the worker has processed every event before it); -1 until then.
     */
    long settledAt = -1;

    final long position;
    Node root;
    Node[] nodes = new Node[8];
    int size;
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
