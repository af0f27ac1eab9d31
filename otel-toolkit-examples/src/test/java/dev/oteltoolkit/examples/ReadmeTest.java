package dev.oteltoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The README's quickstart is the code of {@link Quickstart}, which DemoTest runs. */
class ReadmeTest {

  @Test
  void readmeQuickstartIsTheTestedCode() throws IOException {
    String source = read(Paths.get("src/main/java/dev/oteltoolkit/examples/Quickstart.java"));
    int begin = source.indexOf("// README:quickstart:begin\n");
    int end = source.indexOf("// README:quickstart:end");
    assertThat(begin).isNotNegative();
    assertThat(end).isGreaterThan(begin);
    String snippet = source.substring(begin + "// README:quickstart:begin\n".length(), end);

    String readme = read(Paths.get("..", "README.md"));
    assertThat(readme).contains("```java\n" + snippet + "```\n");
  }

  @Test
  void readmeGivesTheCommandsThatCiRuns() throws IOException {
    String readme = read(Paths.get("..", "README.md"));
    String ci = read(Paths.get("..", ".ci", "run"));
    assertThat(readme).contains("mvn -B -ntp clean verify");
    assertThat(ci).contains("TEST_COMMAND=(mvn -B -ntp clean verify)");
    assertThat(readme)
        .contains("mvn -B -ntp -q -pl otel-toolkit-examples -am test-compile exec:java");
  }

  private static String read(Path path) throws IOException {
    return new String(Files.readAllBytes(path), StandardCharsets.UTF_8).replace("\r\n", "\n");
  }
}
