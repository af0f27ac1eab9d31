package dev.oteltoolkit.tests;

import static dev.oteltoolkit.tests.TestTelemetry.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.tests.OtlpReceiver.ReceivedSpan;
import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real JVM exit: a child JVM runs {@link ExitingApp}, which uses {@code install()} and never
 * closes the toolkit. Its spans must reach the collector through the shutdown hook, when {@code
 * main} returns and when {@code System.exit(0)} interrupts work.
 */
@Timeout(120)
class JvmExitTest {

  private static final Pattern ENDED = Pattern.compile("ended-before-exit=(\\d+)");
  private static final long CHILD_TIMEOUT_SECONDS = 60;

  private OtlpReceiver receiver;

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void spansArriveWhenMainReturns(Transport transport, @TempDir Path dir) throws Exception {
    receiver = OtlpReceiver.start(transport);
    Child child = run("return", transport, dir);

    assertThat(child.exitCode()).as("exit code; stderr:%n%s", child.stderr()).isZero();
    assertThat(child.endedBeforeExit()).isEqualTo(ExitingApp.SPANS_BEFORE_RETURN);
    // The child has exited: whatever the hook sent has arrived.
    List<ReceivedSpan> spans = receiver.spans();
    List<ReceivedSpan> work = named(spans, ExitingApp.OPERATION);
    assertThat(sequences(work))
        .hasSize(ExitingApp.SPANS_BEFORE_RETURN)
        .allMatch(seq -> seq < ExitingApp.SPANS_BEFORE_RETURN);
    assertThat(work).hasSize(ExitingApp.SPANS_BEFORE_RETURN);
    ReceivedSpan startup = TestTelemetry.only(spans, "startup");
    assertThat(work)
        .allSatisfy(
            span -> {
              assertThat(span.parentSpanId()).isEqualTo(startup.spanId());
              assertThat(span.resourceAttributes())
                  .containsEntry("service.name", ExitingApp.SERVICE);
            });
    assertThat(
            receiver.histogramCount(
                "oteltoolkit.operation.duration",
                "oteltoolkit.operation.name",
                ExitingApp.OPERATION))
        .as("metrics are flushed by the hook too")
        .isEqualTo(ExitingApp.SPANS_BEFORE_RETURN);
    System.out.printf(
        "%s: main returned, %d spans arrived, child JVM ran %d ms%n",
        transport, spans.size(), child.millis());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void spansEndedBeforeSystemExitArrive(Transport transport, @TempDir Path dir) throws Exception {
    receiver = OtlpReceiver.start(transport);
    Child child = run("exit", transport, dir);

    assertThat(child.exitCode()).as("exit code; stderr:%n%s", child.stderr()).isZero();
    assertThat(child.stderr()).doesNotContain("worker error");
    int endedBeforeExit = child.endedBeforeExit();
    assertThat(endedBeforeExit).isGreaterThanOrEqualTo(ExitingApp.SPANS_BEFORE_EXIT);
    List<ReceivedSpan> work = named(receiver.spans(), ExitingApp.OPERATION);
    Set<Long> sequences = sequences(work);
    assertThat(sequences).as("no duplicates").hasSize(work.size());
    for (long seq = 0; seq < endedBeforeExit; seq++) {
      if (!sequences.contains(seq)) {
        throw new AssertionError(
            "span "
                + seq
                + " ended before System.exit(0) but never"
                + " arrived; received "
                + sequences.size()
                + " of at least "
                + endedBeforeExit);
      }
    }
    assertThat(
            receiver.histogramCount(
                "oteltoolkit.operation.duration",
                "oteltoolkit.operation.name",
                ExitingApp.OPERATION))
        .isGreaterThanOrEqualTo(endedBeforeExit);
    System.out.printf(
        "%s: System.exit(0) after %d spans had ended; %d arrived; child JVM ran" + " %d ms%n",
        transport, endedBeforeExit, work.size(), child.millis());
  }

  /** Runs {@link ExitingApp} in a child JVM on the test class path and waits for it to exit. */
  private Child run(String mode, Transport transport, Path dir)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-cp",
                classPath,
                ExitingApp.class.getName(),
                mode,
                receiver.endpoint(),
                transport.protocol())
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    // Only what the test sets: no stray OTEL_* of the build environment.
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    // A queue that holds everything the worker can make: a missing span is then a loss at exit,
    // not the (separate, counted) overflow of a burst.
    builder
        .environment()
        .put("OTEL_BSP_MAX_QUEUE_SIZE", String.valueOf(ExitingApp.WORKER_LIMIT + 1_000));
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the child JVM did not exit within "
              + CHILD_TIMEOUT_SECONDS
              + " s; stderr:\n"
              + read(dir.resolve("stderr.txt")));
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return new Child(
        process.exitValue(),
        read(dir.resolve("stdout.txt")),
        read(dir.resolve("stderr.txt")),
        millis);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static Set<Long> sequences(List<ReceivedSpan> spans) {
    Set<Long> sequences = new HashSet<>();
    for (ReceivedSpan span : spans) {
      sequences.add((Long) span.attributes().get("seq"));
    }
    return sequences;
  }

  /** What the child JVM left: its exit code and output. */
  private record Child(int exitCode, String stdout, String stderr, long millis) {

    int endedBeforeExit() {
      Matcher matcher = ENDED.matcher(stdout);
      if (!matcher.find()) {
        throw new AssertionError(
            "the child printed no count; stdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return Integer.parseInt(matcher.group(1));
    }
  }
}
