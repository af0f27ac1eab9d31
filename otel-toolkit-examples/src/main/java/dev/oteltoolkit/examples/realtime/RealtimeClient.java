package dev.oteltoolkit.examples.realtime;

import dev.oteltoolkit.examples.realtime.RealtimeBackend.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The app's side of a session: the JDK's own {@link WebSocket} client (so the server's handshake
 * and frames are checked by an independent implementation). The handshake carries the headers it is
 * given, the caller's {@code traceparent} and {@code baggage}. Messages are {@code "<id> <type>
 * <payload>"}; answers {@code "<id> ok <text>"}, {@code "<id> error <type>"} or, for a streamed
 * chat, {@code "<id> delta <chunk>"} until the {@code ok}.
 *
 * <p>When the server announces {@code going_away}, the client sends its outbox (what the user typed
 * meanwhile) and, once it has the answers, a Close: the server handles all of it while it waits for
 * its sessions to end.
 */
final class RealtimeClient implements WebSocket.Listener {

  private final List<String> outbox;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
  private final Map<String, String> types = new ConcurrentHashMap<>();
  private final Map<String, StringBuilder> streams = new ConcurrentHashMap<>();
  private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
  private final StringBuilder partial = new StringBuilder(); // the listener's, one call at a time
  private final AtomicInteger ids = new AtomicInteger();
  private final Object sendLock = new Object();
  private CompletableFuture<WebSocket> sending; // guarded by sendLock

  private RealtimeClient(List<String> outbox) {
    this.outbox = List.copyOf(outbox);
  }

  /**
   * Opens a session.
   *
   * @param outbox messages ({@code "<type> <payload>"}) sent when the server announces it closes
   */
  static RealtimeClient connect(
      HttpClient http, URI uri, Map<String, String> headers, List<String> outbox) {
    RealtimeClient client = new RealtimeClient(outbox);
    WebSocket.Builder builder = http.newWebSocketBuilder();
    headers.forEach(builder::header);
    client.sending = builder.buildAsync(uri, client);
    client.sending.join(); // fails here when the handshake does
    return client;
  }

  /** Sends a message; the stage completes with its answer. */
  CompletableFuture<Reply> send(String type, String payload) {
    String id = Integer.toString(ids.incrementAndGet());
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    pending.put(id, reply);
    types.put(id, type);
    String text = id + " " + type + (payload.isEmpty() ? "" : " " + payload);
    synchronized (sendLock) {
      // the JDK client takes one send at a time: chain them
      sending = sending.thenCompose(ws -> ws.sendText(text, true));
    }
    return reply;
  }

  /** Completes when the server has closed the session. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  /** Every answer received, in order of arrival. */
  List<Reply> replies() {
    return new ArrayList<>(replies);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      dispatch(text);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    pending.forEach(
        (id, reply) ->
            reply.completeExceptionally(new IllegalStateException("no answer to " + id)));
    closed.complete(null);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    pending.forEach((id, reply) -> reply.completeExceptionally(error));
    closed.completeExceptionally(error);
  }

  private void dispatch(String text) {
    if (text.equals(RealtimeServer.GOING_AWAY)) {
      List<CompletableFuture<Reply>> answers = new ArrayList<>();
      for (String message : outbox) {
        String[] parts = message.split(" ", 2);
        answers.add(send(parts[0], parts.length > 1 ? parts[1] : ""));
      }
      // close once every answer is in (or the session failed): nothing is left unanswered
      CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
          .whenComplete(
              (done, failed) -> {
                synchronized (sendLock) {
                  sending =
                      sending.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
                }
              });
      return;
    }
    String[] parts = text.split(" ", 3);
    String id = parts[0];
    String kind = parts.length > 1 ? parts[1] : "";
    String rest = parts.length > 2 ? parts[2] : "";
    if (kind.equals("delta")) {
      streams.computeIfAbsent(id, k -> new StringBuilder()).append(rest).append(' ');
      return;
    }
    StringBuilder stream = streams.remove(id);
    String answer = stream != null ? stream.toString().trim() : rest;
    Reply reply = new Reply(id, types.getOrDefault(id, "?"), kind.equals("ok"), answer);
    replies.add(reply);
    CompletableFuture<Reply> waiting = pending.remove(id);
    if (waiting != null) {
      waiting.complete(reply);
    }
  }
}
