package dev.oteltoolkit.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TelemetryConfigTest {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");
  private static final AttributeKey<String> ENVIRONMENT =
      AttributeKey.stringKey("deployment.environment.name");

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "OTEL_SAMPLING_RATE|1.7|OTEL_SAMPLING_RATE=1.7: must be between 0 and 1",
        "OTEL_SAMPLING_RATE|often|OTEL_SAMPLING_RATE=often: not a number; must be between 0 and 1",
        "otel.sampling.rate|-0.5|otel.sampling.rate=-0.5: must be between 0 and 1",
        "OTEL_TRACES_SAMPLER_ARG|2|OTEL_TRACES_SAMPLER_ARG=2: must be between 0 and 1",
        "OTEL_EXPORTER_OTLP_PROTOCOL|http/json|"
            + "OTEL_EXPORTER_OTLP_PROTOCOL=http/json: must be grpc or http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL|udp|"
            + "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=udp: must be grpc or http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT|localhost:4317|"
            + "OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4317: must be an absolute http:// or https://",
        "OTEL_EXPORTER_OTLP_ENDPOINT|http://bad host:4317|"
            + "OTEL_EXPORTER_OTLP_ENDPOINT=http://bad host:4317: not a valid URL",
        "OTEL_SERVICE_NAME|'  '|OTEL_SERVICE_NAME='  ': must not be blank",
        "OTEL_ENABLED|maybe|OTEL_ENABLED=maybe: must be true or false",
        "OTEL_SDK_DISABLED|yes|OTEL_SDK_DISABLED=yes: must be true or false",
        "OTEL_EXPORTER_OTLP_COMPRESSION|brotli|"
            + "OTEL_EXPORTER_OTLP_COMPRESSION=brotli: must be gzip or none",
        "OTEL_BSP_MAX_QUEUE_SIZE|-5|OTEL_BSP_MAX_QUEUE_SIZE=-5: must be a positive integer",
        "OTEL_BSP_SCHEDULE_DELAY|soon|OTEL_BSP_SCHEDULE_DELAY=soon: must be a duration",
      })
  void invalidSettingsFailAtBuildNamingTheSettingAndValue(
      String name, String value, String message) {
    assertThatThrownBy(() -> base().configProperties(Map.of(name, value)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void lookalikeSettingsAreAnsweredWithTheSettingToUseOncePerJvm() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(Telemetry.class.getName());
    logger.addHandler(capture);
    Map<String, String> settings =
        Map.of(
            "OTEL_EXPORTER_ENDPOINT", "http://collector:4317",
            "JAEGER_ENDPOINT", "http://jaeger:14268/api/traces",
            "otel.log.spans", "true");
    try {
      base().configProperties(settings).build().close();
      base().configProperties(settings).build().close();
    } finally {
      logger.removeHandler(capture);
    }
    assertThat(records)
        .extracting(LogRecord::getMessage)
        .filteredOn(message -> message.contains("is not an OpenTelemetry setting"))
        .containsExactlyInAnyOrder(
            "otel-toolkit: OTEL_EXPORTER_ENDPOINT is not an OpenTelemetry setting and nothing reads"
                + " it; use OTEL_EXPORTER_OTLP_ENDPOINT.",
            "otel-toolkit: JAEGER_ENDPOINT is not an OpenTelemetry setting and nothing reads it;"
                + " use OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger takes OTLP on 4317 and 4318).",
            "otel-toolkit: otel.log.spans is not an OpenTelemetry setting and nothing reads it;"
                + " use OTEL_TRACES_EXPORTER=console (or console() in code) to print spans.");
  }

  @Test
  void anEndpointWithoutSchemeFailsSuggestingTheUrl() {
    assertThatThrownBy(
            () ->
                base()
                    .configProperties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "jaeger:4317"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OTEL_EXPORTER_OTLP_ENDPOINT=jaeger:4317: must be an absolute http:// or"
                + " https:// URL with a host, like http://jaeger:4317");
  }

  @Test
  void invalidBuilderValuesFailAtBuild() {
    assertInvalid(b -> b.samplingRatio(1.7), "samplingRatio=1.7: must be between 0 and 1");
    assertInvalid(b -> b.samplingRatio(Double.NaN), "samplingRatio=NaN: must be between 0 and 1");
    assertInvalid(b -> b.protocol("udp"), "protocol=udp: must be grpc or http/protobuf");
    assertInvalid(b -> b.endpoint("collector:4317"), "endpoint=collector:4317: must be an");
    assertInvalid(b -> b.endpoint("ftp://collector"), "endpoint=ftp://collector: must be an");
    assertInvalid(b -> b.serviceName(" "), "serviceName=' ': must not be blank");
    assertInvalid(b -> b.compression("zstd"), "compression=zstd: must be gzip or none");
    assertInvalid(b -> b.timeout(Duration.ZERO), "timeout=PT0S: must be positive");
    assertInvalid(b -> b.prometheus(70000), "prometheus=70000: must be a port");
    assertInvalid(
        b -> b.header("bad name", "v"),
        "header(\"bad name\", ...): the name has a character not allowed");
  }

  @Test
  void errorsNeverEchoHeaderValues() {
    assertThatThrownBy(() -> base().header("authorization", "Bearer s3cret\r\nX: y").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("authorization")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(
            () ->
                base()
                    .configProperties(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cret,broken"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("OTEL_EXPORTER_OTLP_HEADERS: entry 'broken' must be key=value")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void environmentBeatsCodeAndSystemPropertiesBeatEnvironment() {
    TelemetryBuilder builder =
        base().serviceName("from-code").serviceVersion("1.0").environment("staging");

    assertThat(resource(builder, Map.of()).getAttribute(SERVICE_NAME)).isEqualTo("from-code");
    Resource fromEnv =
        resource(
            builder,
            Map.of(
                "OTEL_SERVICE_NAME", "from-env",
                "OTEL_RESOURCE_ATTRIBUTES", "service.version=2.0,team=payments%20core"));
    assertThat(fromEnv.getAttribute(SERVICE_NAME)).isEqualTo("from-env");
    assertThat(fromEnv.getAttribute(SERVICE_VERSION)).isEqualTo("2.0");
    assertThat(fromEnv.getAttribute(ENVIRONMENT)).isEqualTo("staging");
    assertThat(fromEnv.getAttribute(AttributeKey.stringKey("team"))).isEqualTo("payments core");
    Resource fromProperty =
        resource(
            builder,
            Map.of(
                "OTEL_SERVICE_NAME", "from-env",
                "otel.service.name", "from-property",
                "OTEL_RESOURCE_ATTRIBUTES", "service.version=2.0",
                "otel.resource.attributes", "service.version=3.0"));
    assertThat(fromProperty.getAttribute(SERVICE_NAME)).isEqualTo("from-property");
    assertThat(fromProperty.getAttribute(SERVICE_VERSION)).isEqualTo("3.0");
  }

  @Test
  void resourceHasDefaultDetectors() {
    Resource resource = resource(base().serviceName("svc"), Map.of());
    assertThat(resource.getAttribute(AttributeKey.stringKey("telemetry.sdk.language")))
        .isEqualTo("java");
    assertThat(resource.getAttribute(AttributeKey.stringKey("host.name"))).isNotBlank();
    assertThat(resource.getAttribute(AttributeKey.longKey("process.pid"))).isPositive();
  }

  @Test
  void headersMergePerKeyWithTheEnvironmentWinning() {
    TelemetryBuilder builder =
        Telemetry.setup().header("authorization", "Bearer code").header("x-team", "a b");
    ResolvedConfig resolved =
        ConfigResolver.resolve(
            builder.options(),
            ConfigSource.fromMap(
                Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20env")));
    assertThat(resolved.properties().get("otel.exporter.otlp.headers"))
        .isEqualTo("authorization=Bearer%20env,x-team=a+b");
  }

  @Test
  void samplingRateVariableSetsTheParentBasedRatio() {
    try (Telemetry telemetry =
        base().samplingRatio(0.5).configProperties(Map.of("OTEL_SAMPLING_RATE", "0.25")).build()) {
      String sampler = sampler(telemetry).getDescription();
      assertThat(sampler).startsWith("ForceSampleSampler{ParentBased{root:TraceIdRatioBased{0.25");
    }
    try (Telemetry telemetry = base().samplingRatio(0.5).configProperties(Map.of()).build()) {
      assertThat(sampler(telemetry).getDescription()).contains("TraceIdRatioBased{0.5");
    }
    try (Telemetry telemetry =
        base()
            .sampler(Sampler.alwaysOff())
            .configProperties(Map.of("OTEL_TRACES_SAMPLER", "always_on"))
            .build()) {
      assertThat(sampler(telemetry).getDescription())
          .isEqualTo("ForceSampleSampler{AlwaysOnSampler}");
    }
    try (Telemetry telemetry =
        base().sampler(Sampler.alwaysOff()).configProperties(Map.of()).build()) {
      assertThat(sampler(telemetry).getDescription())
          .isEqualTo("ForceSampleSampler{AlwaysOffSampler}");
    }
  }

  @Test
  void disabledByVariablesWhateverTheCodeSays() {
    for (Map<String, String> disabling :
        java.util.List.of(
            Map.of("OTEL_ENABLED", "false"),
            Map.of("OTEL_SDK_DISABLED", "true"),
            Map.of("otel.enabled", "false", "OTEL_ENABLED", "true"))) {
      InMemorySpanExporter exporter = InMemorySpanExporter.create();
      Telemetry telemetry =
          base().enabled(true).addSpanExporter(exporter).configProperties(disabling).build();
      assertThat(telemetry.isEnabled()).as(disabling.toString()).isFalse();
      assertThat(telemetry.openTelemetry()).isSameAs(OpenTelemetry.noop());
      assertThat(telemetry.tracing().traced("x", () -> 1)).isEqualTo(1);
      assertThat(telemetry.forceFlush()).isTrue();
      assertThat(telemetry.shutdown(Duration.ofSeconds(1))).isTrue();
      assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }
    Telemetry byCode = base().enabled(false).configProperties(Map.of()).build();
    assertThat(byCode.isEnabled()).isFalse();
    byCode.close();
  }

  @Test
  void addedExportersStayWhenTheVariableReplacesTheNamedSet() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (Telemetry telemetry =
        base()
            .console(new PrintStream(console, true, StandardCharsets.UTF_8))
            .addSpanExporter(exporter)
            .configProperties(Map.of("OTEL_TRACES_EXPORTER", "none"))
            .build()) {
      telemetry.tracing().traced("kept", () -> {});
      assertThat(telemetry.forceFlush()).isTrue();
      assertThat(exporter.getFinishedSpanItems())
          .extracting(SpanData::getName)
          .containsExactly("kept");
    }
    assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void consolePrintsTheTreeWhenTheRootEnds() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (Telemetry telemetry =
        base()
            .serviceName("console-test")
            .console(new PrintStream(console, true, StandardCharsets.UTF_8))
            .configProperties(Map.of())
            .build()) {
      telemetry.tracing().traced("root", () -> telemetry.tracing().traced("child", () -> {}));
      assertThat(telemetry.forceFlush()).isTrue();
    }
    String out = console.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("console-test").contains("root").contains("child");
    assertThat(out.indexOf("root")).isLessThan(out.indexOf("child"));
  }

  @Test
  void consoleNamedInTheVariableIsTheTreeView() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Telemetry telemetry =
        base()
            .serviceName("named-console")
            .configProperties(Map.of("OTEL_TRACES_EXPORTER", "console"))
            .build()) {
      telemetry.tracing().traced("via-variable", () -> {});
      assertThat(telemetry.forceFlush()).isTrue();
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("named-console")
        .contains("via-variable");
  }

  @Test
  void unknownExporterNameFailsWithAClearError() {
    assertThatThrownBy(
            () -> base().configProperties(Map.of("OTEL_TRACES_EXPORTER", "jaeger-thrift")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jaeger-thrift");
  }

  private static void assertInvalid(Consumer<TelemetryBuilder> configure, String message) {
    TelemetryBuilder builder = base().configProperties(Map.of());
    configure.accept(builder);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  /** A builder that exports nothing over the network. */
  static TelemetryBuilder base() {
    return Telemetry.setup().otlp(false);
  }

  private static Resource resource(TelemetryBuilder builder, Map<String, String> properties) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Map<String, String> copy = new HashMap<>(properties);
    try (Telemetry telemetry = builder.addSpanExporter(exporter).configProperties(copy).build()) {
      telemetry.tracing().traced("probe", () -> {});
      telemetry.forceFlush();
      return exporter.getFinishedSpanItems().get(0).getResource();
    }
  }

  private static Sampler sampler(Telemetry telemetry) {
    return ((OpenTelemetrySdk) telemetry.openTelemetry()).getSdkTracerProvider().getSampler();
  }
}
