package dev.oteltoolkit.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loop guard's decision for logger and thread names at and around each excluded root. */
class ExportedLoggersTest {

  @ParameterizedTest(name = "logger {0}: exported {1}")
  @CsvSource({
    // the SDK, its exporters and the instrumentation libraries
    "io.opentelemetry, false",
    "io.opentelemetry.exporter.internal.grpc.GrpcExporter, false",
    "io.opentelemetryx.Other, true",
    "io.opentelemetr, true",
    // the toolkit's library packages, each a whole package name
    "dev.oteltoolkit.core, false",
    "dev.oteltoolkit.core.Telemetry, false",
    "dev.oteltoolkit.api.Tracing, false",
    "dev.oteltoolkit.logging.internal.LogbackLogExport, false",
    "dev.oteltoolkit.jdbc.JdbcTelemetry, false",
    "dev.oteltoolkit.messaging.MessagingTelemetry, false",
    "dev.oteltoolkit.ai, false",
    "dev.oteltoolkit.ai.openai.OpenAiTelemetry, false",
    "dev.oteltoolkit.testing.TelemetryExtension, false",
    // the toolkit's examples and benchmarks are applications: exported
    "dev.oteltoolkit.examples.realtime.SupportChannel, true",
    "dev.oteltoolkit.benchmarks.logs.toolkit, true",
    "dev.oteltoolkit.aiassistant.Bot, true",
    "dev.oteltoolkit.corely, true",
    "dev.oteltoolkit, true",
    "dev.oteltoolkit., true",
    // the application's own
    "com.acme.orders.OrderService, true",
    "ROOT, true",
    "'', true",
  })
  void loggerNames(String logger, boolean exported) {
    assertThat(ExportedLoggers.isExported(logger, "main")).isEqualTo(exported);
  }

  @ParameterizedTest(name = "thread {0}: exported {1}")
  @CsvSource({
    "BatchLogRecordProcessor_WorkerThread-1, false",
    "BatchSpanProcessor_WorkerThread-2, false",
    "PeriodicMetricReader-1, false",
    "main, true",
    "pool-1-thread-1, true",
    "'', true",
  })
  void threadNames(String thread, boolean exported) {
    assertThat(ExportedLoggers.isExported("com.acme.orders.OrderService", thread))
        .isEqualTo(exported);
  }

  @Test
  void unknownNamesAreExported() {
    assertThat(ExportedLoggers.isExported(null, null)).isTrue();
  }
}
