package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.jdbc.JdbcTelemetry;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedLog;
import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Log export end to end: SLF4J lines through the toolkit's attached appender, over real OTLP bytes
 * to the in-process receiver. One subclass per backend, each in its own JVM (surefire executions of
 * this module); the child JVMs run {@link LogsApp} on the same class path.
 */
@Timeout(180)
abstract class AbstractLogExportE2ETest {

  private static final Pattern TRACE_ID = Pattern.compile("trace-id=([0-9a-f]{32})");
  private static final Pattern DOWN =
      Pattern.compile(
          "app-lines=(\\d+) exported=(\\d+) foreign=(\\d+) bridged=(\\d+) max-call-ms=(\\d+)"
              + " used-mib=(\\d+)");
  private static final long CHILD_TIMEOUT_SECONDS = 120;

  private final Logger log = LoggerFactory.getLogger("dev.oteltoolkit.tests.orders");
  private OtlpReceiver receiver;

  /** The transport of the collector-down run in this backend's JVM (one 30 s run each). */
  abstract Transport collectorDownTransport();

  @AfterEach
  void stopReceiver() {
    MDC.clear();
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void recordsArriveWithTheirSpanSeverityAndException(Transport transport) throws Exception {
    receiver = OtlpReceiver.start(transport);
    Telemetry telemetry = TestTelemetry.exportingTo(receiver).build();
    DataSource database =
        JdbcTelemetry.create(telemetry.openTelemetry()).wrap(h2("logs_" + transport.name()));
    MDC.put("tenant", "acme");
    telemetry
        .tracing()
        .traced(
            "handle order",
            () -> {
              log.info("order {} received", 42);
              try (Connection connection = database.getConnection();
                  Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT * FROM cards WHERE number = '4111111111111111'");
              } catch (SQLException e) {
                log.error("card lookup failed", e);
              }
            });
    assertThat(telemetry.shutdown(TestTelemetry.WAIT)).isTrue();

    ReceivedSpan handle = TestTelemetry.only(receiver.spans(), "handle order");
    List<ReceivedLog> logs = receiver.logs();
    assertThat(logs)
        .extracting(ReceivedLog::body)
        .containsExactly("order 42 received", "card lookup failed");
    assertThat(logs)
        .allSatisfy(
            record -> {
              assertThat(record.traceId()).isEqualTo(handle.traceId());
              assertThat(record.spanId()).isEqualTo(handle.spanId());
              assertThat(record.scope().getName()).isEqualTo("dev.oteltoolkit.tests.orders");
              assertThat(record.resourceAttributes())
                  .containsEntry("service.name", TestTelemetry.SERVICE_NAME);
              assertThat(record.attributes())
                  .containsEntry("tenant", "acme")
                  .containsEntry("thread.name", Thread.currentThread().getName())
                  .doesNotContainKeys("trace_id", "span_id", "trace_flags");
            });
    ReceivedLog info = logs.get(0);
    assertThat(info.log().getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_INFO);
    assertThat(info.log().getSeverityText()).isEqualTo("INFO");
    assertThat(info.attributes()).doesNotContainKeys("exception.type", "exception.message");

    ReceivedLog error = logs.get(1);
    assertThat(error.log().getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_ERROR);
    assertThat(error.attributes().get("exception.type"))
        .isEqualTo("org.h2.jdbc.JdbcSQLSyntaxErrorException");
    // H2 quotes the statement; otel-toolkit-jdbc's sanitizer takes the literal out, as on spans
    assertThat((String) error.attributes().get("exception.message"))
        .contains("SQL statement: SELECT * FROM cards WHERE number = ?")
        .doesNotContain("4111111111111111");
    assertThat((String) error.attributes().get("exception.stacktrace"))
        .startsWith("org.h2.jdbc.JdbcSQLSyntaxErrorException")
        .contains("\tat ")
        .doesNotContain("4111111111111111");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void linesLoggedRightBeforeSystemExitArrive(Transport transport, @TempDir Path dir)
      throws Exception {
    receiver = OtlpReceiver.start(transport);
    Child child = run(dir, "exit", receiver.endpoint(), transport.protocol());

    assertThat(child.exitCode()).as("stderr:%n%s", child.stderr()).isZero();
    String traceId = child.match(TRACE_ID).group(1);
    List<ReceivedLog> logs = receiver.logs();
    assertThat(logs).hasSize(LogsApp.LINES);
    for (int i = 0; i < LogsApp.LINES; i++) {
      ReceivedLog record = logs.get(i);
      assertThat(record.body()).isEqualTo("line " + i);
      assertThat(record.traceId()).isEqualTo(traceId);
      assertThat(record.resourceAttributes()).containsEntry("service.name", LogsApp.SERVICE);
    }
  }

  @Test
  void linesLoggedBeforeMainReturnsArrive(@TempDir Path dir) throws Exception {
    receiver = OtlpReceiver.start(Transport.GRPC);
    Child child = run(dir, "return", receiver.endpoint(), Transport.GRPC.protocol());

    assertThat(child.exitCode()).as("stderr:%n%s", child.stderr()).isZero();
    String traceId = child.match(TRACE_ID).group(1);
    assertThat(receiver.logs())
        .hasSize(LogsApp.LINES)
        .allSatisfy(record -> assertThat(record.traceId()).isEqualTo(traceId));
    ReceivedSpan checkout = TestTelemetry.only(receiver.spans(), "checkout");
    assertThat(checkout.traceId()).isEqualTo(traceId);
  }

  /**
   * 30 seconds with nothing listening at the collector, the SDK's and the toolkit's JUL output
   * routed into the SLF4J backend: their complaints reach the backend but are never exported (the
   * added exporter sees exactly the application's lines), logging never blocks, and the heap stays
   * small (the child runs with 96 MiB).
   */
  @Test
  void collectorDownForThirtySecondsMakesNoFeedbackLoop(@TempDir Path dir) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Transport transport = collectorDownTransport();
    Child child = run(dir, "down", "http://127.0.0.1:" + closedPort, transport.protocol());

    assertThat(child.exitCode()).as("stderr:%n%s", child.stderr()).isZero();
    Matcher down = child.match(DOWN);
    long appLines = Long.parseLong(down.group(1));
    assertThat(appLines).isPositive();
    assertThat(Long.parseLong(down.group(2)))
        .as("records handed to the exporters")
        .isEqualTo(appLines);
    assertThat(Long.parseLong(down.group(3)))
        .as("records of the SDK's or toolkit's loggers")
        .isZero();
    assertThat(Long.parseLong(down.group(4)))
        .as("SDK / toolkit JUL lines that reached the SLF4J backend (the loop's trigger)")
        .isPositive();
    assertThat(Long.parseLong(down.group(5))).as("longest log call, ms").isLessThan(5_000);
    assertThat(Long.parseLong(down.group(6))).as("heap used at the end, MiB").isLessThan(64);
    System.out.printf("collector down %s: %s%n", transport, down.group());
  }

  private static DataSource h2(String name) {
    JdbcDataSource database = new JdbcDataSource();
    database.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return database;
  }

  /** Runs {@link LogsApp} in a child JVM on the test class path and waits for it to exit. */
  private static Child run(Path dir, String... args) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new java.util.ArrayList<>(
            List.of(java.toString(), "-Xmx96m", "-cp", classPath, LogsApp.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL"));
    Process process = builder.start();
    if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the child JVM did not exit within "
              + CHILD_TIMEOUT_SECONDS
              + " s; stderr:\n"
              + Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }
    return new Child(
        process.exitValue(),
        Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
  }

  private record Child(int exitCode, String stdout, String stderr) {
    Matcher match(Pattern pattern) {
      Matcher matcher = pattern.matcher(stdout);
      if (!matcher.find()) {
        throw new AssertionError(
            "the child printed no " + pattern + "; stdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return matcher;
    }
  }
}
