package dev.oteltoolkit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.ThrowingSupplier;
import dev.oteltoolkit.api.Tracing;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * gRPC hops between two services with the official OpenTelemetry library instrumentation ({@code
 * opentelemetry-grpc-1.6}, the README's wiring): a real grpc-java client and server over loopback
 * on the Netty transport, every call type (unary, server streaming, client streaming,
 * bidirectional), each asserted span by span: the trace continues from the client into the server,
 * baggage arrives, the server's handler runs in the server span's context (a span it starts is the
 * server span's child, on every callback of a streaming call), and a failed call is an error on
 * both sides. A change of behaviour in a new version of the library fails here.
 */
@SuppressWarnings("try") // scopes closed by try-with-resources are never read
class GrpcHopTest {

  private static final String SERVICE = "interop.Orders";
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");

  private static final MethodDescriptor<String, String> GET = method("Get", MethodType.UNARY);
  private static final MethodDescriptor<String, String> WATCH =
      method("Watch", MethodType.SERVER_STREAMING);
  private static final MethodDescriptor<String, String> UPLOAD =
      method("Upload", MethodType.CLIENT_STREAMING);
  private static final MethodDescriptor<String, String> CHAT =
      method("Chat", MethodType.BIDI_STREAMING);
  private static final MethodDescriptor<String, String> FAIL = method("Fail", MethodType.UNARY);

  private TestService clientService;
  private TestService serverService;
  private Server server;
  private ManagedChannel channel;
  private int port;

  /** What the server's handlers saw, by method: the tenant baggage entry, per callback. */
  private final Map<String, List<String>> tenantsSeen = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    clientService = TestService.withPlainSdk("orders-client");
    // the server reads incoming metadata as Telemetry.setup() does: through GuardedPropagator
    serverService =
        TestService.withPlainSdk(
            "orders-server",
            GuardedPropagator.wrap(
                TextMapPropagator.composite(
                    W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())));
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerInterceptors.intercept(
                    orders(),
                    GrpcTelemetry.create(serverService.openTelemetry).createServerInterceptor()))
            .build()
            .start();
    port = server.getPort();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .intercept(GrpcTelemetry.create(clientService.openTelemetry).createClientInterceptor())
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    clientService.close();
    serverService.close();
  }

  @Test
  void aUnaryCallContinuesTheTraceWithExactAttributes() throws Exception {
    String reply =
        withTenant(
            () ->
                Tracing.create(clientService.openTelemetry)
                    .traced(
                        "checkout",
                        () ->
                            ClientCalls.blockingUnaryCall(
                                channel, GET, CallOptions.DEFAULT, "42")));

    Assertions.assertThat(reply).isEqualTo("order 42");
    SpanData checkout = clientService.span("checkout");
    SpanData clientSpan = clientService.span(SERVICE + "/Get");
    SpanData serverSpan = serverService.awaitSpan(SERVICE + "/Get");
    assertThat(clientSpan)
        .hasKind(SpanKind.CLIENT)
        .hasParent(checkout)
        .hasAttributesSatisfyingExactly(
            equalTo(RPC_SYSTEM, "grpc"),
            equalTo(RPC_SERVICE, SERVICE),
            equalTo(RPC_METHOD, "Get"),
            equalTo(RPC_GRPC_STATUS_CODE, 0L),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) port),
            equalTo(NetworkAttributes.NETWORK_PEER_ADDRESS, "127.0.0.1"),
            equalTo(NetworkAttributes.NETWORK_PEER_PORT, (long) port),
            equalTo(NetworkAttributes.NETWORK_TYPE, "ipv4"));
    assertThat(serverSpan)
        .hasKind(SpanKind.SERVER)
        .hasParent(clientSpan)
        .hasAttributesSatisfyingExactly(
            equalTo(RPC_SYSTEM, "grpc"),
            equalTo(RPC_SERVICE, SERVICE),
            equalTo(RPC_METHOD, "Get"),
            equalTo(RPC_GRPC_STATUS_CODE, 0L),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) port),
            equalTo(NetworkAttributes.NETWORK_PEER_ADDRESS, "127.0.0.1"),
            satisfies(NetworkAttributes.NETWORK_PEER_PORT, peerPort -> peerPort.isPositive()),
            equalTo(NetworkAttributes.NETWORK_TYPE, "ipv4"));
    assertHandlerSpans("Get", serverSpan, 1);
    Assertions.assertThat(tenantsSeen.get("Get")).containsExactly("acme");
  }

  @Test
  void aServerStreamingCallKeepsItsParentAndBaggage() throws Exception {
    List<String> replies =
        withTenant(
            () ->
                Tracing.create(clientService.openTelemetry)
                    .traced(
                        "watch",
                        () -> {
                          List<String> received = new ArrayList<>();
                          Iterator<String> it =
                              ClientCalls.blockingServerStreamingCall(
                                  channel, WATCH, CallOptions.DEFAULT, "7");
                          it.forEachRemaining(received::add);
                          return received;
                        }));

    Assertions.assertThat(replies).containsExactly("7 packed", "7 shipped", "7 delivered");
    assertHop("watch", "Watch", 1);
    Assertions.assertThat(tenantsSeen.get("Watch")).containsExactly("acme");
  }

  @Test
  void aClientStreamingCallKeepsItsParentAndBaggageOnEveryMessage() throws Exception {
    String reply =
        withTenant(
            () ->
                Tracing.create(clientService.openTelemetry)
                    .traced(
                        "upload",
                        () -> {
                          CompletableFuture<String> done = new CompletableFuture<>();
                          StreamObserver<String> requests =
                              ClientCalls.asyncClientStreamingCall(
                                  channel.newCall(UPLOAD, CallOptions.DEFAULT), observer(done));
                          requests.onNext("a");
                          requests.onNext("b");
                          requests.onNext("c");
                          requests.onCompleted();
                          return done.get(10, TimeUnit.SECONDS);
                        }));

    Assertions.assertThat(reply).isEqualTo("3 lines");
    // one handler span per message received plus one for the completion
    assertHop("upload", "Upload", 4);
    Assertions.assertThat(tenantsSeen.get("Upload"))
        .containsExactly("acme", "acme", "acme", "acme");
  }

  @Test
  void aBidirectionalCallKeepsItsParentAndBaggageOnEveryMessage() throws Exception {
    List<String> replies =
        withTenant(
            () ->
                Tracing.create(clientService.openTelemetry)
                    .traced(
                        "chat",
                        () -> {
                          List<String> received = new ArrayList<>();
                          CompletableFuture<String> done = new CompletableFuture<>();
                          StreamObserver<String> requests =
                              ClientCalls.asyncBidiStreamingCall(
                                  channel.newCall(CHAT, CallOptions.DEFAULT),
                                  new StreamObserver<>() {
                                    @Override
                                    public void onNext(String value) {
                                      synchronized (received) {
                                        received.add(value);
                                      }
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                      done.completeExceptionally(t);
                                    }

                                    @Override
                                    public void onCompleted() {
                                      done.complete("done");
                                    }
                                  });
                          requests.onNext("hello");
                          requests.onNext("bye");
                          requests.onCompleted();
                          done.get(10, TimeUnit.SECONDS);
                          synchronized (received) {
                            return List.copyOf(received);
                          }
                        }));

    Assertions.assertThat(replies).containsExactly("echo hello", "echo bye");
    assertHop("chat", "Chat", 3);
    Assertions.assertThat(tenantsSeen.get("Chat")).containsExactly("acme", "acme", "acme");
  }

  @ParameterizedTest
  @CsvSource({
    // a status the client must see as a failure, but not the server's fault (semconv: the
    // server span is an error only for UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
    // UNAVAILABLE, DATA_LOSS)
    "NOT_FOUND, UNSET",
    "INTERNAL, ERROR",
  })
  void aFailedCallIsRecordedWithItsStatusCodeOnBothSides(Status.Code code, StatusCode serverStatus)
      throws Exception {
    assertThatThrownBy(
            () -> ClientCalls.blockingUnaryCall(channel, FAIL, CallOptions.DEFAULT, code.name()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith(code.name());

    SpanData clientSpan = clientService.span(SERVICE + "/Fail");
    SpanData serverSpan = serverService.awaitSpan(SERVICE + "/Fail");
    assertThat(clientSpan)
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.ERROR))
        .hasAttribute(RPC_GRPC_STATUS_CODE, (long) code.value());
    assertThat(serverSpan)
        .hasParent(clientSpan)
        .hasStatusSatisfying(status -> status.hasCode(serverStatus))
        .hasAttribute(RPC_GRPC_STATUS_CODE, (long) code.value());
  }

  @Test
  void hostileMetadataIsReadThroughTheGuardedPropagators() throws Exception {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    Metadata headers = new Metadata();
    headers.put(key("traceparent"), "00-" + traceId + "-b7ad6b7169203331-01");
    // broken percent-encodings around a valid member: OpenTelemetry's parser would log a
    // warning with a stack trace for each bad member of every call
    headers.put(key("baggage"), "user=%zz,tenant=acme,session=a%g1");
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler capture = warningsInto(warnings);
    Logger openTelemetryLogger = Logger.getLogger("io.opentelemetry");
    openTelemetryLogger.addHandler(capture);
    // a foreign client: no instrumentation, just the raw headers
    ManagedChannel raw =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
            .build();
    try {
      for (int i = 0; i < 5; i++) {
        Assertions.assertThat(ClientCalls.blockingUnaryCall(raw, GET, CallOptions.DEFAULT, "1"))
            .isEqualTo("order 1");
      }
    } finally {
      raw.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      openTelemetryLogger.removeHandler(capture);
    }

    serverService.awaitSpans(SERVICE + "/Get", 5);
    Assertions.assertThat(serverService.spans())
        .filteredOn(span -> span.getName().equals(SERVICE + "/Get"))
        .hasSize(5)
        .allSatisfy(
            span -> assertThat(span).hasTraceId(traceId).hasParentSpanId("b7ad6b7169203331"));
    Assertions.assertThat(tenantsSeen.get("Get"))
        .containsExactly("acme", "acme", "acme", "acme", "acme");
    Assertions.assertThat(warnings).isEmpty();
  }

  /**
   * The client's span for {@code method} is the child of the local span {@code parentName}; the
   * server's is the child of the client's; {@code handlerSpans} spans started in the server's
   * handler callbacks are children of the server's span.
   */
  private void assertHop(String parentName, String method, int handlerSpans)
      throws InterruptedException {
    SpanData parent = clientService.span(parentName);
    SpanData clientSpan = clientService.span(SERVICE + "/" + method);
    SpanData serverSpan = serverService.awaitSpan(SERVICE + "/" + method);
    assertThat(clientSpan).hasKind(SpanKind.CLIENT).hasParent(parent);
    assertThat(serverSpan)
        .hasKind(SpanKind.SERVER)
        .hasParent(clientSpan)
        .hasTraceId(parent.getTraceId())
        .hasStatusSatisfying(status -> status.hasCode(StatusCode.UNSET));
    assertHandlerSpans(method, serverSpan, handlerSpans);
  }

  private void assertHandlerSpans(String method, SpanData serverSpan, int count) {
    List<SpanData> handled =
        serverService.spans().stream()
            .filter(span -> span.getName().equals("handle " + method))
            .toList();
    Assertions.assertThat(handled)
        .hasSize(count)
        .allSatisfy(span -> assertThat(span).hasParent(serverSpan));
  }

  private static <T> T withTenant(ThrowingSupplier<T, Exception> call) throws Exception {
    try (Scope ignored = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
      return call.get();
    }
  }

  private ServerServiceDefinition orders() {
    Tracing tracing = Tracing.create(serverService.openTelemetry);
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            GET,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  handled(tracing, "Get");
                  responses.onNext("order " + request);
                  responses.onCompleted();
                }))
        .addMethod(
            WATCH,
            ServerCalls.asyncServerStreamingCall(
                (request, responses) -> {
                  handled(tracing, "Watch");
                  for (String step : List.of("packed", "shipped", "delivered")) {
                    responses.onNext(request + " " + step);
                  }
                  responses.onCompleted();
                }))
        .addMethod(
            UPLOAD,
            ServerCalls.asyncClientStreamingCall(
                responses ->
                    new StreamObserver<String>() {
                      private int lines;

                      @Override
                      public void onNext(String value) {
                        handled(tracing, "Upload");
                        lines++;
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        handled(tracing, "Upload");
                        responses.onNext(lines + " lines");
                        responses.onCompleted();
                      }
                    }))
        .addMethod(
            CHAT,
            ServerCalls.asyncBidiStreamingCall(
                responses ->
                    new StreamObserver<String>() {
                      @Override
                      public void onNext(String value) {
                        handled(tracing, "Chat");
                        responses.onNext("echo " + value);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        handled(tracing, "Chat");
                        responses.onCompleted();
                      }
                    }))
        .addMethod(
            FAIL,
            ServerCalls.asyncUnaryCall(
                (request, responses) ->
                    responses.onError(
                        Status.fromCode(Status.Code.valueOf(request))
                            .withDescription("failed on purpose")
                            .asRuntimeException())))
        .build();
  }

  /**
   * Records what a handler callback sees: a span of its own (parented by whatever is current) and
   * the baggage.
   */
  private void handled(Tracing tracing, String method) {
    tracing.traced("handle " + method, () -> Span.current());
    tenantsSeen
        .computeIfAbsent(method, m -> Collections.synchronizedList(new ArrayList<>()))
        .add(String.valueOf(Baggage.current().getEntryValue("tenant")));
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  private static Handler warningsInto(List<LogRecord> warnings) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  private static StreamObserver<String> observer(CompletableFuture<String> done) {
    return new StreamObserver<>() {
      private String last;

      @Override
      public void onNext(String value) {
        last = value;
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(last);
      }
    };
  }

  private static MethodDescriptor<String, String> method(String name, MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(TextMarshaller.INSTANCE)
        .setResponseMarshaller(TextMarshaller.INSTANCE)
        .build();
  }

  /** UTF-8 text messages: a real gRPC wire format without protobuf code generation. */
  private enum TextMarshaller implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
