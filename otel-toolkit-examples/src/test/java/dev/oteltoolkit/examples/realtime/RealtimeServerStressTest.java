package dev.oteltoolkit.examples.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.examples.realtime.RealtimeBackend.Reply;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Many sessions streaming chat answers at once: every answer arrives. Java-WebSocket 1.6.0 can lose
 * a connection's write interest when its selector finishes writing just as a handler queues a frame
 * (see {@link RealtimeServer}); without the server's re-arming, a frame then waits for the next
 * send on its connection and a client waiting for that answer waits forever. The race is rare per
 * frame, so this test sends many frames (about 60,000: each chat answer streams a frame per word)
 * and fails, naming the session and message, when one answer does not arrive within a generous
 * bound. Without the re-arming it failed in one of ten runs here (2 cores): a stress test for the
 * race, not a proof of its absence; with it, no answer has waited.
 */
class RealtimeServerStressTest {

  private static final int SESSIONS = 12;
  private static final int CHATS_PER_SESSION = 250;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

  @Test
  void everyStreamedAnswerArrivesWhileManySessionsSendAtOnce() throws Exception {
    Telemetry telemetry =
        Telemetry.setup().serviceName("realtime-stress").otlp(false).exportLogs(false).build();
    ExecutorService apps = Executors.newFixedThreadPool(SESSIONS);
    try (telemetry) {
      GenAiTelemetry ai =
          GenAiTelemetry.builder(telemetry.openTelemetry())
              .priceTable(PriceTable.defaults())
              .build();
      RealtimeServer server =
          RealtimeServer.start(
              telemetry, new SupportChannel(telemetry.tracing(), ai, new FakeModel()));
      try {
        HttpClient http = HttpClient.newHttpClient();
        List<Future<Integer>> sessions = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
          String id = "stress-" + s;
          sessions.add(apps.submit(() -> chat(http, server, id)));
        }
        int answered = 0;
        for (Future<Integer> session : sessions) {
          answered += session.get(5, TimeUnit.MINUTES);
        }
        assertThat(answered).isEqualTo(SESSIONS * CHATS_PER_SESSION);
        assertThat(server.handled()).hasSize(SESSIONS * CHATS_PER_SESSION);
      } finally {
        apps.shutdownNow();
        server.close(Duration.ofSeconds(5));
      }
    }
  }

  /** One session: a chat message at a time, each answer awaited; returns how many arrived. */
  private static int chat(HttpClient http, RealtimeServer server, String id) throws Exception {
    RealtimeClient client = RealtimeClient.connect(http, server.uri(), Map.of(), List.of());
    int answered = 0;
    for (int i = 1; i <= CHATS_PER_SESSION; i++) {
      CompletableFuture<Reply> reply = client.send("chat", "question " + i + " of " + id);
      try {
        Reply answer = reply.get(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.ok()).as("answer %d of %s", i, id).isTrue();
        assertThat(answer.text()).as("answer %d of %s", i, id).startsWith("Thanks for asking.");
      } catch (TimeoutException e) {
        throw new AssertionError(
            "session "
                + id
                + ": no answer to chat "
                + i
                + " within "
                + ANSWER_WITHIN
                + " (a frame left waiting in the server's queue)",
            e);
      }
      answered++;
    }
    return answered;
  }
}
