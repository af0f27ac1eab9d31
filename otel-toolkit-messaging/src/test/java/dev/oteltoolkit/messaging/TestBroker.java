package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.ThrowingSupplier;
import java.util.Map;

/** A broker as the shared broker tests see it: in memory, RabbitMQ, NATS, JetStream. */
@SuppressWarnings("try") // close() of broker clients may throw InterruptedException
interface TestBroker extends AutoCloseable {

  /** How long a test waits for a message before it fails. */
  long RECEIVE_TIMEOUT_SECONDS = 10;

  /** The {@code messaging.system} of this broker. */
  String system();

  /** Opens a fresh destination (queue, subject, stream) with a consumer already attached. */
  Destination open() throws Exception;

  /** A destination with its consumer. */
  interface Destination extends AutoCloseable {

    /** The {@code messaging.destination.name}. */
    String name();

    /** Publishes through the real client, instrumented the way the README shows. */
    void publish(MessagingTelemetry messaging, String body) throws Exception;

    /** Publishes through the real client with exactly these headers, not instrumented. */
    void publishRaw(Map<String, String> headers, String body) throws Exception;

    /** Receives the next message through the real client; fails after a timeout. */
    Delivery receive() throws Exception;
  }

  /** A received message. */
  interface Delivery {

    String body();

    /** Processes this message, instrumented the way the README shows. */
    <T, E extends Throwable> T process(MessagingTelemetry messaging, ThrowingSupplier<T, E> handler)
        throws E;

    /** Adds this message to a batch span. */
    void addTo(ConsumerSpanBuilder batch);
  }
}
