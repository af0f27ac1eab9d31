package dev.oteltoolkit.examples.realtime;

import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.demo.MetricsSummary;
import dev.oteltoolkit.messaging.MessageCarriers;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Scenario 4, realtime backend: a shop's app keeps a WebSocket session open to the support backend;
 * the backend answers pings, chats through an LLM (streamed), looks orders up and takes payments,
 * every message in a span whose context comes from the session's handshake.
 *
 * <pre>
 * realtime-client                          realtime-backend
 * session /realtime (CLIENT, whole session)
 *   ══ handshake: traceparent, baggage session.id ══▶  context extracted once per session
 *                                          process ping     (CONSUMER, parent: the session span)
 *                                          process chat     └ chat gpt-4o-mini (tokens, cost)
 *                                          process status   └ lookup-order
 *                                          process status   └ lookup-order  ✗ unknown order
 *                                          process pay      └ charge-card   (force-sampled)
 *                                          process ping
 *   ◀══ going_away (the backend shuts down) ══
 *   outbox: chat, its answer, then Close    process chat     (handled while closing)
 * </pre>
 *
 * <h2>Sampling: 10%, and what is always kept</h2>
 *
 * <p>Both services sample 10%, parent-based. The client's session span is the trace's root, so its
 * decision holds for the whole session: about one session in ten is recorded whole, every message
 * in it. The other sessions would lose everything, so the backend keeps two kinds of message
 * whatever the session's decision:
 *
 * <ul>
 *   <li>payments: {@code process pay} is started with {@code forceSample()}: recorded and sampled
 *       even under an unsampled parent; its child follows it;
 *   <li>failures: the backend runs with {@code keepErrors(true)}. A message span's parent is remote
 *       (the client's), so each message span is a local root on the backend and tail sampling
 *       decides per message: the tree of a failed message is exported whole ({@code
 *       oteltoolkit.sampling.kept_by=error} on it), the others of the session are not.
 * </ul>
 *
 * <p>A kept message of an unsampled session points to a parent the client did not export: the
 * backend shows it under a missing root, grouped with its session by the trace id. The RED and
 * GenAI metrics count every message, sampled or not. Log lines carry {@code trace_id} and {@code
 * span_id} (otel-toolkit-logging) whether or not the span is sampled.
 *
 * <h2>Zero span loss at shutdown</h2>
 *
 * <p>When the scripted conversations are done the backend closes while messages are still on their
 * way: it announces {@code going_away}, each client sends its outbox and, once answered, a Close,
 * and the backend handles every message it receives until its sessions have ended and every handler
 * has finished (see {@link RealtimeServer}). Only then is the telemetry closed, which exports every
 * span still queued or held.
 *
 * <p>Run it with {@code mvn -B -ntp -q -pl otel-toolkit-examples -am test-compile exec:java
 * -Dexec.mainClass=dev.oteltoolkit.examples.realtime.RealtimeBackend}. It prints the kept trace
 * trees of both services; with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set (or {@code --otlp}) it also
 * exports over OTLP. A collector that is not there costs at most {@link #CLOSE_TIMEOUT} at the end,
 * and the run still exits 0.
 */
public final class RealtimeBackend {

  /** The backend's service name. */
  public static final String BACKEND = "realtime-backend";

  /** The app's service name: the client that opens the sessions. */
  public static final String CLIENT = "realtime-client";

  /** The sampling ratio of both services. */
  public static final double SAMPLING_RATIO = 0.1;

  /** The messages every session sends, one after the other, each awaiting its answer. */
  public static final List<String> SCRIPT =
      List.of(
          "ping",
          "chat Where is my order 1042?",
          "status 1042",
          "status 4040", // no such order: the backend fails, the session goes on
          "pay 1042 19.99",
          "ping");

  /** What every session still sends when the backend announces it closes. */
  public static final List<String> OUTBOX = List.of("chat Thanks, that is all.");

  /**
   * How long the backend may take to drain its sessions, and each service's telemetry to flush and
   * close (the two close at the same time).
   */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration FLUSH_BEFORE_SUMMARY = Duration.ofSeconds(1);

  private static final int SESSIONS = 10;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private RealtimeBackend() {}

  /**
   * Runs the scenario with ten sessions.
   *
   * @param args {@code --otlp} to export over OTLP even without {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static void main(String[] args) throws Exception {
    boolean otlp =
        System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null
            || Arrays.asList(args).contains("--otlp");
    run(service -> Telemetry.setup(), SESSIONS, otlp, System.out);
  }

  /**
   * Runs the scenario: starts the backend, opens {@code sessions} sessions (four at a time), plays
   * the {@link #SCRIPT} in each, then closes the backend while every session's {@link #OUTBOX} is
   * on its way, and closes both services' telemetry.
   *
   * @param setup gives the telemetry builder for a service name ({@link #BACKEND}, {@link
   *     #CLIENT}), e.g. {@code service -> Telemetry.setup()}, perhaps with exporters or settings of
   *     its own; the scenario adds the service name, version and environment, the sampling ratio
   *     (the backend also {@code keepErrors(true)}), the console trees and the OTLP switch, and
   *     builds it with {@code build()} (never global: two services share this JVM)
   * @param sessions how many sessions to open
   * @param otlp whether to export over OTLP as well
   * @param out where the trace trees and the summary are printed
   * @return what each session got, what the backend handled, and how the close went
   * @throws Exception if the scenario itself fails (telemetry never does)
   */
  public static Result run(
      Function<String, TelemetryBuilder> setup, int sessions, boolean otlp, PrintStream out)
      throws Exception {
    Objects.requireNonNull(setup, "setup");
    Objects.requireNonNull(out, "out");
    MetricsSummary metrics = new MetricsSummary();
    Telemetry backend =
        configure(setup, BACKEND, otlp, out).keepErrors(true).addMetricReader(metrics).build();
    Telemetry client = configure(setup, CLIENT, otlp, out).build();
    out.println(
        "otel-toolkit realtime scenario: "
            + sessions
            + " WebSocket sessions, "
            + SCRIPT.size()
            + " messages each and one more while the backend closes; "
            + (int) (SAMPLING_RATIO * 100)
            + "% of the sessions traced, payments and failures"
            + " always. The kept trees of both services follow.");
    try {
      Result played = serve(backend, client, sessions, metrics, out);
      // only now, every message span having ended: flush and close, nothing left behind
      // (both at once, each within CLOSE_TIMEOUT, so that a missing collector costs it once)
      CompletableFuture<Boolean> closingClient =
          CompletableFuture.supplyAsync(() -> client.shutdown(CLOSE_TIMEOUT));
      Map<String, Boolean> flushed = new LinkedHashMap<>();
      flushed.put(BACKEND, backend.shutdown(CLOSE_TIMEOUT));
      flushed.put(CLIENT, closingClient.join());
      Result result =
          new Result(
              played.sessions(),
              played.handled(),
              played.receivedWhileClosing(),
              played.drained(),
              flushed);
      summarise(result, otlp, out);
      return result;
    } finally {
      // on a failure too (idempotent): whatever was recorded is flushed
      backend.close();
      client.close();
    }
  }

  /** Plays the sessions and closes the backend; the telemetry stays open. */
  private static Result serve(
      Telemetry backend, Telemetry client, int sessions, MetricsSummary metrics, PrintStream out)
      throws Exception {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(backend.openTelemetry()).priceTable(PriceTable.defaults()).build();
    RealtimeServer server =
        RealtimeServer.start(backend, new SupportChannel(backend.tracing(), ai, new FakeModel()));
    List<Session> opened = new ArrayList<>();
    boolean drained;
    ExecutorService apps = Executors.newFixedThreadPool(4);
    try {
      HttpClient http = HttpClient.newHttpClient();
      List<Future<Session>> playing = new ArrayList<>();
      for (int i = 1; i <= sessions; i++) {
        String id = String.format(Locale.ROOT, "s-%03d", i);
        playing.add(apps.submit(() -> play(client, http, server.uri(), id)));
      }
      for (Future<Session> session : playing) {
        opened.add(session.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      }
    } finally {
      apps.shutdownNow();
      // shutdown while messages are on their way: each app sends its outbox on going_away
      drained = server.close(CLOSE_TIMEOUT);
    }
    List<Conversation> conversations = new ArrayList<>();
    for (Session session : opened) {
      session.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS); // the session span has ended
      conversations.add(
          new Conversation(
              session.id,
              session.trace.getTraceId(),
              session.trace.getSpanId(),
              session.trace.isSampled(),
              session.client.replies()));
    }
    List<Handled> handled = server.handled();
    // the trees still queued print first (briefly: OTLP may have no collector), then the
    // metrics, collected before the SDK closes
    backend.forceFlush(FLUSH_BEFORE_SUMMARY);
    client.forceFlush(FLUSH_BEFORE_SUMMARY);
    metrics.print(out);
    return new Result(conversations, handled, server.receivedWhileClosing(), drained, Map.of());
  }

  private static TelemetryBuilder configure(
      Function<String, TelemetryBuilder> setup, String service, boolean otlp, PrintStream out) {
    return setup
        .apply(service)
        .serviceName(service)
        .serviceVersion("0.1.0")
        .environment("local")
        .samplingRatio(SAMPLING_RATIO)
        .console(out)
        .otlp(otlp);
  }

  /** One app: opens its session in a span, plays the script, leaves the session open. */
  private static Session play(Telemetry telemetry, HttpClient http, URI uri, String id)
      throws Exception {
    Session session = new Session(id);
    session.closed =
        telemetry
            .tracing()
            .span("session " + RealtimeServer.PATH)
            .kind(SpanKind.CLIENT)
            .attribute(ServerAttributes.SERVER_ADDRESS, uri.getHost())
            .attribute(ServerAttributes.SERVER_PORT, (long) uri.getPort())
            .attribute(RealtimeServer.SESSION_ID, id)
            .callAsync(
                () -> {
                  // the handshake carries this span's context and the session id as baggage
                  session.trace = Span.current().getSpanContext();
                  Context context =
                      Baggage.current().toBuilder()
                          .put(RealtimeServer.SESSION_ID.getKey(), id)
                          .build()
                          .storeInContext(Context.current());
                  Map<String, String> headers = new LinkedHashMap<>();
                  telemetry
                      .openTelemetry()
                      .getPropagators()
                      .getTextMapPropagator()
                      .inject(context, headers, MessageCarriers.mapSetter());
                  session.client = RealtimeClient.connect(http, uri, headers, OUTBOX);
                  return session.client.closed();
                });
    for (String message : SCRIPT) {
      String[] parts = message.split(" ", 2);
      session
          .client
          .send(parts[0], parts.length > 1 ? parts[1] : "")
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    return session;
  }

  private static void summarise(Result result, boolean otlp, PrintStream out) {
    long messages = result.handled().size();
    long sampledSessions = result.sessions().stream().filter(Conversation::sampled).count();
    long forced =
        result.handled().stream()
            .filter(h -> h.type().equals(SupportChannel.CRITICAL) && h.sampled())
            .count();
    long failed = result.handled().stream().filter(h -> h.error() != null).count();
    long tokens =
        result.handled().stream().mapToLong(h -> h.inputTokens() + h.outputTokens()).sum();
    out.printf(
        Locale.ROOT,
        "%n%d sessions, %d messages handled (%d of them after the backend began to close): %d"
            + " sessions traced whole, %d payments force-sampled, %d failed messages kept by tail"
            + " sampling; %d tokens. Every answer arrived: %s.%n",
        result.sessions().size(),
        messages,
        result.receivedWhileClosing(),
        sampledSessions,
        forced,
        failed,
        tokens,
        result.sessions().stream()
            .allMatch(c -> c.replies().size() == SCRIPT.size() + OUTBOX.size()));
    out.println(
        "backend drained every session before its telemetry closed: "
            + result.drained()
            + "; telemetry flushed and closed: "
            + result.flushed());
    if (otlp) {
      out.println(
          "OTLP export: when no collector listens, the toolkit's warnings above say so;"
              + " the run is unaffected.");
    } else {
      out.println(
          "To see the same in a tracing backend, run it again with"
              + " OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 (or -Dexec.args=--otlp).");
    }
  }

  /** An app's open session, while the scenario plays it. */
  private static final class Session {
    final String id;
    volatile SpanContext trace = SpanContext.getInvalid();
    volatile RealtimeClient client;
    volatile CompletableFuture<Void> closed;

    Session(String id) {
      this.id = id;
    }
  }

  /**
   * What a run produced.
   *
   * @param sessions what each app saw of its session, in the order they were opened
   * @param handled every message the backend handled, in the order they finished
   * @param receivedWhileClosing how many of them arrived after the backend began to close
   * @param drained whether every session ended within {@link #CLOSE_TIMEOUT} of the close
   * @param flushed per service name, what its {@link Telemetry#shutdown(Duration)} returned
   */
  public record Result(
      List<Conversation> sessions,
      List<Handled> handled,
      int receivedWhileClosing,
      boolean drained,
      Map<String, Boolean> flushed) {}

  /**
   * One session as the app saw it.
   *
   * @param sessionId the session's id, sent as baggage {@code session.id}
   * @param traceId the trace id of the app's session span, the session's trace
   * @param sessionSpanId the span id of the app's session span
   * @param sampled whether the app's head sampling recorded the session
   * @param replies every answer the app received, in order of arrival
   */
  public record Conversation(
      String sessionId,
      String traceId,
      String sessionSpanId,
      boolean sampled,
      List<Reply> replies) {}

  /**
   * One answer.
   *
   * @param id the message id it answers
   * @param type the message's type
   * @param ok true for an {@code ok} answer, false for an {@code error}
   * @param text the answer's text (the whole streamed text for a chat), or the error's type
   */
  public record Reply(String id, String type, boolean ok, String text) {}

  /**
   * One message as the backend handled it.
   *
   * @param sessionId the session's id
   * @param messageId the message's id in its session
   * @param type the message's type ({@code unknown} for a type the backend does not know)
   * @param traceId the trace id of its span
   * @param spanId the id of its span ({@code process {type}})
   * @param sampled whether its span was sampled at start (head sampling or {@code forceSample()});
   *     a failed message's span is exported by tail sampling even when false
   * @param error the class name of the exception it failed with, null when it succeeded
   * @param inputTokens the input tokens of its model call (chat), else 0
   * @param outputTokens the output tokens of its model call (chat), else 0
   */
  public record Handled(
      String sessionId,
      String messageId,
      String type,
      String traceId,
      String spanId,
      boolean sampled,
      String error,
      long inputTokens,
      long outputTokens) {}
}
