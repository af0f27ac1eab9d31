package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.ENVIRONMENT;
import static dev.oteltoolkit.tests.TestTelemetry.SERVICE_NAME;
import static dev.oteltoolkit.tests.TestTelemetry.SERVICE_VERSION;
import static dev.oteltoolkit.tests.TestTelemetry.WAIT;
import static dev.oteltoolkit.tests.TestTelemetry.exportingTo;
import static dev.oteltoolkit.tests.TestTelemetry.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedLog;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Signal;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the toolkit sends over OTLP, decoded from the bytes a collector receives. */
@Timeout(60)
class OtlpExportTest {

  private static final String DURATION = "oteltoolkit.operation.duration";
  private static final String OPERATION_NAME = "oteltoolkit.operation.name";
  private static final String SCOPE = "dev.oteltoolkit.core";

  private OtlpReceiver receiver;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void nestedCallsArriveAsOneTrace(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    IllegalStateException declined = new IllegalStateException("card declined");
    try (Telemetry telemetry = exportingTo(receiver).header("authorization", "Bearer t").build()) {
      Tracing tracing = telemetry.tracing();

      String result =
          tracing.traced(
              "checkout",
              () -> {
                tracing.traced("load-cart", () -> {});
                assertThatThrownBy(() -> tracing.traced("charge", () -> throwing(declined)))
                    .isSameAs(declined);
                return "done";
              });

      assertThat(result).isEqualTo("done");
      assertThat(telemetry.forceFlush()).isTrue();
    }

    List<ReceivedSpan> spans = receiver.awaitSpans(s -> s.size() >= 3, WAIT);
    assertThat(spans)
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder("checkout", "load-cart", "charge");
    ReceivedSpan root = only(spans, "checkout");
    ReceivedSpan cart = only(spans, "load-cart");
    ReceivedSpan charge = only(spans, "charge");

    assertThat(root.parentSpanId()).as("root has no parent").isEmpty();
    assertThat(List.of(cart, charge))
        .allSatisfy(
            child -> {
              assertThat(child.traceId()).isEqualTo(root.traceId());
              assertThat(child.parentSpanId()).isEqualTo(root.spanId());
            });
    assertThat(spans).extracting(ReceivedSpan::spanId).doesNotHaveDuplicates();

    assertThat(spans)
        .allSatisfy(
            span -> {
              assertThat(span.span().getKind()).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
              assertThat(span.scope().getName()).isEqualTo(SCOPE);
              assertThat(span.scope().getVersion()).as("toolkit version").isNotEmpty();
              assertThat(span.resourceAttributes())
                  .containsEntry("service.name", SERVICE_NAME)
                  .containsEntry("service.version", SERVICE_VERSION)
                  .containsEntry("deployment.environment.name", ENVIRONMENT);
            });

    // The failure was caught inside checkout: only the failing child is an error.
    assertThat(root.span().getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);
    assertThat(root.attributes()).isEmpty();
    assertThat(cart.span().getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);
    assertThat(cart.attributes()).isEmpty();
    assertThat(charge.span().getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_ERROR);
    assertThat(charge.attributes())
        .containsExactlyEntriesOf(Map.of("error.type", IllegalStateException.class.getName()));
    assertThat(charge.span().getEventsList())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getName()).isEqualTo("exception");
              assertThat(OtlpReceiver.attributes(event.getAttributesList()))
                  .containsEntry("exception.type", IllegalStateException.class.getName())
                  .containsEntry("exception.message", "card declined")
                  .containsKey("exception.stacktrace");
            });

    assertThat(receiver.headers(Signal.TRACES))
        .isNotEmpty()
        .allSatisfy(headers -> assertThat(headers).containsEntry("authorization", "Bearer t"));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void headersFromTheEnvironmentMergeWithBuilderHeaders(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    Map<String, String> environment =
        Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer env,x-tenant=acme");
    try (Telemetry telemetry =
        exportingTo(receiver.endpoint(), transport, environment)
            .header("authorization", "Bearer t")
            .header("x-builder", "b")
            .build()) {
      telemetry.tracing().traced("with-headers", () -> {});
      assertThat(telemetry.forceFlush()).isTrue();
    }

    receiver.awaitSpans(s -> !s.isEmpty(), WAIT);
    receiver.awaitMetrics(m -> !m.isEmpty(), WAIT);
    for (Signal signal : List.of(Signal.TRACES, Signal.METRICS)) {
      assertThat(receiver.headers(signal))
          .as("%s headers", signal)
          .isNotEmpty()
          .allSatisfy(
              headers ->
                  assertThat(headers)
                      // The variable wins the key it names; the builder keeps the keys it alone
                      // sets.
                      .containsEntry("authorization", "Bearer env")
                      .containsEntry("x-tenant", "acme")
                      .containsEntry("x-builder", "b"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void operationDurationCountsEveryCallByName(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      Tracing tracing = telemetry.tracing();
      for (int i = 0; i < 3; i++) {
        tracing.traced("list-items", () -> {});
      }
      for (int i = 0; i < 5; i++) {
        tracing.traced("get-item", () -> {});
      }
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(
                () -> tracing.traced("get-item", () -> throwing(new IllegalArgumentException())))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(telemetry.forceFlush()).isTrue();
    }

    List<ExportMetricsServiceRequest> requests =
        receiver.awaitMetrics(
            m -> OtlpReceiver.histogramCount(m, DURATION, OPERATION_NAME, "get-item") >= 7, WAIT);
    assertThat(OtlpReceiver.histogramCount(requests, DURATION, OPERATION_NAME, "list-items"))
        .isEqualTo(3);
    assertThat(OtlpReceiver.histogramCount(requests, DURATION, OPERATION_NAME, "get-item"))
        .isEqualTo(7);

    List<Metric> durations =
        requests.stream()
            .flatMap(r -> r.getResourceMetricsList().stream())
            .flatMap(rm -> rm.getScopeMetricsList().stream())
            .filter(sm -> sm.getScope().getName().equals(SCOPE))
            .map(ScopeMetrics::getMetricsList)
            .flatMap(List::stream)
            .filter(m -> m.getName().equals(DURATION))
            .toList();
    assertThat(durations)
        .isNotEmpty()
        .allSatisfy(
            metric -> {
              assertThat(metric.getUnit()).isEqualTo("s");
              assertThat(metric.hasHistogram()).isTrue();
            });
    // Each stream carries exactly the operation name, plus error.type on failures.
    Set<Map<String, Object>> streams =
        durations.stream()
            .flatMap(m -> m.getHistogram().getDataPointsList().stream())
            .map(HistogramDataPoint::getAttributesList)
            .map(OtlpReceiver::attributes)
            .collect(Collectors.toSet());
    assertThat(streams)
        .containsExactlyInAnyOrder(
            Map.of(OPERATION_NAME, "list-items"),
            Map.of(OPERATION_NAME, "get-item"),
            Map.of(
                OPERATION_NAME,
                "get-item",
                "error.type",
                IllegalArgumentException.class.getName()));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void gzipCompressedExportsArrive(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    try (Telemetry telemetry = exportingTo(receiver).compression("gzip").build()) {
      telemetry.tracing().traced("compressed", () -> {});
      assertThat(telemetry.forceFlush()).isTrue();
    }

    assertThat(receiver.awaitSpans(s -> !s.isEmpty(), WAIT))
        .extracting(ReceivedSpan::name)
        .containsExactly("compressed");
    String encodingHeader = transport == Transport.GRPC ? "grpc-encoding" : "content-encoding";
    assertThat(receiver.headers(Signal.TRACES))
        .allSatisfy(headers -> assertThat(headers).containsEntry(encodingHeader, "gzip"));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void logRecordsCarryTheSpanContext(Transport transport) {
    receiver = OtlpReceiver.start(transport);
    String[] ids = new String[2];
    try (Telemetry telemetry = exportingTo(receiver).build()) {
      telemetry
          .tracing()
          .traced(
              "pay",
              () -> {
                ids[0] = Span.current().getSpanContext().getTraceId();
                ids[1] = Span.current().getSpanContext().getSpanId();
                telemetry
                    .openTelemetry()
                    .getLogsBridge()
                    .get("e2e")
                    .logRecordBuilder()
                    .setSeverity(Severity.INFO)
                    .setBody("payment accepted")
                    .emit();
              });
      assertThat(telemetry.forceFlush()).isTrue();
    }

    List<ReceivedLog> logs = receiver.awaitLogs(l -> !l.isEmpty(), WAIT);
    assertThat(logs)
        .singleElement()
        .satisfies(
            log -> {
              assertThat(log.log().getBody().getStringValue()).isEqualTo("payment accepted");
              assertThat(log.traceId()).isEqualTo(ids[0]);
              assertThat(log.spanId()).isEqualTo(ids[1]);
              assertThat(log.resourceAttributes()).containsEntry("service.name", SERVICE_NAME);
            });
  }

  /** A body that fails: throws {@code e}, the very instance the caller must get back. */
  private static <T extends RuntimeException> Object throwing(T e) {
    throw e;
  }
}
