package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.ThrowingSupplier;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;

/** The shared broker tests through core NATS at 127.0.0.1:4222 with the official {@code jnats}. */
@SuppressWarnings("try") // close() of broker clients may throw InterruptedException
class NatsBrokerTest extends AbstractBrokerTest {

  static final String URL = "nats://127.0.0.1:4222";

  // ---- the README's NATS carrier: NATS headers are not a Map, so a getter and a setter ----
  static final TextMapSetter<Headers> NATS_SETTER =
      (headers, key, value) -> headers.put(key, value);

  static final TextMapGetter<Headers> NATS_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          return headers == null ? Collections.emptySet() : headers.keySet();
        }

        @Override
        public String get(Headers headers, String key) {
          return headers == null ? null : headers.getFirst(key);
        }
      };

  // ------------------------------------------------------------------------------------------

  @Override
  TestBroker connect() throws Exception {
    requireNats(NatsBrokerTest.class);
    return new NatsBroker(connectToNats());
  }

  static void requireNats(Class<?> testClass) throws BrokerAvailability.Unavailable {
    BrokerAvailability.require(
        "NATS",
        testClass,
        "127.0.0.1",
        4222,
        "start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server --"
            + " -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server");
  }

  static Connection connectToNats() throws Exception {
    return Nats.connect(
        Options.builder()
            .server(URL)
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(0)
            .build());
  }

  private static final class NatsBroker implements TestBroker {
    private final Connection connection;

    NatsBroker(Connection connection) {
      this.connection = connection;
    }

    @Override
    public String system() {
      return "nats";
    }

    @Override
    public Destination open() throws Exception {
      String subject = "oteltoolkit.test." + UUID.randomUUID();
      Subscription subscription = connection.subscribe(subject);
      // the server knows the subscription before anything is published
      connection.flush(Duration.ofSeconds(5));
      return new SubjectDestination(connection, subject, subscription);
    }

    @Override
    public void close() throws InterruptedException {
      connection.close();
    }
  }

  private static final class SubjectDestination implements TestBroker.Destination {
    private final Connection connection;
    private final String subject;
    private final Subscription subscription;

    SubjectDestination(Connection connection, String subject, Subscription subscription) {
      this.connection = connection;
      this.subject = subject;
      this.subscription = subscription;
    }

    @Override
    public String name() {
      return subject;
    }

    @Override
    public void publish(MessagingTelemetry messaging, String body) {
      // the README's NATS quickstart
      Headers headers = new Headers();
      messaging
          .producer("nats", subject)
          .carrier(headers, NATS_SETTER)
          .run(() -> connection.publish(subject, headers, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void publishRaw(Map<String, String> headers, String body) {
      Headers raw = new Headers();
      headers.forEach(raw::put);
      connection.publish(subject, raw, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public TestBroker.Delivery receive() throws InterruptedException {
      Message message =
          subscription.nextMessage(Duration.ofSeconds(TestBroker.RECEIVE_TIMEOUT_SECONDS));
      if (message == null) {
        throw new AssertionError(
            "no message on " + subject + " within " + TestBroker.RECEIVE_TIMEOUT_SECONDS + " s");
      }
      return natsDelivery(message, subject);
    }

    @Override
    public void close() {
      subscription.unsubscribe();
    }
  }

  /** A received NATS message (core or JetStream), processed the README's way. */
  static TestBroker.Delivery natsDelivery(Message message, String subject) {
    return new TestBroker.Delivery() {
      @Override
      public String body() {
        return new String(message.getData(), StandardCharsets.UTF_8);
      }

      @Override
      public <T, E extends Throwable> T process(
          MessagingTelemetry messaging, ThrowingSupplier<T, E> handler) throws E {
        return messaging
            .consumer("nats", subject)
            .carrier(message.getHeaders(), NATS_GETTER)
            .call(handler);
      }

      @Override
      public void addTo(ConsumerSpanBuilder batch) {
        batch.batchMessage(message.getHeaders(), NATS_GETTER);
      }
    };
  }
}
