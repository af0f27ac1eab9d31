package dev.oteltoolkit.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.ConfigSource.ConfigValue;
import dev.oteltoolkit.core.internal.ForceSampleSampler;
import dev.oteltoolkit.core.internal.TailSamplingSpanProcessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code OTEL_CONFIG_FILE}: the SDK comes from a real configuration file ({@code file_format:
 * "1.0"}) and the toolkit's additions still apply; bad files fail at build() naming the file.
 */
class ConfigFileTest {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");

  @TempDir Path dir;

  @Test
  void theFileDecidesAndTheToolkitAddsForcedSamplingTheAddedExporterAndRedMetrics()
      throws IOException {
    Path file =
        write(
            "file_format: \"1.0\"\n"
                + "resource:\n"
                + "  attributes:\n"
                + "    - name: service.name\n"
                + "      value: from-file\n"
                + "propagator:\n"
                + "  composite:\n"
                + "    - tracecontext:\n"
                + "tracer_provider:\n"
                + "  sampler:\n"
                + "    parent_based:\n"
                + "      root:\n"
                + "        always_off:\n");
    KeptSpans spans = new KeptSpans();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceName("from-code") // the file sets service.name: the file wins
            .serviceVersion("1.2.3") // the file does not: the code fills it in
            .samplingRatio(1.0) // the file's sampler wins
            .addSpanExporter(spans)
            .addMetricReader(metrics)
            .configProperties(Map.of("OTEL_CONFIG_FILE", file.toString()))
            .build()) {
      Tracing tracing = telemetry.tracing();
      tracing.traced("ordinary", () -> {});
      tracing.span("payment").forceSample().run(() -> tracing.traced("payment-child", () -> {}));
      assertThat(telemetry.forceFlush()).isTrue();

      assertThat(spans.names()).containsExactly("payment-child", "payment");
      SpanData payment = spans.get().get(1);
      assertThat(payment).hasAttributesSatisfyingExactly(equalTo(ForceSampleSampler.FORCED, true));
      assertThat(payment.getResource().getAttribute(SERVICE_NAME)).isEqualTo("from-file");
      assertThat(payment.getResource().getAttribute(SERVICE_VERSION)).isEqualTo("1.2.3");
      assertThat(telemetry.openTelemetry().getPropagators().getTextMapPropagator())
          .isSameAs(W3CTraceContextPropagator.getInstance());
      MetricData duration =
          metrics.collectAllMetrics().stream()
              .filter(m -> m.getName().equals(Tracing.OPERATION_DURATION))
              .findFirst()
              .orElseThrow();
      assertThat(duration.getHistogramData().getPoints()).hasSize(3);
      assertThat(telemetry.toString()).contains("config-file=" + file);
    }
  }

  @Test
  void tailKeepingHoldsTheFilesProcessorsAndTheConsoleShowsTheKeptTree() throws IOException {
    Path file =
        write(
            "file_format: \"1.0\"\n"
                + "tracer_provider:\n"
                + "  sampler:\n"
                + "    parent_based:\n"
                + "      root:\n"
                + "        trace_id_ratio_based:\n"
                + "          ratio: 0.0\n");
    KeptSpans spans = new KeptSpans();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (Telemetry telemetry =
        Telemetry.setup()
            .keepErrors(true)
            .console(new PrintStream(console, true, StandardCharsets.UTF_8))
            .addSpanExporter(spans)
            .configProperties(Map.of("otel.config.file", file.toString()))
            .build()) {
      Tracing tracing = telemetry.tracing();
      tracing.traced("fine", () -> tracing.traced("fine-child", () -> {}));
      assertThatThrownBy(
              () ->
                  tracing.traced(
                      "failing",
                      () -> {
                        tracing.traced("failing-child", () -> {});
                        throw new IllegalStateException("boom");
                      }))
          .hasMessage("boom");
      assertThat(telemetry.forceFlush()).isTrue();

      assertThat(spans.names()).containsExactlyInAnyOrder("failing-child", "failing");
      SpanData root =
          spans.get().stream().filter(s -> s.getName().equals("failing")).findFirst().orElseThrow();
      assertThat(root.getAttributes().get(TailSamplingSpanProcessor.KEPT_BY)).isEqualTo("error");
      assertThat(console.toString(StandardCharsets.UTF_8))
          .contains("failing", "failing-child")
          .doesNotContain("fine");
    }
  }

  @Test
  void theFilesBatchProcessorIsBuiltAroundItsExporter() throws IOException {
    // an exporter of the file through its component provider (OTLP over HTTP to a collector that
    // rejects every request, a failure not retried): the failed export makes the flush say so
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(400, -1);
          exchange.close();
        });
    collector.start();
    try {
      Path file =
          write(
              "file_format: \"1.0\"\n"
                  + "tracer_provider:\n"
                  + "  processors:\n"
                  + "    - batch:\n"
                  + "        schedule_delay: 60000\n" // the only export is the flush's
                  + "        export_timeout: 5000\n"
                  + "        exporter:\n"
                  + "          otlp_http:\n"
                  + "            endpoint: http://127.0.0.1:"
                  + collector.getAddress().getPort()
                  + "/v1/traces\n");
      try (Telemetry telemetry =
          Telemetry.setup().configProperties(Map.of("OTEL_CONFIG_FILE", file.toString())).build()) {
        telemetry.tracing().traced("lost", () -> {});
        assertThat(telemetry.forceFlush()).isFalse();
      }
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void consoleInTheFileIsTheTreeView() throws IOException {
    Path file =
        write(
            "file_format: \"1.0\"\n"
                + "tracer_provider:\n"
                + "  processors:\n"
                + "    - simple:\n"
                + "        exporter:\n"
                + "          console:\n");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try (Telemetry telemetry =
        Telemetry.setup().configProperties(Map.of("OTEL_CONFIG_FILE", file.toString())).build()) {
      telemetry.tracing().traced("checkout", () -> telemetry.tracing().traced("charge", () -> {}));
      assertThat(telemetry.forceFlush()).isTrue();
    } finally {
      System.setOut(stdout);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("checkout", "charge");
  }

  @Test
  void aMissingFileFailsNamingTheSettingAndThePath() {
    Path missing = dir.resolve("nowhere.yaml");
    assertThatThrownBy(() -> build(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OTEL_CONFIG_FILE=" + missing + ": cannot be read (NoSuchFile");
  }

  @Test
  void aDirectoryFails() {
    assertThatThrownBy(() -> build(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("OTEL_CONFIG_FILE=" + dir + ": is a directory, not a file");
  }

  @Test
  void anEmptyFileFails() throws IOException {
    Path file = write("");
    assertThatThrownBy(() -> build(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OTEL_CONFIG_FILE=" + file + ": is empty");
  }

  @Test
  void brokenYamlFailsNamingTheFile() throws IOException {
    Path file = write("file_format: \"1.0\"\ntracer_provider: [unclosed\n");
    assertThatThrownBy(() -> build(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OTEL_CONFIG_FILE=" + file + ": not a valid configuration file: ");
  }

  @Test
  void aFileWithoutFileFormatFails() throws IOException {
    Path file = write("tracer_provider:\n  sampler:\n    always_on:\n");
    assertThatThrownBy(() -> build(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OTEL_CONFIG_FILE=" + file + ": has no file_format (write file_format: \"1.0\")");
  }

  @Test
  void anUnsupportedFileFormatFails() throws IOException {
    Path file = write("file_format: \"0.1\"\n");
    assertThatThrownBy(() -> build(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OTEL_CONFIG_FILE=" + file + ": invalid configuration: ")
        .hasMessageContaining("0.1");
  }

  @Test
  void anUnknownExporterFailsNamingIt() throws IOException {
    Path file =
        write(
            "file_format: \"1.0\"\n"
                + "tracer_provider:\n"
                + "  processors:\n"
                + "    - simple:\n"
                + "        exporter:\n"
                + "          otlp_htp:\n");
    assertThatThrownBy(() -> build(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OTEL_CONFIG_FILE="
                + file
                + ": invalid configuration: no SpanExporter named"
                + " \"otlp_htp\" (misspelt, or its artifact is not on the class path)");
  }

  @Test
  void aHugeFileFailsWithABoundedMessage() throws IOException {
    Path file = dir.resolve("huge.yaml");
    Files.write(file, new byte[ConfigFile.MAX_BYTES + 1]);
    assertThatThrownBy(() -> build(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OTEL_CONFIG_FILE=" + file + ": larger than 1048576 bytes: not a configuration file");
  }

  @Test
  void withoutTheArtifactTheErrorSaysWhatToAdd() {
    ConfigValue setting = new ConfigValue("OTEL_CONFIG_FILE", "/etc/otel.yaml");
    assertThatThrownBy(
            () -> ConfigFile.requireArtifact("no.such.DeclarativeConfiguration", setting))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OTEL_CONFIG_FILE=/etc/otel.yaml: reading a configuration file needs"
                + " io.opentelemetry:opentelemetry-sdk-extension-declarative-config on the class"
                + " path (an optional dependency of otel-toolkit-core; add it, version"
                + " 1.65.0-alpha, or unset OTEL_CONFIG_FILE)");
    // and with it present, nothing is thrown
    ConfigFile.requireArtifact(ConfigFile.ARTIFACT_CLASS, setting);
  }

  @Test
  void disabledTelemetryNeverReadsTheFile() {
    try (Telemetry telemetry =
        Telemetry.setup()
            .configProperties(
                Map.of(
                    "OTEL_CONFIG_FILE",
                    dir.resolve("nowhere.yaml").toString(),
                    "OTEL_SDK_DISABLED",
                    "true"))
            .build()) {
      assertThat(telemetry.isEnabled()).isFalse();
    }
  }

  private Telemetry build(Path file) {
    return Telemetry.setup().configProperties(Map.of("OTEL_CONFIG_FILE", file.toString())).build();
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "otel", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
