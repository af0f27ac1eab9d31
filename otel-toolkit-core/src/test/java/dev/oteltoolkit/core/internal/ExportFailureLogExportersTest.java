package dev.oteltoolkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.core.Telemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The throttle on the real OTLP exporters' failure records: a collector that is down for spans,
 * metrics and logs gives exactly one toolkit warning per signal, however many exports fail. The
 * throttle under test is a fresh one on a clock this test holds (the JVM-wide one has a grace
 * period and a minute's interval that earlier tests may have used up); it replaces the installed
 * filter on the exporters' loggers for the test.
 */
class ExportFailureLogExportersTest {

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void aCollectorThatIsDownGivesExactlyOneWarningPerSignal(String protocol) throws IOException {
    Logger warnings = Logger.getLogger("test.export-failure-log.exporters." + System.nanoTime());
    warnings.setUseParentHandlers(false);
    List<LogRecord> written = new CopyOnWriteArrayList<>();
    warnings.addHandler(capture(written));
    AtomicLong now = new AtomicLong(1_000);
    ExportFailureLog throttle = new ExportFailureLog(now::get, warnings, 0);

    Telemetry telemetry =
        Telemetry.setup()
            .serviceName("export-failure-log-test")
            .endpoint("http://127.0.0.1:" + closedPort())
            .protocol(protocol)
            .timeout(Duration.ofSeconds(1))
            .build(); // installs the JVM-wide filter; ours replaces it below
    Map<Logger, Filter> previous = new HashMap<>();
    List<Logger> exporters = new ArrayList<>();
    for (String name : ExportFailureLog.EXPORTER_LOGGERS) {
      Logger logger = Logger.getLogger(name);
      exporters.add(logger); // held: JUL keeps loggers weakly
      previous.put(logger, logger.getFilter());
      logger.setFilter(throttle);
    }
    try {
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 10; i++) {
          telemetry.tracing().traced("while-collector-down", () -> {});
          telemetry
              .openTelemetry()
              .getLogsBridge()
              .get("test")
              .logRecordBuilder()
              .setBody("while the collector is down")
              .emit();
        }
        // every signal exported (and failed) in each round
        assertThat(telemetry.forceFlush(Duration.ofSeconds(20))).isFalse();
      }
    } finally {
      exporters.forEach(logger -> logger.setFilter(previous.get(logger)));
      telemetry.shutdown(Duration.ZERO);
    }

    assertThat(written)
        .as("one toolkit warning per signal")
        .extracting(r -> (String) r.getParameters()[0])
        .containsExactlyInAnyOrder("spans", "metrics", "logs");
    assertThat(written)
        .allSatisfy(
            r -> {
              assertThat(r.getLevel()).isEqualTo(Level.WARNING);
              assertThat(r.getMessage()).startsWith("otel-toolkit: OTLP export of {0} failed{1}.");
            });
    assertThat(throttle.reportedWarnings()).isEqualTo(3);
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Handler capture(List<LogRecord> into) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        into.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}
