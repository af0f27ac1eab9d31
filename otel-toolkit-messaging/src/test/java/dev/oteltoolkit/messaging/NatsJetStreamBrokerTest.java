package dev.oteltoolkit.messaging;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The shared broker tests through NATS JetStream at 127.0.0.1:4222: a memory stream per test,
 * publish acknowledged by the stream, messages acknowledged by the consumer.
 */
@SuppressWarnings("try") // close() of broker clients may throw InterruptedException
class NatsJetStreamBrokerTest extends AbstractBrokerTest {

  @Override
  TestBroker connect() throws Exception {
    NatsBrokerTest.requireNats(NatsJetStreamBrokerTest.class);
    return new JetStreamBroker(NatsBrokerTest.connectToNats());
  }

  private static final class JetStreamBroker implements TestBroker {
    private final Connection connection;
    private final JetStreamManagement management;
    private final JetStream jetStream;

    JetStreamBroker(Connection connection) throws Exception {
      this.connection = connection;
      this.management = connection.jetStreamManagement();
      this.jetStream = connection.jetStream();
    }

    @Override
    public String system() {
      return "nats";
    }

    @Override
    public Destination open() throws Exception {
      String id = UUID.randomUUID().toString().replace("-", "");
      String stream = "OTELTOOLKIT_TEST_" + id;
      String subject = "oteltoolkit.js." + id;
      management.addStream(
          StreamConfiguration.builder()
              .name(stream)
              .subjects(subject)
              .storageType(StorageType.Memory)
              .build());
      return new StreamDestination(
          management, jetStream, stream, subject, jetStream.subscribe(subject));
    }

    @Override
    public void close() throws InterruptedException {
      connection.close();
    }
  }

  private static final class StreamDestination implements TestBroker.Destination {
    private final JetStreamManagement management;
    private final JetStream jetStream;
    private final String stream;
    private final String subject;
    private final JetStreamSubscription subscription;

    StreamDestination(
        JetStreamManagement management,
        JetStream jetStream,
        String stream,
        String subject,
        JetStreamSubscription subscription) {
      this.management = management;
      this.jetStream = jetStream;
      this.stream = stream;
      this.subject = subject;
      this.subscription = subscription;
    }

    @Override
    public String name() {
      return subject;
    }

    @Override
    public void publish(MessagingTelemetry messaging, String body) throws Exception {
      Headers headers = new Headers();
      messaging
          .producer("nats", subject)
          .carrier(headers, NatsBrokerTest.NATS_SETTER)
          .call(() -> jetStream.publish(subject, headers, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void publishRaw(Map<String, String> headers, String body) throws Exception {
      Headers raw = new Headers();
      headers.forEach(raw::put);
      jetStream.publish(subject, raw, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public TestBroker.Delivery receive() throws InterruptedException {
      Message message =
          subscription.nextMessage(Duration.ofSeconds(TestBroker.RECEIVE_TIMEOUT_SECONDS));
      if (message == null) {
        throw new AssertionError(
            "no message on " + subject + " within " + TestBroker.RECEIVE_TIMEOUT_SECONDS + " s");
      }
      message.ack();
      return NatsBrokerTest.natsDelivery(message, subject);
    }

    @Override
    public void close() throws Exception {
      subscription.unsubscribe();
      management.deleteStream(stream);
    }
  }
}
