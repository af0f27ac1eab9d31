package dev.oteltoolkit.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A Node.js service of {@code src/test/node} run as a child process for a test: started with the
 * given environment, ready once it printed {@code LISTENING <port>}, stopped with SIGTERM (it
 * flushes its telemetry first) and killed if it does not exit in time.
 *
 * <p>{@link #require()} is the one place that decides whether Node.js is there. Missing {@code
 * node} or missing packages ({@code npm ci} not run) skip the test loudly, as the tests that need a
 * database or a broker do, except where {@code .ci/run} says Node.js is required (it exports {@code
 * OTELTOOLKIT_REQUIRE_NODE=true} after installing the packages): there the test fails.
 */
final class NodeService implements AutoCloseable {

  /** Where the Node.js side lives, from the working directory of this module's tests. */
  static final Path DIRECTORY = Path.of("node").toAbsolutePath();

  private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+).*");
  private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
  private static final int MAX_OUTPUT_LINES = 200;

  private final Process process;
  private final int port;
  private final List<String> output;

  private NodeService(Process process, int port, List<String> output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /**
   * Checks that {@code node} (18.19 or later) runs and that the packages are installed; otherwise
   * skips the test, or fails it where {@code OTELTOOLKIT_REQUIRE_NODE=true}.
   *
   * @return the Node.js version
   */
  static String require() {
    String problem;
    String version = null;
    try {
      Process probe = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!probe.waitFor(30, TimeUnit.SECONDS)) {
        probe.destroyForcibly();
        problem = "`node --version` did not answer within 30 s";
      } else {
        Matcher m = VERSION.matcher(out);
        if (probe.exitValue() != 0 || !m.matches()) {
          problem = "`node --version` answered \"" + out + "\"";
        } else if (Integer.parseInt(m.group(1)) < 18
            || (Integer.parseInt(m.group(1)) == 18 && Integer.parseInt(m.group(2)) < 19)) {
          problem = "Node.js " + out + " is too old (OpenTelemetry's JS SDK needs 18.19 or later)";
        } else if (!Files.isDirectory(DIRECTORY.resolve("node_modules/@opentelemetry/sdk-node"))) {
          problem = "the npm packages are not installed in " + DIRECTORY;
        } else {
          version = out;
          problem = null;
        }
      }
    } catch (IOException e) {
      problem = "no `node` on the PATH (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted while probing `node`";
    }
    if (problem == null) {
      return version;
    }
    boolean required = "true".equalsIgnoreCase(System.getenv("OTELTOOLKIT_REQUIRE_NODE"));
    String message =
        "the Node.js interop test: "
            + problem
            + ". Install Node.js 18.19+ and run `npm ci --ignore-scripts` in src/test/node"
            + " (.ci/run does both)";
    if (required) {
      String failure = "FAILED " + message + "; OTELTOOLKIT_REQUIRE_NODE=true says it must run";
      System.err.println("[otel-toolkit-tests] " + failure);
      throw new AssertionError(failure);
    }
    String skip = "SKIPPED " + message;
    System.err.println("[otel-toolkit-tests] " + skip);
    Assumptions.abort(skip);
    throw new AssertionError("unreachable");
  }

  /**
   * Starts {@code script} of {@link #DIRECTORY} with {@code environment} added to this process's
   * (minus any stray {@code OTEL_*}), and waits (bounded) until it listens.
   */
  static NodeService start(String script, Map<String, String> environment)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("node", script).directory(DIRECTORY.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    List<String> output = new ArrayList<>();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(() -> read(process.getInputStream(), output, listening), "node-" + script);
    reader.setDaemon(true);
    reader.start();
    try {
      int port = listening.get(60, TimeUnit.SECONDS);
      return new NodeService(process, port, output);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "node "
              + script
              + " did not start listening (exit "
              + (process.isAlive() ? "none" : process.exitValue())
              + "); its output:\n"
              + String.join("\n", snapshot(output)),
          e);
    }
  }

  /** The loopback port the service listens on. */
  int port() {
    return port;
  }

  /** What the service printed so far (stdout and stderr, at most 200 lines), for messages. */
  String output() {
    return String.join("\n", snapshot(output));
  }

  /**
   * Sends SIGTERM (the service flushes its telemetry, then exits), waits up to 20 s, then kills.
   *
   * @return the exit code, or -1 when it had to be killed
   */
  int stop() throws InterruptedException {
    process.destroy();
    if (process.waitFor(20, TimeUnit.SECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  private static void read(
      InputStream in, List<String> output, CompletableFuture<Integer> listening) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (output) {
          if (output.size() < MAX_OUTPUT_LINES) {
            output.add(line);
          }
        }
        Matcher m = LISTENING.matcher(line);
        if (m.matches()) {
          listening.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      listening.completeExceptionally(e);
    }
    listening.completeExceptionally(new IOException("the process closed its output"));
  }

  private static List<String> snapshot(List<String> output) {
    synchronized (output) {
      return List.copyOf(output);
    }
  }
}
