package dev.oteltoolkit.examples.demo;

import dev.oteltoolkit.examples.scaffold.Threads;
import dev.oteltoolkit.messaging.MessagingTelemetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory queue of answered questions and the worker thread that stores them: the shape of any
 * broker hop. otel-toolkit-messaging writes the trace context into each message's headers on
 * publish and continues it on process, so the worker's spans join the request's trace.
 */
final class TranscriptQueue implements AutoCloseable {

  /** {@code messaging.system} of the queue. */
  static final String SYSTEM = "inmemory";

  /** The queue's name, {@code messaging.destination.name}. */
  static final String DESTINATION = "support-transcripts";

  private static final Logger log = LoggerFactory.getLogger(TranscriptQueue.class);

  private final MessagingTelemetry messaging;
  private final DataSource dataSource;
  private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
  private final Thread worker;
  private final Object lock = new Object();
  private long published; // guarded by lock
  private long handled; // guarded by lock

  private TranscriptQueue(MessagingTelemetry messaging, DataSource dataSource) {
    this.messaging = messaging;
    this.dataSource = dataSource;
    this.worker = Threads.daemon("transcript-worker").newThread(this::work);
  }

  /** Creates the queue and starts its worker. */
  static TranscriptQueue start(MessagingTelemetry messaging, DataSource dataSource) {
    TranscriptQueue transcripts = new TranscriptQueue(messaging, dataSource);
    transcripts.worker.start();
    return transcripts;
  }

  /** Publishes a transcript; a PRODUCER span {@code send support-transcripts}. */
  void publish(String question, String answer) throws InterruptedException {
    synchronized (lock) {
      published++;
    }
    Map<String, String> headers = new HashMap<>();
    messaging.publish(
        SYSTEM, DESTINATION, headers, () -> queue.put(new Message(headers, question, answer)));
  }

  /** Waits until the worker has handled every transcript published so far. */
  void awaitDrained(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (handled < published) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(handled + " of " + published + " transcripts handled");
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    worker.interrupt();
    worker.join(1000);
  }

  private void work() {
    while (!Thread.currentThread().isInterrupted()) {
      Message message;
      try {
        message = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        // a CONSUMER span "process support-transcripts", child of the message's send span
        messaging.process(SYSTEM, DESTINATION, message.headers(), () -> store(message));
      } catch (SQLException | RuntimeException e) {
        log.error("transcript lost: {}", e.toString());
      } finally {
        synchronized (lock) {
          handled++;
          lock.notifyAll();
        }
      }
    }
  }

  private void store(Message message) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO transcripts (question, answer) VALUES (?, ?)")) {
      statement.setString(1, message.question());
      statement.setString(2, message.answer());
      statement.executeUpdate();
    }
    log.info("transcript stored");
  }

  /** A message: its headers (with the trace context) and body. */
  private record Message(Map<String, String> headers, String question, String answer) {}
}
