package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.instrumentation.FailureRecorder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What core gives modules for log export: the {@code TelemetryAttachment} services called for each
 * built telemetry and detached on close, whether logs go anywhere, and log records whose exception
 * messages are redacted as spans' are.
 */
class LogExportHooksTest {

  private static final Map<String, String> NOTHING_NAMED =
      Map.of(
          "OTEL_TRACES_EXPORTER", "none",
          "OTEL_METRICS_EXPORTER", "none",
          "OTEL_LOGS_EXPORTER", "none");

  @BeforeEach
  void record() {
    RecordingAttachment.reset(true);
  }

  @AfterEach
  void stopRecording() {
    RecordingAttachment.reset(false);
  }

  @Test
  void attachmentsAreCalledAtBuildAndDetachedAtClose() {
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    Telemetry telemetry =
        Telemetry.setup()
            .configProperties(
                Map.of(
                    "OTEL_TRACES_EXPORTER", "none",
                    "OTEL_METRICS_EXPORTER", "none",
                    "OTEL_LOGS_EXPORTER", "none",
                    "oteltoolkit.test.x", "42"))
            .addLogRecordExporter(logs)
            .build();
    assertThat(RecordingAttachment.attached)
        .containsExactly(new RecordingAttachment.Attached(telemetry.openTelemetry(), true, "42"));
    assertThat(RecordingAttachment.detached).isEmpty();

    telemetry.close();
    telemetry.close();
    assertThat(RecordingAttachment.detached).containsExactly(telemetry.openTelemetry());
  }

  @Test
  void logsGoNowhereWithLogsExporterNoneAndNoAddedExporter() {
    try (Telemetry telemetry = Telemetry.setup().configProperties(NOTHING_NAMED).build()) {
      assertThat(RecordingAttachment.attached)
          .singleElement()
          .satisfies(attached -> assertThat(attached.exportsLogs()).isFalse());
    }
  }

  @Test
  void exportLogsFalseWinsOverAnAddedExporter() {
    try (Telemetry telemetry =
        Telemetry.setup()
            .configProperties(NOTHING_NAMED)
            .addLogRecordExporter(InMemoryLogRecordExporter.create())
            .exportLogs(false)
            .build()) {
      assertThat(RecordingAttachment.attached)
          .singleElement()
          .satisfies(attached -> assertThat(attached.exportsLogs()).isFalse());
    }
  }

  @Test
  void otlpLogsCountAsADestination() {
    try (Telemetry telemetry =
        Telemetry.setup()
            .endpoint("http://127.0.0.1:1")
            .configProperties(
                Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none"))
            .build()) {
      assertThat(RecordingAttachment.attached)
          .singleElement()
          .satisfies(attached -> assertThat(attached.exportsLogs()).isTrue());
      telemetry.shutdown(java.time.Duration.ofSeconds(2));
    }
  }

  @Test
  void aFailingAttachmentLeavesTheTelemetryWorking() {
    RecordingAttachment.failing = true;
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    try (Telemetry telemetry =
        Telemetry.setup().configProperties(NOTHING_NAMED).addLogRecordExporter(logs).build()) {
      assertThat(telemetry.isEnabled()).isTrue();
      telemetry.openTelemetry().getLogsBridge().get("app").logRecordBuilder().setBody("x").emit();
      assertThat(telemetry.forceFlush()).isTrue();
      assertThat(logs.getFinishedLogRecordItems()).hasSize(1);
    }
  }

  /** A failure type whose messages quote a secret; its redactor is registered once per JVM. */
  static final class QuotingException extends RuntimeException {
    QuotingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Test
  void exceptionMessagesOfRegisteredTypesAreRedactedInLogRecords() {
    FailureRecorder.registerRedactor(
        QuotingException.class, message -> message.replace("hunter2", "?"));
    InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
    try (Telemetry telemetry =
        Telemetry.setup().configProperties(NOTHING_NAMED).addLogRecordExporter(logs).build()) {
      RuntimeException failure =
          new RuntimeException(
              "lookup failed for hunter2",
              new QuotingException("WHERE password = 'hunter2'", null));
      telemetry
          .openTelemetry()
          .getLogsBridge()
          .get("app")
          .logRecordBuilder()
          .setBody("failed")
          .setException(failure)
          .emit();
      telemetry
          .openTelemetry()
          .getLogsBridge()
          .get("app")
          .logRecordBuilder()
          .setBody("plain")
          .setException(new IllegalStateException("hunter2 is fine here"))
          .emit();
      assertThat(telemetry.forceFlush()).isTrue();

      LogRecordData redacted = logs.getFinishedLogRecordItems().get(0);
      assertThat(redacted.getAttributes().get(AttributeKey.stringKey("exception.type")))
          .isEqualTo("java.lang.RuntimeException");
      assertThat(redacted.getAttributes().get(AttributeKey.stringKey("exception.message")))
          .isEqualTo("lookup failed for ?");
      assertThat(redacted.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
          .contains("Caused by: " + QuotingException.class.getName() + ": WHERE password = '?'")
          .contains("\tat ")
          .doesNotContain("hunter2");
      // a failure without a registered type keeps the SDK's attributes, message as it is
      LogRecordData plain = logs.getFinishedLogRecordItems().get(1);
      assertThat(plain.getAttributes().get(AttributeKey.stringKey("exception.message")))
          .isEqualTo("hunter2 is fine here");
    }
  }
}
