package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install()'s JVM shutdown hook exports every queued span when main returns. */
class ShutdownHookTest {

  @Test
  void queuedSpansAreExportedWhenTheJvmExits(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("spans.txt");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ShutdownHookMain.class.getName(),
                out.toString(),
                "1000")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM exited").isTrue();
    assertThat(process.exitValue())
        .as(new String(Files.readAllBytes(dir.resolve("child.log")), StandardCharsets.UTF_8))
        .isZero();

    List<String> names = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(names).hasSize(1000).contains("queued-0", "queued-999").doesNotHaveDuplicates();
  }
}
