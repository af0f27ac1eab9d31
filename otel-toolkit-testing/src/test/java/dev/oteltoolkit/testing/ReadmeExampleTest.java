package dev.oteltoolkit.testing;

import static dev.oteltoolkit.api.Traced.traced;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example at the top of this module's README and in the main README's "Testing your
 * telemetry": it compiles, runs, and is the code between the markers below.
 */
class ReadmeExampleTest {

  private static final String BEGIN = "// README-BEGIN";
  private static final String END = "// README-END";

  /** The code under test: a service traced with the static functions, as users write it. */
  static final class Shop {
    void checkout(String cart) {
      traced("checkout", () -> {
        traced("charge card", () -> {});
      });
    }
  }

  private final Shop shop = new Shop();

  // README-BEGIN
  @RegisterExtension static final TelemetryExtension otel = TelemetryExtension.create();

  @Test
  void checkoutChargesTheCard() {
    shop.checkout("cart-1");
    otel.assertTrace("checkout").hasChild("charge card").hasNoOtherSpans();
    otel.assertOperation("checkout").hasCount(1).hasNoErrors();
  }
  // README-END

  @Test
  void bothReadmesShowExactlyThisCode() throws IOException {
    String snippet = snippet();
    assertThat(firstJavaBlock(Files.readString(Path.of("README.md")), "# otel-toolkit-testing"))
        .isEqualTo(snippet);
    assertThat(firstJavaBlock(Files.readString(Path.of("../README.md")),
            "## Testing your telemetry"))
        .isEqualTo(snippet);
  }

  private static String snippet() throws IOException {
    List<String> lines = Arrays.asList(Files.readString(
        Path.of("src/test/java/dev/oteltoolkit/testing/ReadmeExampleTest.java")).split("\n", -1));
    int begin = indexOf(lines, BEGIN);
    int end = indexOf(lines, END);
    String indent = lines.get(begin).substring(0, lines.get(begin).indexOf(BEGIN));
    return lines.subList(begin + 1, end).stream()
        .map(line -> line.startsWith(indent) ? line.substring(indent.length()) : line)
        .collect(Collectors.joining("\n"));
  }

  /** The code of the first java block after {@code heading}, after its import lines. */
  private static String firstJavaBlock(String markdown, String heading) {
    int section = markdown.indexOf(heading);
    assertThat(section).as("the README has the heading " + heading).isNotNegative();
    int start = markdown.indexOf("```java\n", section);
    assertThat(start).as("a java block after " + heading).isNotNegative();
    String block = markdown.substring(start + 8, markdown.indexOf("\n```", start + 8));
    List<String> lines = Arrays.asList(block.split("\n", -1));
    int code = 0;
    while (code < lines.size()
        && (lines.get(code).startsWith("import ") || lines.get(code).isBlank())) {
      code++;
    }
    return String.join("\n", lines.subList(code, lines.size()));
  }

  /** The index of the line that is {@code marker} alone (not the constant declaring it). */
  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("no line " + marker);
  }
}
