package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A short run (build, a little work, close, return from main) in a child JVM: with nothing
 * listening at the endpoint, exiting costs about what it costs with telemetry off and prints one
 * line saying what was not delivered; a collector that is there but slow still gets everything. The
 * bounds are generous liveness checks; the measured figures go to docs/RELIABILITY.md.
 */
class ExitWithoutCollectorTest {

  private static final Pattern WORK_DONE = Pattern.compile("work-done (\\d+)");

  @ParameterizedTest
  @EnumSource(Transport.class)
  void nothingListeningCostsAboutNothingAtExitAndSaysSoInOneLine(
      Transport transport, @TempDir Path dir) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + closedPort;
    Child off = run(dir.resolve("off"), endpoint, transport, Map.of("OTEL_SDK_DISABLED", "true"));
    Child down = run(dir.resolve("down"), endpoint, transport, Map.of());

    assertThat(down.exitCode()).as("stderr:%n%s", down.stderr()).isZero();
    // what the application's user sees: one line, naming where nothing listened and what to do
    List<String> lines = down.stderrLines();
    assertThat(lines).as("stderr:%n%s", down.stderr()).hasSizeLessThanOrEqualTo(2);
    String message = lines.get(lines.size() - 1);
    assertThat(message)
        .startsWith(
            "WARNING: otel-toolkit: nothing is listening at 127.0.0.1:"
                + closedPort
                + " (OTLP), so "
                + ShortRunApp.SPANS
                + " spans, ")
        .contains("OTEL_EXPORTER_OTLP_ENDPOINT");
    assertThat(off.stderr()).isEmpty();
    // a liveness bound, not a benchmark: exiting must not wait for retries or for threads
    assertThat(Duration.ofMillis(down.exitMillis())).isLessThan(Duration.ofSeconds(5));
    System.out.printf(
        "%s: exit after the work took %d ms with nothing listening, %d ms with telemetry off"
            + " (child JVMs ran %d / %d ms)%n",
        transport, down.exitMillis(), off.exitMillis(), down.millis(), off.millis());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSlowCollectorStillGetsEverythingWithinTheShutdownTimeout(
      Transport transport, @TempDir Path dir) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(transport)) {
      receiver.delay(Duration.ofMillis(1500));
      Child slow = run(dir, receiver.endpoint(), transport, Map.of());

      assertThat(slow.exitCode()).as("stderr:%n%s", slow.stderr()).isZero();
      assertThat(slow.stderr()).doesNotContain("nothing is listening");
      assertThat(receiver.spans()).hasSize(ShortRunApp.SPANS);
      System.out.printf(
          "%s: a collector taking 1.5 s per request got all %d spans; exit took %d ms%n",
          transport, ShortRunApp.SPANS, slow.exitMillis());
    }
  }

  private static Child run(Path dir, String endpoint, Transport transport, Map<String, String> env)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                classPath,
                ShortRunApp.class.getName(),
                endpoint,
                transport.protocol())
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child JVM did not exit within 60 s");
    }
    long end = System.nanoTime();
    String stdout = Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    String stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    Matcher done = WORK_DONE.matcher(stdout);
    if (!done.find()) {
      throw new AssertionError(
          "the child did no work; stdout:\n" + stdout + "\nstderr:\n" + stderr);
    }
    long exitMillis = TimeUnit.NANOSECONDS.toMillis(end - Long.parseLong(done.group(1)));
    return new Child(
        process.exitValue(), stderr, TimeUnit.NANOSECONDS.toMillis(end - start), exitMillis);
  }

  /** A child JVM's exit code, standard error, run time and time from the work's end to exit. */
  private record Child(int exitCode, String stderr, long millis, long exitMillis) {
    List<String> stderrLines() {
      return stderr.lines().filter(line -> !line.isBlank()).collect(Collectors.toList());
    }
  }
}
