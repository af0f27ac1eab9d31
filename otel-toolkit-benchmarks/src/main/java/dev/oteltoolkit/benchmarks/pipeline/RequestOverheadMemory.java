package dev.oteltoolkit.benchmarks.pipeline;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Heap and allocation readings of the request-overhead service, from the JVM's management beans.
 *
 * <ul>
 *   <li>Allocated bytes: {@code com.sun.management.ThreadMXBean.getTotalThreadAllocatedBytes()}
 *       (JDK 21+: every thread, terminated ones included); on older JDKs the sum of {@code
 *       getThreadAllocatedBytes} over the live threads (the service's threads are pooled and live
 *       for the whole run, so little is missed). The method used is reported.
 *   <li>Heap after GC: {@code System.gc()} (a full collection with the collectors the service runs
 *       with, G1 by default), then the heap pools' usage after that very collection, from the
 *       collector bean's {@code GcInfo}: what allocation after the collection adds is not counted.
 * </ul>
 */
final class RequestOverheadMemory {

  private static final Method TOTAL_ALLOCATED = totalAllocatedMethod();

  private RequestOverheadMemory() {}

  /** How {@link #allocatedBytes()} counts: {@code total} or {@code liveThreads}. */
  static String allocationMethod() {
    return TOTAL_ALLOCATED != null ? "getTotalThreadAllocatedBytes" : "sumOverLiveThreads";
  }

  /** Bytes allocated by the JVM's threads so far. */
  static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    if (TOTAL_ALLOCATED != null) {
      try {
        return (Long) TOTAL_ALLOCATED.invoke(threads);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("getTotalThreadAllocatedBytes failed", e);
      }
    }
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      if (bytes > 0) {
        sum += bytes;
      }
    }
    return sum;
  }

  /**
   * Collects the whole heap and returns what is left: {@code heapAfterGcBytes} and the collector
   * that reported it ({@code gcCollector}), or, when no collector reported the explicit collection,
   * the heap used right after {@code System.gc()} ({@code gcCollector} = {@code MemoryMXBean}).
   */
  static Map<String, Object> heapAfterFullGc() {
    Set<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    Map<String, Long> counts = new HashMap<>();
    for (GarbageCollectorMXBean collector : collectors) {
      counts.put(collector.getName(), collector.getCollectionCount());
    }
    System.gc();
    long usedRightAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    for (GarbageCollectorMXBean collector : collectors) {
      if (collector.getCollectionCount() == counts.get(collector.getName())
          || isYoungCollector(collector.getName())
          || !(collector instanceof com.sun.management.GarbageCollectorMXBean full)) {
        continue;
      }
      GcInfo info = full.getLastGcInfo();
      if (info == null) {
        continue;
      }
      long used = 0;
      for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(pool.getKey())) {
          used += pool.getValue().getUsed();
        }
      }
      return PipelineReport.map("heapAfterGcBytes", used, "gcCollector", collector.getName());
    }
    return PipelineReport.map("heapAfterGcBytes", usedRightAfter, "gcCollector", "MemoryMXBean");
  }

  private static boolean isYoungCollector(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.contains("young")
        || lower.contains("scavenge")
        || lower.equals("copy")
        || lower.contains("parnew")
        || lower.contains("minor");
  }

  private static Method totalAllocatedMethod() {
    try {
      Method method =
          com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      return (Long) method.invoke(threads) >= 0 ? method : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // JDK 17: not there
    }
  }
}
