package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.core.internal.ExportFailureLog;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
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

    // the exports fail (after the exporter's retries); shutdown neither throws nor hangs: it
    // gives up at its timeout (a generous bound, this is a liveness check, not a benchmark)
    long start = System.nanoTime();
    assertThat(telemetry.shutdown(Duration.ofSeconds(3))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));

    assertThat(records)
        .as("no SDK export-failure record reaches the handlers")
        .noneMatch(
            r -> r.getLoggerName() != null
                && r.getLoggerName().startsWith("io.opentelemetry")
                && r.getLevel().intValue() >= Level.WARNING.intValue()
                && !r.getMessage().contains("because the queue is full"));
    long toolkitWarnings =
        records.stream()
            .filter(r -> "dev.oteltoolkit.core.Telemetry".equals(r.getLoggerName()))
            .filter(r -> r.getMessage().startsWith("otel-toolkit: OTLP export of"))
            .count();
    // spans and metrics failed; each signal is reported at most once a minute per JVM, and an
    // earlier parameter of this test may already have reported them
    assertThat(toolkitWarnings).isLessThanOrEqualTo(2);
    // the exporter may still be retrying its last attempt when shutdown gives up: the failure is
    // reported once that attempt fails too (await it, bounded)
    ExportFailureLog failureLog = ExportFailureLog.install();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (failureLog.reportedWarnings() == 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000L);
    }
    assertThat(failureLog.reportedWarnings()).isBetween(1L, 2L);
  }
}
