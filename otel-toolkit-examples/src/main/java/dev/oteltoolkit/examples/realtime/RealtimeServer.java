package dev.oteltoolkit.examples.realtime;

import dev.oteltoolkit.api.TracedSpanBuilder;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.examples.realtime.RealtimeBackend.Handled;
import dev.oteltoolkit.examples.scaffold.Threads;
import dev.oteltoolkit.messaging.MessageCarriers;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The realtime backend's transport: a WebSocket server (Java-WebSocket), messages handled on a pool
 * of our own, each in its own span.
 *
 * <h2>Context from the handshake</h2>
 *
 * <p>The client's opening handshake carries {@code traceparent} (and {@code baggage} with the
 * client's {@code session.id}) from the client's own session span. When the server opens the
 * session ({@code onOpen(connection, handshake)}) it reads the handshake's headers and extracts
 * them once, through its service's propagators and otel-toolkit-messaging's header-map getter, and
 * keeps the resulting {@link Context} with the connection for the session's life. Every message is
 * then handled in a CONSUMER span {@code "process {type}"} (the messaging conventions' {@code
 * "{operation} {destination}"}, the message type being the destination, a fixed set) whose parent
 * is that context: one trace per session, the client's session span at its top. Parenting, not a
 * link, because the messages are part of the session the client opened; and since that parent is
 * remote, each message span is a local root on the server, so the server decides per message what
 * to keep (see {@link RealtimeBackend}).
 *
 * <h2>Closing without losing a message</h2>
 *
 * <p>{@link #close(Duration)} sends every session a {@code going_away} notice. A client answers by
 * sending what it still had to send and, once it has the answers, closing the session. The server
 * handles every message it receives meanwhile, and waits until every session has ended and every
 * message's handler has finished (or the timeout has passed, and the sessions left are closed);
 * only then are the handler pool and the WebSocket server stopped. Every message span has then
 * ended, so closing the telemetry afterwards exports every one of them.
 *
 * <h2>Frames that would wait forever</h2>
 *
 * <p>Java-WebSocket (1.6.0, the newest release) has a race between a thread that sends and its
 * selector thread: when the selector finishes writing a connection's queue just as another thread
 * queues a frame, the selector can clear the write interest the sender has just set, and the frame
 * then waits in the queue until the next send on that connection. A client that waits for that very
 * answer waits forever (about one run in 40 of the realtime scenario's test). The server therefore
 * re-arms the write of every connection with frames still queued every {@link #FLUSH_EVERY}: a lost
 * frame leaves at most that late, and a frame on its way is not disturbed.
 */
final class RealtimeServer implements AutoCloseable {

  /** The WebSocket endpoint's path. */
  static final String PATH = "/realtime";

  /** The notice a client gets when the server begins to close. */
  static final String GOING_AWAY = "0 going_away";

  // Messaging and session keys of semantic conventions 1.43 (incubating, hence copied here).
  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGING_MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> MESSAGING_BODY_SIZE =
      AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("session.id");

  private static final String SYSTEM = "websocket";
  private static final int MAX_SESSION_ID = 64;

  /** A message larger than this closes its session (1009, too big), as any server bounds them. */
  private static final int MAX_FRAME = 64 * 1024;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  /** How often frames still queued are written again (see the class javadoc). */
  static final Duration FLUSH_EVERY = Duration.ofMillis(20);

  private final Object lock = new Object();
  private final Endpoint endpoint;
  private final Tracing tracing;
  private final TextMapPropagator propagator;
  private final SupportChannel channel;
  private final ExecutorService handlers =
      Executors.newFixedThreadPool(4, Threads.daemon("realtime-handler"));
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(Threads.daemon("realtime-flush"));
  // the closer's party, plus one per open session and one per message being handled
  private final Phaser work = new Phaser(1);
  private final List<Session> sessions = new ArrayList<>(); // guarded by lock
  private final Queue<Handled> handled = new ConcurrentLinkedQueue<>();
  private final AtomicInteger anonymous = new AtomicInteger();
  private final AtomicInteger receivedWhileClosing = new AtomicInteger();
  private boolean closing; // guarded by lock

  private RealtimeServer(Telemetry telemetry, SupportChannel channel) {
    this.tracing = telemetry.tracing();
    this.propagator = telemetry.openTelemetry().getPropagators().getTextMapPropagator();
    this.channel = channel;
    this.endpoint = new Endpoint();
  }

  /** Starts the server on an ephemeral loopback port, and waits until it listens. */
  static RealtimeServer start(Telemetry telemetry, SupportChannel channel) throws IOException {
    RealtimeServer server = new RealtimeServer(telemetry, channel);
    server.endpoint.start();
    try {
      if (!server.endpoint.started.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("the WebSocket server did not start within " + START_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the WebSocket server started", e);
    }
    Exception failed = server.endpoint.failure.get();
    if (failed != null) {
      server.handlers.shutdownNow();
      server.flusher.shutdownNow();
      throw new IOException("the WebSocket server could not start", failed);
    }
    long every = FLUSH_EVERY.toMillis();
    server.flusher.scheduleWithFixedDelay(
        server::rearmQueuedWrites, every, every, TimeUnit.MILLISECONDS);
    return server;
  }

  /** Works around Java-WebSocket's lost write interest (see the class javadoc). */
  private void rearmQueuedWrites() {
    for (WebSocket connection : endpoint.getConnections()) {
      if (connection.hasBufferedData()) {
        try {
          endpoint.onWriteDemand(
              connection); // sets the write interest again and wakes the selector
        } catch (RuntimeException e) {
          // a connection closing meanwhile: its frames no longer matter, the next round goes on
        }
      }
    }
  }

  /** The endpoint's {@code ws://} URI. */
  URI uri() {
    return URI.create("ws://127.0.0.1:" + endpoint.getPort() + PATH);
  }

  /** Every message handled so far, in the order they finished. */
  List<Handled> handled() {
    return List.copyOf(handled);
  }

  /** How many messages arrived after {@link #close(Duration)} began, each handled all the same. */
  int receivedWhileClosing() {
    return receivedWhileClosing.get();
  }

  /** Closes within 10 seconds; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /**
   * Announces {@code going_away} to every session, handles what the clients still send until they
   * close their sessions, then stops the handlers and the server.
   *
   * @return true when every session ended within {@code timeout}; false when some were closed by
   *     the server
   */
  boolean close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Session> notify;
    synchronized (lock) {
      if (closing) {
        return true;
      }
      closing = true;
      notify = List.copyOf(sessions);
    }
    for (Session session : notify) {
      session.send(GOING_AWAY);
    }
    boolean ended = true;
    try {
      work.awaitAdvanceInterruptibly(work.arrive(), remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      ended = false;
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      synchronized (lock) {
        sessions.forEach(Session::cut);
      }
    }
    handlers.shutdown();
    try {
      ended &= handlers.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
      endpoint.stop((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = false;
    } finally {
      flusher.shutdownNow();
    }
    return ended;
  }

  /**
   * A session opens: its context, extracted once from the handshake's headers, is the parent of
   * every message it sends.
   */
  private void open(WebSocket connection, ClientHandshake handshake) {
    if (!PATH.equals(handshake.getResourceDescriptor())) {
      connection.close(CloseFrame.POLICY_VALIDATION, "no endpoint " + PATH);
      return;
    }
    Map<String, String> headers = new HashMap<>();
    for (Iterator<String> names = handshake.iterateHttpFields(); names.hasNext(); ) {
      String name = names.next();
      headers.put(name.toLowerCase(Locale.ROOT), handshake.getFieldValue(name));
    }
    // the client's session span (and its baggage) become the parent of every message; the getter
    // is the toolkit's, the propagators the service's own, never global
    Context context = propagator.extract(Context.root(), headers, MessageCarriers.mapGetter());
    Session session = new Session(connection, context, sessionId(context));
    connection.setAttachment(session);
    boolean goingAway;
    synchronized (lock) {
      if (!connection.isOpen()) {
        return; // closed already: ended() found no session to end
      }
      work.register();
      sessions.add(session);
      goingAway = closing;
    }
    if (goingAway) {
      session.send(GOING_AWAY);
    }
  }

  /** A message arrives: it is handled on the pool, in its span. */
  private void receive(WebSocket connection, String text) {
    Session session = connection.getAttachment();
    if (session == null) {
      return; // not a session of ours (closed in open)
    }
    if (isClosing()) {
      receivedWhileClosing.incrementAndGet();
    }
    Message message = Message.parse(text, text.getBytes(StandardCharsets.UTF_8).length);
    work.register();
    try {
      handlers.execute(
          () -> {
            try {
              process(session, message);
            } finally {
              work.arriveAndDeregister();
            }
          });
    } catch (RejectedExecutionException e) {
      // only after the close timeout: the session is being cut
      work.arriveAndDeregister();
      session.cut();
    }
  }

  /** A session ends (its Close, or a broken connection): its messages' handlers still finish. */
  private void ended(WebSocket connection) {
    Session session = connection.getAttachment();
    if (session == null) {
      return;
    }
    synchronized (lock) {
      if (!sessions.remove(session)) {
        return;
      }
    }
    work.arriveAndDeregister();
  }

  private boolean isClosing() {
    synchronized (lock) {
      return closing;
    }
  }

  /** Handles one message in its span: the session's context is the parent. */
  private void process(Session session, Message message) {
    String type = channel.knows(message.type()) ? message.type() : "unknown";
    TracedSpanBuilder span =
        tracing
            .span("process " + type)
            .kind(SpanKind.CONSUMER)
            .parent(session.context)
            .attribute(MESSAGING_SYSTEM, SYSTEM)
            .attribute(MESSAGING_DESTINATION, type)
            .attribute(MESSAGING_OPERATION_TYPE, "process")
            .attribute(MESSAGING_OPERATION_NAME, "process")
            .attribute(MESSAGING_MESSAGE_ID, message.id())
            .attribute(MESSAGING_BODY_SIZE, (long) message.bodySize())
            .attribute(SESSION_ID, session.id);
    if (channel.isCritical(type)) {
      span.forceSample(); // recorded and exported whatever the session's sampling decision
    }
    SpanContext[] recorded = {SpanContext.getInvalid()};
    SupportChannel.Usage usage = SupportChannel.Usage.NONE;
    String error = null;
    try {
      usage =
          span.call(
              () -> {
                recorded[0] = Span.current().getSpanContext();
                return channel.handle(session, message);
              });
    } catch (Exception e) {
      // recorded on the span (exception event, status ERROR); the session goes on
      error = e.getClass().getName();
      session.send(message.id() + " error " + e.getClass().getSimpleName());
    }
    handled.add(
        new Handled(
            session.id,
            message.id(),
            type,
            recorded[0].getTraceId(),
            recorded[0].getSpanId(),
            recorded[0].isSampled(),
            error,
            usage.inputTokens(),
            usage.outputTokens()));
  }

  private String sessionId(Context context) {
    String id = Baggage.fromContext(context).getEntryValue(SESSION_ID.getKey());
    return id != null && !id.isEmpty() && id.length() <= MAX_SESSION_ID
        ? id
        : "anonymous-" + anonymous.incrementAndGet();
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  /** One client's session: its handshake context, and its connection. */
  static final class Session {

    final String id;
    private final WebSocket connection;
    private final Context context;

    private Session(WebSocket connection, Context context, String id) {
      this.connection = connection;
      this.context = context;
      this.id = id;
    }

    /** Sends a text message; a connection already gone is ignored (the client left). */
    void send(String text) {
      try {
        connection.send(text);
      } catch (WebsocketNotConnectedException e) {
        // the client is gone: nothing to tell it
      }
    }

    private void cut() {
      connection.close(CloseFrame.GOING_AWAY, "the server has closed");
    }
  }

  /**
   * One message of the protocol, a WebSocket text message {@code "<id> <type> <payload>"}.
   *
   * @param id the client's message id, unique in its session
   * @param type what the client asks: {@code ping}, {@code chat}, {@code status}, {@code pay}
   * @param payload the rest of the text, perhaps empty
   * @param bodySize the message's size in bytes
   */
  record Message(String id, String type, String payload, int bodySize) {

    static Message parse(String text, int bodySize) {
      String[] parts = text.split(" ", 3);
      return new Message(
          parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "", bodySize);
    }
  }

  /** The WebSocket server: the library's callbacks, handed to the methods above. */
  private final class Endpoint extends WebSocketServer {

    final CountDownLatch started = new CountDownLatch(1);
    final AtomicReference<Exception> failure = new AtomicReference<>();

    Endpoint() {
      super(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          List.of(new Draft_6455(List.of(), MAX_FRAME)));
      setDaemon(true);
      setTcpNoDelay(true);
    }

    @Override
    public void onStart() {
      started.countDown();
    }

    @Override
    public void onOpen(WebSocket connection, ClientHandshake handshake) {
      open(connection, handshake);
    }

    @Override
    public void onMessage(WebSocket connection, String message) {
      receive(connection, message);
    }

    @Override
    public void onClose(WebSocket connection, int code, String reason, boolean remote) {
      ended(connection);
    }

    @Override
    public void onError(WebSocket connection, Exception e) {
      if (connection == null) {
        // the server itself failed, e.g. could not listen
        failure.compareAndSet(null, e);
        started.countDown();
      }
      // a connection's error is followed by its onClose
    }
  }
}
