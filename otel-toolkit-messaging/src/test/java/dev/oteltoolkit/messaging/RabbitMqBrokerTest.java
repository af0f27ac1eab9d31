package dev.oteltoolkit.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import dev.oteltoolkit.api.ThrowingSupplier;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The shared broker tests through RabbitMQ at 127.0.0.1:5672 (guest/guest) with the official {@code
 * amqp-client}: AMQP header tables, values received as {@code LongString}.
 */
@SuppressWarnings("try") // close() of broker clients may throw InterruptedException
class RabbitMqBrokerTest extends AbstractBrokerTest {

  static final String HOST = "127.0.0.1";
  static final int PORT = 5672;

  @Override
  TestBroker connect() throws Exception {
    BrokerAvailability.require(
        "RabbitMQ", RabbitMqBrokerTest.class, HOST, PORT, "rabbitmq-server -detached");
    return new RabbitMqBroker();
  }

  /** A RabbitMQ connection; shared with the HTTP hop test. */
  static final class RabbitMqBroker implements TestBroker {
    private final Connection connection;

    RabbitMqBroker() throws Exception {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost(HOST);
      factory.setPort(PORT);
      factory.setUsername("guest");
      factory.setPassword("guest");
      factory.setConnectionTimeout(5_000);
      connection = factory.newConnection("otel-toolkit-messaging-test");
    }

    @Override
    public String system() {
      return "rabbitmq";
    }

    @Override
    public Destination open() throws Exception {
      return new QueueDestination(connection.createChannel());
    }

    @Override
    public void close() throws Exception {
      connection.close();
    }
  }

  private static final class QueueDestination implements TestBroker.Destination {
    private final Channel channel;
    private final String queue;
    private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

    QueueDestination(Channel channel) throws Exception {
      this.channel = channel;
      // a server-named, exclusive, auto-deleted queue: nothing is left behind on the broker
      this.queue = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.basicConsume(queue, true, (tag, delivery) -> deliveries.add(delivery), tag -> {});
    }

    @Override
    public String name() {
      return queue;
    }

    @Override
    public void publish(MessagingTelemetry messaging, String body) throws Exception {
      // the README's RabbitMQ quickstart
      Map<String, Object> headers = new HashMap<>();
      messaging.publish(
          "rabbitmq",
          queue,
          headers,
          () ->
              channel.basicPublish(
                  "",
                  queue,
                  new AMQP.BasicProperties.Builder().headers(headers).build(),
                  body.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void publishRaw(Map<String, String> headers, String body) throws Exception {
      channel.basicPublish(
          "",
          queue,
          new AMQP.BasicProperties.Builder().headers(new HashMap<>(headers)).build(),
          body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public TestBroker.Delivery receive() throws InterruptedException {
      Delivery delivery = deliveries.poll(TestBroker.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (delivery == null) {
        throw new AssertionError(
            "no message on " + queue + " within " + TestBroker.RECEIVE_TIMEOUT_SECONDS + " s");
      }
      Map<String, Object> headers = delivery.getProperties().getHeaders();
      return new TestBroker.Delivery() {
        @Override
        public String body() {
          return new String(delivery.getBody(), StandardCharsets.UTF_8);
        }

        @Override
        public <T, E extends Throwable> T process(
            MessagingTelemetry messaging, ThrowingSupplier<T, E> handler) throws E {
          // values arrive as com.rabbitmq.client.LongString: decoded through toString()
          return messaging.process("rabbitmq", queue, headers, handler);
        }

        @Override
        public void addTo(ConsumerSpanBuilder batch) {
          batch.batchMessage(headers);
        }
      };
    }

    @Override
    public void close() throws Exception {
      if (channel.isOpen()) {
        channel.close();
      }
    }
  }
}
