package dev.oteltoolkit.examples.realtime;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.api.TracedSpanBuilder;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.examples.realtime.RealtimeBackend.Handled;
import dev.oteltoolkit.messaging.MessageCarriers;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The realtime backend's transport: WebSocket sessions over a plain {@link ServerSocket}, one
 * reader thread per session, messages handled on a shared pool, each in its own span.
 *
 * <h2>Context from the handshake</h2>
 *
 * <p>The client's opening handshake carries {@code traceparent} (and {@code baggage} with the
 * client's {@code session.id}) from the client's own session span. The server extracts it once,
 * through its service's propagators and otel-toolkit-messaging's header-map getter, and keeps the
 * resulting {@link Context} for the session's life. Every message is then handled in a CONSUMER
 * span {@code "process {type}"} (the messaging conventions' {@code "{operation} {destination}"},
 * the message type being the destination, a fixed set) whose parent is that context: one trace
 * per session, the client's session span at its top. Parenting, not a link, because the messages
 * are part of the session the client opened; and since that parent is remote, each message span
 * is a local root on the server, so the server decides per message what to keep (see {@link
 * RealtimeBackend}).
 *
 * <h2>Closing without losing a message</h2>
 *
 * <p>{@link #close(Duration)} stops accepting sessions and sends every session a {@code
 * going_away} notice. A client answers by sending what it still had to send, then a Close frame;
 * the server handles every message it reads until that Close, waits for the session's handlers to
 * finish, answers Close and ends the session. When every session has ended (or the timeout has
 * passed, and the remaining connections are cut) the handler pool is stopped: every message span
 * has then ended, so closing the telemetry afterwards exports every one of them.
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

  private final Object lock = new Object();
  private final ServerSocket serverSocket;
  private final Tracing tracing;
  private final TextMapPropagator propagator;
  private final SupportChannel channel;
  private final ExecutorService readers = Executors.newCachedThreadPool(daemon("realtime-session"));
  private final ExecutorService handlers =
      Executors.newFixedThreadPool(4, daemon("realtime-handler"));
  private final Thread acceptor;
  // the closer's party plus one per session still open
  private final Phaser open = new Phaser(1);
  private final List<Session> sessions = new ArrayList<>(); // guarded by lock
  private final Queue<Handled> handled = new ConcurrentLinkedQueue<>();
  private final AtomicInteger anonymous = new AtomicInteger();
  private final AtomicInteger receivedWhileClosing = new AtomicInteger();
  private boolean closing; // guarded by lock

  private RealtimeServer(ServerSocket serverSocket, Telemetry telemetry, SupportChannel channel) {
    this.serverSocket = serverSocket;
    this.tracing = telemetry.tracing();
    this.propagator = telemetry.openTelemetry().getPropagators().getTextMapPropagator();
    this.channel = channel;
    this.acceptor = daemon("realtime-acceptor").newThread(this::accept);
  }

  /** Starts the server on an ephemeral loopback port. */
  static RealtimeServer start(Telemetry telemetry, SupportChannel channel) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    RealtimeServer server = new RealtimeServer(socket, telemetry, channel);
    server.acceptor.start();
    return server;
  }

  /** The endpoint's {@code ws://} URI. */
  URI uri() {
    return URI.create("ws://127.0.0.1:" + serverSocket.getLocalPort() + PATH);
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
   * Stops accepting sessions, lets every session's client finish and handles what it sends until
   * its Close, then stops the handlers.
   *
   * @return true when every session ended within {@code timeout}; false when some were cut
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
    try {
      serverSocket.close();
      // a connection accepted just before is registered in `open` once the acceptor is done
      acceptor.join(TimeUnit.NANOSECONDS.toMillis(remaining(deadline)) + 1);
    } catch (IOException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Session session : notify) {
      session.send(GOING_AWAY);
    }
    boolean ended = true;
    try {
      open.awaitAdvanceInterruptibly(open.arrive(), remaining(deadline), TimeUnit.NANOSECONDS);
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = false;
    }
    readers.shutdownNow();
    return ended;
  }

  private void accept() {
    while (true) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.register();
      readers.execute(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    Session session = null;
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      Map<String, String> headers = WebSocketFrames.handshake(in, out, PATH);
      // once per session: the client's session span (and its baggage) become the parent of every
      // message; the getter is the toolkit's, the propagators the service's own, never global
      Context context = propagator.extract(Context.root(), headers, MessageCarriers.mapGetter());
      session = new Session(socket, out, context, sessionId(context));
      boolean goingAway;
      synchronized (lock) {
        sessions.add(session);
        goingAway = closing;
      }
      if (goingAway) {
        session.send(GOING_AWAY);
      }
      read(session, in);
    } catch (IOException e) {
      // a failed handshake or a broken connection ends this session only
    } finally {
      if (session != null) {
        synchronized (lock) {
          sessions.remove(session);
        }
      }
      open.arriveAndDeregister();
    }
  }

  private void read(Session session, InputStream in) throws IOException {
    try {
      while (true) {
        WebSocketFrames.Frame frame = WebSocketFrames.read(in);
        if (frame.opcode() == WebSocketFrames.CLOSE) {
          break;
        } else if (frame.opcode() == WebSocketFrames.PING) {
          session.write(WebSocketFrames.PONG, frame.payload());
        } else if (frame.opcode() == WebSocketFrames.TEXT) {
          synchronized (lock) {
            if (closing) {
              receivedWhileClosing.incrementAndGet();
            }
          }
          Message message = Message.parse(frame.text(), frame.payload().length);
          session.inFlight.register();
          try {
            handlers.execute(
                () -> {
                  try {
                    process(session, message);
                  } finally {
                    session.inFlight.arriveAndDeregister();
                  }
                });
          } catch (RejectedExecutionException e) {
            // only after the close timeout: the session is being cut
            session.inFlight.arriveAndDeregister();
            throw new IOException("the server has closed", e);
          }
        } else if (frame.opcode() != WebSocketFrames.PONG) {
          throw new IOException("unsupported opcode " + frame.opcode());
        }
      }
    } catch (EOFException e) {
      // the client went without a Close: still let its messages finish
    } finally {
      session.inFlight.arriveAndAwaitAdvance(); // every message of this session has been handled
    }
    session.write(WebSocketFrames.CLOSE, new byte[] {0x03, (byte) 0xE8}); // 1000, normal closure
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

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** One client's session: its handshake context, and the writes to its connection. */
  static final class Session {

    final String id;
    private final Socket socket;
    private final OutputStream out;
    private final Context context;
    private final Object writeLock = new Object();
    // the reader's party plus one per message being handled
    private final Phaser inFlight = new Phaser(1);

    private Session(Socket socket, OutputStream out, Context context, String id) {
      this.socket = socket;
      this.out = out;
      this.context = context;
      this.id = id;
    }

    /** Sends a text message; a connection already gone is ignored (the client left). */
    void send(String text) {
      try {
        write(WebSocketFrames.TEXT, text.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the client is gone: nothing to tell it
      }
    }

    private void write(int opcode, byte[] payload) throws IOException {
      synchronized (writeLock) {
        WebSocketFrames.write(out, opcode, payload);
      }
    }

    private void cut() {
      try {
        socket.close();
      } catch (IOException e) {
        // cut anyway
      }
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
}
