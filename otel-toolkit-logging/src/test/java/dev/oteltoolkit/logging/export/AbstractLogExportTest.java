package dev.oteltoolkit.logging.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.logging.LogExport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Log export through {@code Telemetry.setup()...build()} with {@code otel-toolkit-logging} on the
 * class path: what every backend must export. One subclass per backend, each in its own JVM.
 */
abstract class AbstractLogExportTest {

  static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");
  static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant");

  final Logger log = LoggerFactory.getLogger("checkout.OrderService");
  private final CollectingLogExporter exporter = new CollectingLogExporter();
  Telemetry telemetry;

  /** How many OpenTelemetry appenders the backend's root logger holds. */
  abstract int otelAppendersOnRoot();

  /** The attributes every record of the current thread carries in this backend. */
  abstract Attributes threadAttributes();

  /** The attributes a SLF4J 2 key-value pair {@code ("order.id", 42)} becomes in this backend. */
  abstract Attributes keyValueAttributes();

  @BeforeEach
  void startClean() {
    MDC.clear();
  }

  @AfterEach
  void close() {
    if (telemetry != null) {
      telemetry.close();
    }
    MDC.clear();
  }

  TelemetryBuilder setup(Map<String, String> settings) {
    Map<String, String> properties = new HashMap<>(settings);
    properties.putIfAbsent("OTEL_TRACES_EXPORTER", "none");
    properties.putIfAbsent("OTEL_METRICS_EXPORTER", "none");
    properties.putIfAbsent("OTEL_LOGS_EXPORTER", "none");
    return Telemetry.setup()
        .serviceName("log-export-test")
        .configProperties(properties)
        .addLogRecordExporter(exporter);
  }

  List<LogRecordData> flushed() {
    assertThat(telemetry.forceFlush()).isTrue();
    return exporter.records();
  }

  @Test
  void aLineInASpanIsExportedWithItsTraceSeverityThreadAndException() {
    telemetry = setup(Map.of()).build();
    MDC.put("tenant", "acme");
    IllegalStateException failure = new IllegalStateException("stock is gone");
    SpanContext[] inside = new SpanContext[1];
    telemetry
        .tracing()
        .traced(
            "place order",
            () -> {
              inside[0] = Span.current().getSpanContext();
              log.warn("order {} failed", 42, failure);
            });

    List<LogRecordData> records = flushed();
    assertThat(records).hasSize(1);
    LogRecordData record = records.get(0);
    assertThat(record.getSpanContext()).isEqualTo(inside[0]);
    assertThat(record.getSpanContext().isValid()).isTrue();
    assertThat(record.getSeverity()).isEqualTo(Severity.WARN);
    assertThat(record.getSeverityText()).isEqualTo("WARN");
    assertThat(record.getBodyValue().asString()).isEqualTo("order 42 failed");
    assertThat(record.getInstrumentationScopeInfo().getName()).isEqualTo("checkout.OrderService");
    Attributes attributes = record.getAttributes();
    assertThat(attributes.get(EXCEPTION_STACKTRACE))
        .startsWith("java.lang.IllegalStateException: stock is gone")
        .contains("aLineInASpanIsExportedWithItsTraceSeverityThreadAndException");
    // exactly these: the MDC bridge's trace_id / span_id / trace_flags are not copied
    assertThat(attributes.toBuilder().remove(EXCEPTION_STACKTRACE).build())
        .isEqualTo(
            Attributes.builder()
                .putAll(threadAttributes())
                .put(EXCEPTION_TYPE, "java.lang.IllegalStateException")
                .put(EXCEPTION_MESSAGE, "stock is gone")
                .put(TENANT, "acme")
                .build());
  }

