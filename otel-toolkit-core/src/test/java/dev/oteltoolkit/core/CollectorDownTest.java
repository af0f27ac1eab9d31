package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A collector that is down never reaches the application, and its failures are logged once. */
class CollectorDownTest {

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger root = Logger.getLogger("");
  private final Handler handler =
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

  @BeforeEach
  void captureLogs() {
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
  }

  @AfterEach
  void stopCapture() {
    root.removeHandler(handler);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void tenThousandCallsCompleteAndFailuresAreThrottled(String protocol) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Telemetry telemetry =
        Telemetry.setup()
            .serviceName("collector-down")
            .endpoint("http://127.0.0.1:" + closedPort)
            .protocol(protocol)
            .timeout(Duration.ofSeconds(2))
            .configProperties(Map.of())
            .build();
    int calls = 10_000;
    int completed = 0;
    for (int i = 0; i < calls; i++) {
      completed += telemetry.tracing().traced("op", () -> 1);
    }
    assertThat(completed).isEqualTo(calls);

    // nothing listens at the endpoint: shutdown tells so at once instead of waiting for the
    // exporters' retries (a generous bound, this is a liveness check, not a benchmark)
    long start = System.nanoTime();
    assertThat(telemetry.shutdown(Duration.ofSeconds(10))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

    assertThat(records)
        .as("no SDK export-failure record reaches the handlers")
        .noneMatch(
            r ->
                r.getLoggerName() != null
                    && r.getLoggerName().startsWith("io.opentelemetry")
                    && r.getLevel().intValue() >= Level.WARNING.intValue()
                    && !r.getMessage().contains("because the queue is full"));
    // one line from shutdown saying what was not delivered and where it should go; besides it
    // at most the throttled failure warnings (none in a JVM's first seconds, see
    // ExportFailureLogTest; earlier tests in this JVM may have started the clock)
    List<LogRecord> toolkit =
        records.stream()
            .filter(
                r -> r.getLoggerName() != null && r.getLoggerName().startsWith("dev.oteltoolkit"))
            .filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
            .toList();
    List<LogRecord> summaries =
        toolkit.stream()
            .filter(r -> r.getMessage().startsWith("otel-toolkit: nothing is"))
            .toList();
    assertThat(summaries).hasSize(1);
    assertThat(summaries.get(0).getMessage())
        .startsWith(
            "otel-toolkit: nothing is listening at 127.0.0.1:"
                + closedPort
                + " (OTLP), so "
                + calls
                + " spans, ")
        .contains("metric points and 0 log records of this run were not exported")
        .contains("OTEL_EXPORTER_OTLP_ENDPOINT");
    assertThat(toolkit)
        .filteredOn(r -> !summaries.contains(r))
        .allSatisfy(r -> assertThat(r.getMessage()).startsWith("otel-toolkit: OTLP export of"))
        .hasSizeLessThanOrEqualTo(2);
  }
}
