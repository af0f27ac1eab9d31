package dev.oteltoolkit.examples;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DemoTest {

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void mainPrintsTwoTraceTreesWithTheHandledFailure() throws Exception {
    String out = captureStdout(() -> Demo.main(new String[0]));

    // two local roots, each printed whole with its children indented under it
    assertThat(out.split("\n")).filteredOn(line -> line.startsWith("trace ")).hasSize(2);
    assertThat(out).contains("service=otel-toolkit-demo");
    String first = out.substring(0, out.indexOf("trace ", 1));
    assertThat(first)
        .contains("handle-order")
        .contains("validate-order")
        .contains("load-customer")
        .contains("send-confirmation")
        .contains("ERROR \"card network timeout\"")
        .contains("error.type=java.io.IOException")
        .contains("! java.io.IOException: card network timeout");
    assertThat(first.lines().filter(line -> line.contains("charge-card"))).hasSize(2);
    assertThat(first.lines().filter(line -> line.contains("├─ ") || line.contains("└─ ")))
        .hasSize(5);
    String second = out.substring(out.indexOf("trace ", 1));
    assertThat(second).doesNotContain("ERROR");
  }

  @Test
  void quickstartRunsAsWrittenInTheReadme() throws Exception {
    String out = captureStdout(() -> Quickstart.main(new String[0]));
    assertThat(out).contains("stock reserved").contains("receipt-42");
    assertThat(out).contains("service=checkout");
    int root = out.indexOf("checkout  ");
    assertThat(root).isNotNegative();
    assertThat(out.indexOf("reserve-stock")).isGreaterThan(root);
    assertThat(out.indexOf("charge-card")).isGreaterThan(root);
  }

  interface ThrowingBody {
    void run() throws Exception;
  }

  static String captureStdout(ThrowingBody body) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    // only the console: no collector in tests (OTLP would only fail and be retried); the
    // variable's "console" is the same tree view as the builder's console()
    System.setProperty("otel.traces.exporter", "console");
    System.setProperty("otel.metrics.exporter", "none");
    System.setProperty("otel.logs.exporter", "none");
    try {
      body.run();
    } finally {
      System.setOut(original);
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.metrics.exporter");
      System.clearProperty("otel.logs.exporter");
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.println(out);
    return out;
  }
}
