package dev.oteltoolkit.tests;

import dev.oteltoolkit.tests.SupportDesk.QueuedMessage;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The support desk's queue on the machine's NATS server (core NATS, with headers), through the
 * official {@code jnats} client: the trace context crosses a real broker as message headers.
 * Messages carry this run's id, so a concurrent run on the same server is ignored.
 */
final class NatsQueue implements SupportDesk.Broker {

  static final String HOST = "127.0.0.1";
  static final int PORT = 4222;
  private static final String RUN_HEADER = "x-e2e-run";

  private final Connection connection;
  private final Subscription subscription;
  private final String run = UUID.randomUUID().toString();

  /**
   * Connects and subscribes to {@code queue} (core NATS delivers only to subscriptions that exist
   * when a message is published).
   */
  NatsQueue(String queue) throws Exception {
    connection =
        Nats.connect(
            new Options.Builder()
                .server("nats://" + HOST + ":" + PORT)
                .connectionTimeout(Duration.ofSeconds(5))
                .build());
    subscription = connection.subscribe(queue);
    connection.flush(Duration.ofSeconds(5));
  }

  @Override
  public String system() {
    return "nats";
  }

  @Override
  public void send(String queue, Map<String, String> headers, String body) {
    Headers natsHeaders = new Headers();
    headers.forEach(natsHeaders::add);
    natsHeaders.add(RUN_HEADER, run);
    connection.publish(queue, natsHeaders, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public QueuedMessage receive(String queue, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Message message = subscription.nextMessage(Duration.ofNanos(left));
      if (message == null) {
        return null;
      }
      Headers natsHeaders = message.getHeaders();
      if (natsHeaders == null || !run.equals(natsHeaders.getFirst(RUN_HEADER))) {
        continue; // another run's message
      }
      Map<String, String> headers = new HashMap<>();
      for (String key : natsHeaders.keySet()) {
        if (!key.equals(RUN_HEADER)) {
          headers.put(key, natsHeaders.getFirst(key));
        }
      }
      return new QueuedMessage(headers, new String(message.getData(), StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() throws InterruptedException {
    connection.close();
  }
}
