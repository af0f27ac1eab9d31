package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console tree view prints the log records emitted through the SDK under their spans. */
class ConsoleLogsTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @Test
  void printsLogRecordsUnderTheSpanCurrentWhenTheyWereEmitted() {
    Span root;
    try (Telemetry telemetry = consoleTelemetry(Map.of())) {
      Logger logger = telemetry.openTelemetry().getLogsBridge().get("orders");
      info(logger, "starting");
      root =
          telemetry
              .tracing()
              .traced(
                  "POST /orders",
                  () -> {
                    info(logger, "order received");
                    telemetry
                        .tracing()
                        .traced(
                            "charge",
                            () ->
                                logger
                                    .logRecordBuilder()
                                    .setSeverity(Severity.WARN)
                                    .setSeverityText("WARN")
                                    .setBody("card retry")
                                    .emit());
                    return Span.current();
                  });
      assertThat(telemetry.forceFlush()).isTrue();
      info(logger, "no span");
      // A record of a span whose tree was printed already (a handler logging after it ended).
      logger
          .logRecordBuilder()
          .setContext(Context.root().with(root))
          .setSeverity(Severity.INFO)
          .setSeverityText("INFO")
          .setBody("after the tree")
          .emit();
    }

    assertThat(output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms"))
        .isEqualTo(
            "log  INFO  starting\n"
                + "trace "
                + root.getSpanContext().getTraceId()
                + """
                  service=console-logs
                POST /orders  <d> ms
                │  · +<d> ms  INFO  order received
                └─ charge  <d> ms
                      · +<d> ms  WARN  card retry
                log  INFO  no span
                log  INFO  after the tree  (after its span "POST /orders" was printed)
                """);
  }

  @Test
  void printsLogRecordsUnderTheirSpanWithAConfigurationFileToo(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("otel.yaml");
    Files.writeString(file, "file_format: \"1.0\"\n", StandardCharsets.UTF_8);
    try (Telemetry telemetry = consoleTelemetry(Map.of("otel.config.file", file.toString()))) {
      Logger logger = telemetry.openTelemetry().getLogsBridge().get("orders");
      telemetry.tracing().traced("POST /orders", () -> info(logger, "order received"));
      assertThat(telemetry.forceFlush()).isTrue();
    }
    assertThat(output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms"))
        .endsWith(
            """
            POST /orders  <d> ms
               · +<d> ms  INFO  order received
            """);
  }

  @Test
  void printsLogRecordsUnderTheirSpanWithTheConsoleNamedInTheVariable() {
    PrintStream original = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try (Telemetry telemetry =
        Telemetry.setup()
            .otlp(false)
            .serviceName("console-logs")
            .console(new PrintStream(OutputStream.nullOutputStream()))
            .configProperties(Map.of("OTEL_TRACES_EXPORTER", "console"))
            .build()) {
      Logger logger = telemetry.openTelemetry().getLogsBridge().get("orders");
      telemetry.tracing().traced("POST /orders", () -> info(logger, "order received"));
      assertThat(telemetry.forceFlush()).isTrue();
    } finally {
      System.setOut(original);
    }
    // the variable replaces console() in code: one tree view, each span printed once
    assertThat(output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms"))
        .endsWith(
            """
              service=console-logs
            POST /orders  <d> ms
               · +<d> ms  INFO  order received
            """)
        .containsOnlyOnce("POST /orders");
  }

  @Test
  void recordsOfATreeKeptByTailKeepingWaitForItsUnsampledSpans() {
    try (Telemetry telemetry =
        Telemetry.setup()
            .otlp(false)
            .serviceName("console-logs")
            .samplingRatio(0.0)
            .keepErrors(true)
            .console(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .configProperties(Map.of())
            .build()) {
      Logger logger = telemetry.openTelemetry().getLogsBridge().get("orders");
      assertThatThrownBy(
              () ->
                  telemetry
                      .tracing()
                      .traced(
                          "POST /orders",
                          () -> {
                            info(logger, "charging");
                            throw new IllegalStateException("declined");
                          }))
          .hasMessage("declined");
      telemetry.tracing().traced("GET /health", () -> info(logger, "healthy"));
      assertThat(telemetry.forceFlush()).isTrue();
      assertThat(output().replaceAll("\\d+\\.\\d\\d ms", "<d> ms"))
          .contains(
              """
              POST /orders  <d> ms  ERROR "declined"  oteltoolkit.sampling.kept_by=error \
              error.type=java.lang.IllegalStateException
                 ! java.lang.IllegalStateException: declined
                 · +<d> ms  INFO  charging
              """)
          .doesNotContain("healthy", "GET /health");
    }
    // The dropped request's record, whose span never arrives, is printed at close.
    assertThat(output()).endsWith("log  INFO  healthy  (its span was not printed)\n");
  }

  @Test
  void printsNoLogRecordWithoutTheConsole() {
    try (Telemetry telemetry =
        Telemetry.setup()
            .otlp(false)
            .serviceName("console-logs")
            .console(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .configProperties(Map.of("OTEL_TRACES_EXPORTER", "none"))
            .build()) {
      Logger logger = telemetry.openTelemetry().getLogsBridge().get("orders");
      telemetry.tracing().traced("POST /orders", () -> info(logger, "order received"));
      assertThat(telemetry.forceFlush()).isTrue();
    }
    assertThat(output()).isEmpty();
  }

  private Telemetry consoleTelemetry(Map<String, String> properties) {
    return Telemetry.setup()
        .otlp(false)
        .serviceName("console-logs")
        .console(new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .configProperties(properties)
        .build();
  }

  private static void info(Logger logger, String message) {
    logger
        .logRecordBuilder()
        .setSeverity(Severity.INFO)
        .setSeverityText("INFO")
        .setBody(message)
        .emit();
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
