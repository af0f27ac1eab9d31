package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.WAIT;
import static dev.oteltoolkit.tests.TestTelemetry.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A service configured by an OpenTelemetry configuration file ({@code OTEL_CONFIG_FILE}, {@code
 * file_format: "1.0"}) exporting over real OTLP: the file's exporters, resource and sampler carry
 * the toolkit's tail keeping and RED metrics to the receiver.
 */
@Timeout(60)
class ConfigFileExportTest {

  private OtlpReceiver receiver;

  @TempDir Path dir;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theFilesExportersCarryKeptTreesAndExactRedMetrics(Transport transport) throws IOException {
    receiver = OtlpReceiver.start(transport);
    String exporter =
        transport == Transport.GRPC
            ? "otlp_grpc:\n            endpoint: " + receiver.endpoint() + "\n"
            : "otlp_http:\n            endpoint: " + receiver.endpoint() + "/v1/traces\n";
    String metricExporter =
        transport == Transport.GRPC
            ? "otlp_grpc:\n            endpoint: " + receiver.endpoint() + "\n"
            : "otlp_http:\n            endpoint: " + receiver.endpoint() + "/v1/metrics\n";
    Path file = dir.resolve("otel.yaml");
    Files.writeString(
        file,
        "file_format: \"1.0\"\n"
            + "resource:\n"
            + "  attributes:\n"
            + "    - name: service.name\n"
            + "      value: file-configured\n"
            + "tracer_provider:\n"
            + "  sampler:\n"
            + "    parent_based:\n"
            + "      root:\n"
            + "        always_off:\n"
            + "  processors:\n"
            + "    - batch:\n"
            + "        schedule_delay: 200\n"
            + "        exporter:\n"
            + "          "
            + exporter
            + "meter_provider:\n"
            + "  readers:\n"
            + "    - periodic:\n"
            + "        interval: 60000\n"
            + "        exporter:\n"
            + "          "
            + metricExporter);

    int requests = 20;
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceVersion("4.5.6")
            .keepErrors(true)
            .configProperties(Map.of("OTEL_CONFIG_FILE", file.toString()))
            .build()) {
      Tracing tracing = telemetry.tracing();
      for (int i = 0; i < requests; i++) {
        boolean fails = i % 5 == 0;
        try {
          tracing.traced(
              "handle",
              () -> {
                tracing.traced("load", () -> {});
                if (fails) {
                  throw new IllegalStateException("declined");
                }
              });
        } catch (IllegalStateException expected) {
          assertThat(expected).hasMessage("declined");
        }
      }
      assertThat(telemetry.forceFlush()).isTrue();
    }

    // head sampling kept nothing (always_off); tail keeping kept the 4 failed trees, whole
    List<ReceivedSpan> spans = receiver.awaitSpans(s -> s.size() >= 8, WAIT);
    assertThat(spans).hasSize(8);
    List<ReceivedSpan> roots = named(spans, "handle");
    assertThat(roots).hasSize(4);
    for (ReceivedSpan root : roots) {
      assertThat(
              OtlpReceiver.stringValue(
                  root.span().getAttributesList(), "oteltoolkit.sampling.kept_by"))
          .isEqualTo("error");
      assertThat(OtlpReceiver.stringValue(root.resource().getAttributesList(), "service.name"))
          .isEqualTo("file-configured");
      assertThat(OtlpReceiver.stringValue(root.resource().getAttributesList(), "service.version"))
          .isEqualTo("4.5.6");
    }
    Set<String> keptTraces = roots.stream().map(ReceivedSpan::traceId).collect(Collectors.toSet());
    assertThat(named(spans, "load"))
        .hasSize(4)
        .allSatisfy(child -> assertThat(keptTraces).contains(child.traceId()));

    // the RED metrics count every request, kept or not, through the file's metric exporter
    assertThat(
            receiver.histogramCount(
                "oteltoolkit.operation.duration", "oteltoolkit.operation.name", "handle"))
        .isEqualTo(requests);
    assertThat(
            receiver.histogramCount(
                "oteltoolkit.operation.duration", "oteltoolkit.operation.name", "load"))
        .isEqualTo(requests);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anInvalidFileFailsAtBuildNamingTheFile(Transport transport) throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(
        file,
        "file_format: \"1.0\"\n"
            + "tracer_provider:\n"
            + "  processors:\n"
            + "    - batch:\n"
            + "        exporter:\n"
            + "          "
            + (transport == Transport.GRPC ? "otlp_grpc" : "otlp_http")
            + ":\n"
            + "            endpoint: not a url\n");
    assertThatThrownBy(
            () ->
                Telemetry.setup()
                    .configProperties(Map.of("otel.config.file", file.toString()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("otel.config.file=" + file + ": invalid configuration: ")
        .hasMessageContaining("not a url");
  }
}