  @Test
  void aLineOutsideAnySpanHasNoTraceAndKeyValuePairsBecomeAttributes() {
    telemetry = setup(Map.of()).build();
    log.atInfo().addKeyValue("order.id", 42).log("placed");

    List<LogRecordData> records = flushed();
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getSpanContext().isValid()).isFalse();
    assertThat(records.get(0).getSeverity()).isEqualTo(Severity.INFO);
    assertThat(
            records.get(0).getAttributes().toBuilder()
                .remove(THREAD_NAME)
                .remove(THREAD_ID)
                .build())
        .isEqualTo(keyValueAttributes());
  }

  @Test
  void theSdksAndTheToolkitsOwnLinesAreNeverExported() throws InterruptedException {
    telemetry = setup(Map.of()).build();
    LoggerFactory.getLogger("io.opentelemetry.exporter.internal.grpc.GrpcExporter")
        .warn("Failed to export logs. Server responded with UNAVAILABLE");
    LoggerFactory.getLogger("dev.oteltoolkit.core.Telemetry").warn("otel-toolkit: export failed");
    Thread worker =
        new Thread(
            () -> LoggerFactory.getLogger("okhttp3.OkHttpClient").warn("from an export thread"),
            "BatchLogRecordProcessor_WorkerThread-7");
    worker.start();
    worker.join();
    LoggerFactory.getLogger("dev.oteltoolkit.corefake.Service").info("an application's line");

    List<LogRecordData> records = flushed();
    assertThat(records)
        .extracting(r -> r.getBodyValue().asString())
        .containsExactly("an application's line");
  }

  @Test
  void closeDetachesTheAppender() {
    int before = otelAppendersOnRoot();
    telemetry = setup(Map.of()).build();
    assertThat(otelAppendersOnRoot()).isEqualTo(before + 1);
    telemetry.close();
    assertThat(otelAppendersOnRoot()).isEqualTo(before);
    log.info("after close");
    assertThat(exporter.records()).isEmpty();
  }

  @Test
  void exportLogsFalseAttachesNothing() {
    int before = otelAppendersOnRoot();
    telemetry = setup(Map.of()).exportLogs(false).build();
    assertThat(otelAppendersOnRoot()).isEqualTo(before);
    log.info("not exported");
    assertThat(flushed()).isEmpty();
  }

  @Test
  void logsExporterNoneWithNoAddedExporterAttachesNothing() {
    int before = otelAppendersOnRoot();
    telemetry =
        Telemetry.setup()
            .configProperties(
                Map.of(
                    "OTEL_TRACES_EXPORTER", "none",
                    "OTEL_METRICS_EXPORTER", "none",
                    "OTEL_LOGS_EXPORTER", "none"))
            .build();
    assertThat(otelAppendersOnRoot()).isEqualTo(before);
  }

  @Test
  void mdcKeysAreConfigurable() {
    telemetry = setup(Map.of("oteltoolkit.logs.mdc", "tenant, user.*")).build();
    MDC.put("tenant", "acme");
    MDC.put("user.tier", "gold");
    MDC.put("session", "s-1");
    log.info("chosen keys");

    List<LogRecordData> records = flushed();
    assertThat(records).hasSize(1);
    assertThat(
            records.get(0).getAttributes().toBuilder()
                .remove(THREAD_NAME)
                .remove(THREAD_ID)
                .build())
        .isEqualTo(
            Attributes.builder()
                .put(TENANT, "acme")
                .put(AttributeKey.stringKey("user.tier"), "gold")
                .build());
  }

  @Test
  void mdcNoneExportsNoMdcEntry() {
    telemetry = setup(Map.of("OTELTOOLKIT_LOGS_MDC", "none")).build();
    MDC.put("tenant", "acme");
    log.info("no mdc");

    List<LogRecordData> records = flushed();
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getAttributes().get(TENANT)).isNull();
  }

  @Test
  void worksWithAPlainSdkBuiltByHand() {
    CollectingLogExporter handExporter = new CollectingLogExporter();
    SdkLoggerProvider loggerProvider =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(handExporter))
            .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setLoggerProvider(loggerProvider).build();
    try (LogExport export = LogExport.attach(sdk)) {
      assertThat(export.isAttached()).isTrue();
      log.error("through a hand-built SDK");
    }
    log.error("after close");
    sdk.close();
    assertThat(handExporter.records())
        .extracting(r -> r.getBodyValue().asString())
        .containsExactly("through a hand-built SDK");
  }
}
