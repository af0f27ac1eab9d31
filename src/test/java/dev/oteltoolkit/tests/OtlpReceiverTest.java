package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Signal;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks the test receiver itself against the plain SDK's OTLP exporters, without the toolkit, so a
 * failure in the end-to-end tests points at the toolkit and not at the receiver.
 */
@Timeout(60)
class OtlpReceiverTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private OtlpReceiver receiver;
  private OpenTelemetrySdk sdk;

  @AfterEach
  void tearDown() {
    if (sdk != null) {
      sdk.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void decodesGzippedSpansAndHeaders(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    sdk = sdk(exporter(transport, receiver.endpoint(), "gzip"));

    sdk.getTracer("receiver-test")
        .spanBuilder("hello")
        .setAttribute("answer", 42L)
        .startSpan()
        .end();

    List<ReceivedSpan> spans = receiver.awaitSpans(s -> !s.isEmpty(), WAIT);
    assertThat(spans)
        .singleElement()
        .satisfies(
            span -> {
              assertThat(span.name()).isEqualTo("hello");
              assertThat(span.attributes())
                  .containsExactlyEntriesOf(java.util.Map.of("answer", 42L));
              assertThat(span.resourceAttributes()).containsEntry("service.name", "receiver-test");
              assertThat(span.scope().getName()).isEqualTo("receiver-test");
              assertThat(span.traceId()).hasSize(32);
              assertThat(span.parentSpanId()).isEmpty();
            });
    assertThat(receiver.headers(Signal.TRACES))
        .singleElement()
        .satisfies(
            headers -> {
              assertThat(headers).containsEntry("x-test", "yes");
              assertThat(headers)
                  .containsEntry(
                      transport == Transport.GRPC ? "grpc-encoding" : "content-encoding", "gzip");
            });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void injectedFailuresAreRetriedByTheExporter(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    receiver.failNext(Signal.TRACES, 1);
    sdk = sdk(exporter(transport, receiver.endpoint(), "none"));

    sdk.getTracer("receiver-test").spanBuilder("retried").startSpan().end();

    assertThat(sdk.getSdkTracerProvider().forceFlush().join(15, TimeUnit.SECONDS).isSuccess())
        .isTrue();
    assertThat(receiver.failedRequests(Signal.TRACES)).isEqualTo(1);
    assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("retried");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void restartsOnTheSamePort(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    int port = receiver.port();
    sdk = sdk(exporter(transport, receiver.endpoint(), "none"));
    sdk.getTracer("receiver-test").spanBuilder("before").startSpan().end();
    receiver.awaitSpans(s -> s.size() == 1, WAIT);

    receiver.stop();
    receiver.restart();
    sdk.getTracer("receiver-test").spanBuilder("after").startSpan().end();

    assertThat(receiver.port()).isEqualTo(port);
    assertThat(receiver.awaitSpans(s -> s.size() == 2, WAIT))
        .extracting(ReceivedSpan::name)
        .containsExactly("before", "after");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void countsRequestsItCannotDecode(Transport transport) throws Exception {
    receiver = OtlpReceiver.start(transport);
    // Field 1 (resource_spans) as a string holding invalid UTF-8 where a message is expected.
    byte[] garbage = {0x0a, 0x03, (byte) 0xff, (byte) 0xfe, (byte) 0xfd};
    if (transport == Transport.GRPC) {
      ManagedChannel channel =
          NettyChannelBuilder.forTarget("127.0.0.1:" + receiver.port()).usePlaintext().build();
      try {
        MethodDescriptor<byte[], byte[]> export =
            MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(TraceServiceGrpc.getExportMethod().getFullMethodName())
                .setRequestMarshaller(RawBytes.INSTANCE)
                .setResponseMarshaller(RawBytes.INSTANCE)
                .build();
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnaryCall(
                        channel,
                        export,
                        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                        garbage))
            .isInstanceOf(StatusRuntimeException.class);
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    } else {
      HttpResponse<Void> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(receiver.endpoint() + "/v1/traces"))
                      .header("Content-Type", "application/x-protobuf")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(garbage))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).isEqualTo(400);
    }
    receiver.awaitUndecodableRequests(1, Duration.ofSeconds(10));
    assertThat(receiver.undecodableRequests()).isEqualTo(1);
    assertThat(receiver.spans()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void discardingModeHandsOverDecodedSpansAndKeepsNothing(Transport transport) {
    List<String> names = new CopyOnWriteArrayList<>();
    receiver =
        OtlpReceiver.discarding(
            transport,
            request ->
                request
                    .getResourceSpansList()
                    .forEach(
                        resourceSpans ->
                            resourceSpans
                                .getScopeSpansList()
                                .forEach(
                                    scopeSpans ->
                                        scopeSpans
                                            .getSpansList()
                                            .forEach(span -> names.add(span.getName())))));
    sdk = sdk(exporter(transport, receiver.endpoint(), "gzip"));

    sdk.getTracer("receiver-test").spanBuilder("first").startSpan().end();
    sdk.getTracer("receiver-test").spanBuilder("second").startSpan().end();

    // SimpleSpanProcessor: each export completed (and was answered) before forceFlush returns
    assertThat(sdk.getSdkTracerProvider().forceFlush().join(15, TimeUnit.SECONDS).isSuccess())
        .isTrue();
    assertThat(names).containsExactlyInAnyOrder("first", "second");
    assertThat(receiver.spans()).isEmpty();
    assertThat(receiver.headers(Signal.TRACES)).isEmpty();
  }

  private static SpanExporter exporter(Transport transport, String endpoint, String compression) {
    if (transport == Transport.GRPC) {
      return OtlpGrpcSpanExporter.builder()
          .setEndpoint(endpoint)
          .setCompression(compression)
          .addHeader("x-test", "yes")
          .build();
    }
    return OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint + "/v1/traces")
        .setCompression(compression)
        .addHeader("x-test", "yes")
        .build();
  }

  private static OpenTelemetrySdk sdk(SpanExporter exporter) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setResource(
                    Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), "receiver-test")))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build())
        .build();
  }

  /** A gRPC marshaller that sends and receives bytes as they are. */
  private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
