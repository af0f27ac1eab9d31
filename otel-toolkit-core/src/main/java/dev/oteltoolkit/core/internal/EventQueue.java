package dev.oteltoolkit.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded queue for many producers and one consumer, after Dmitry Vyukov's bounded array queue:
 * {@link #offer} never blocks, never allocates and fails when the queue is full; each slot carries
 * a sequence number that says whose turn it is (a producer's or the consumer's). An offer costs one
 * compare-and-set on the producer index and one release store.
 *
 * <p>Events are consumed in the order their producers claimed positions, so an event offered after
 * another completed (in the happens-before sense) is consumed after it.
 */
final class EventQueue {

  private final int mask;
  private final AtomicLongArray sequences;
  private final AtomicReferenceArray<Object> items;
  private final AtomicLong producerIndex = new AtomicLong();
  private long consumerIndex; // consumer thread only

  /**
   * Creates a queue.
   *
   * @param capacity a power of two
   */
  EventQueue(int capacity) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    mask = capacity - 1;
    sequences = new AtomicLongArray(capacity);
    for (int i = 0; i < capacity; i++) {
      sequences.set(i, i);
    }
    items = new AtomicReferenceArray<>(capacity);
  }

  /**
   * Adds {@code item} (not null) unless the queue is full.
   *
   * @return the position the item took, or -1 when the queue was full
   */
  long offer(Object item) {
    long position = producerIndex.get();
    while (true) {
      int index = (int) position & mask;
      long sequence = sequences.getAcquire(index);
      if (sequence == position) {
        if (producerIndex.compareAndSet(position, position + 1)) {
          items.setPlain(index, item);
          sequences.setRelease(index, position + 1);
          return position;
        }
        position = producerIndex.get();
      } else if (sequence < position) {
        return -1;
      } else {
        position = producerIndex.get();
      }
    }
  }

  /** The number of events the queue holds at most. */
  int capacity() {
    return mask + 1;
  }

  /** The position the next {@link #offer} will try: events before it were claimed. */
  long producerPosition() {
    return producerIndex.get();
  }

  /** The position of the next event {@link #poll} returns (consumer thread only). */
  long consumerPosition() {
    return consumerIndex;
  }

  /** Takes the next event, or returns null when none is ready (consumer thread only). */
  Object poll() {
    long position = consumerIndex;
    int index = (int) position & mask;
    if (sequences.getAcquire(index) != position + 1) {
      return null;
    }
    Object item = items.getPlain(index);
    items.setPlain(index, null);
    sequences.setRelease(index, position + mask + 1);
    consumerIndex = position + 1;
    return item;
  }

  /** Whether no event is ready (consumer thread only). */
  boolean isEmpty() {
    long position = consumerIndex;
    return sequences.getAcquire((int) position & mask) != position + 1;
  }
}
