package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.ThrowingSupplier;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The shared broker tests over a {@link BlockingQueue} between the two services. */
class InMemoryBrokerTest extends AbstractBrokerTest {

  @Override
  TestBroker connect() {
    return new InMemoryBroker();
  }

  private static final class InMemoryBroker implements TestBroker {

    @Override
    public String system() {
      return "inmemory";
    }

    @Override
    public Destination open() {
      return new QueueDestination("queue-" + UUID.randomUUID());
    }

    @Override
    public void close() {}
  }

  /** A message on the queue: headers as a producer would serialize them, and a body. */
  private static final class Message {
    final Map<String, String> headers;
    final String body;

    Message(Map<String, String> headers, String body) {
      this.headers = headers;
      this.body = body;
    }
  }

  private static final class QueueDestination implements TestBroker.Destination {
    private final String name;
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();

    QueueDestination(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void publish(MessagingTelemetry messaging, String body) {
      Map<String, String> headers = new HashMap<>();
      messaging.publish("inmemory", name, headers, () -> queue.add(new Message(headers, body)));
    }

    @Override
    public void publishRaw(Map<String, String> headers, String body) {
      queue.add(new Message(new HashMap<>(headers), body));
    }

    @Override
    public TestBroker.Delivery receive() throws InterruptedException {
      Message message = queue.poll(TestBroker.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (message == null) {
        throw new AssertionError(
            "no message on " + name + " within " + TestBroker.RECEIVE_TIMEOUT_SECONDS + " s");
      }
      return new TestBroker.Delivery() {
        @Override
        public String body() {
          return message.body;
        }

        @Override
        public <T, E extends Throwable> T process(
            MessagingTelemetry messaging, ThrowingSupplier<T, E> handler) throws E {
          return messaging.process("inmemory", name, message.headers, handler);
        }

        @Override
        public void addTo(ConsumerSpanBuilder batch) {
          batch.batchMessage(message.headers);
        }
      };
    }

    @Override
    public void close() {}
  }
}
