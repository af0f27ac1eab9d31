package dev.oteltoolkit.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Config;
import dev.oteltoolkit.benchmarks.pipeline.ExportPipeline.Kind;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The export ceiling's receiver counts spans without decoding them; "0 dropped" is only as true as
 * that count. Checked against requests built with the official protobuf classes and against what
 * the real OTLP exporters send.
 */
class DiscardingReceiverTest {

  @Test
  void countsEverySpanOfASerializedRequestWithoutDecodingIt() {
    Random random = new Random(20); // seeded: the same request every run
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    long expected = 0;
    for (int r = 0; r < 3; r++) {
      ResourceSpans.Builder resource =
          ResourceSpans.newBuilder()
              .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "s" + r)))
              .setSchemaUrl("https://opentelemetry.io/schemas/1.37.0");
      for (int s = 0; s < 1 + r; s++) {
        ScopeSpans.Builder scope =
            ScopeSpans.newBuilder()
                .setScope(
                    InstrumentationScope.newBuilder().setName("scope-" + s).setVersion("1.0"));
        int spans = random.nextInt(300);
        for (int i = 0; i < spans; i++) {
          byte[] traceId = new byte[16];
          random.nextBytes(traceId);
          scope.addSpans(
              Span.newBuilder()
                  .setTraceId(ByteString.copyFrom(traceId))
                  .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i}))
                  .setName("span " + i)
                  .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                  .setStartTimeUnixNano(random.nextLong())
                  .setEndTimeUnixNano(random.nextLong())
                  .addAttributes(attribute("http.route", "/orders/" + random.nextInt(1000)))
                  .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(7))
                  .setFlags(0x301));
        }
        expected += spans;
        resource.addScopeSpans(scope);
      }
      request.addResourceSpans(resource);
    }
    byte[] bytes = request.build().toByteArray();

    assertThat(DiscardingReceiver.countSpans(bytes, bytes.length)).isEqualTo(expected);
    assertThat(DiscardingReceiver.countSpans(new byte[0], 0)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void countsWhatTheRealExportersSend(Transport transport) throws Exception {
    DiscardingReceiver receiver = new DiscardingReceiver();
    try (AutoCloseable server = receiver.start(transport.protocol())) {
      for (Kind kind : Kind.values()) {
        long before = receiver.spans();
        // a queue larger than the burst: nothing may be dropped, so every span must be counted
        ExportPipeline pipeline =
            ExportPipeline.create(
                kind, new Config("test", 8192, 512, 50L), transport, receiver.endpoint(), "test");
        for (int i = 0; i < 5000; i++) {
          pipeline.span();
        }
        assertThat(pipeline.close()).as("%s %s exported everything", kind, transport).isTrue();
        assertThat(receiver.spans() - before).as("%s %s", kind, transport).isEqualTo(5000);
      }
    }
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
