package dev.oteltoolkit.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The README snippet compiler fails on what users could not compile, and only on that. */
class ReadmeSnippetsTest {

  @TempDir Path dir;

  @Test
  void aFragmentWithoutItsImportFailsWithTheReadmeLineAndTheCompilerMessage() throws IOException {
    Path readme =
        write(
            "# Title",
            "",
            "```java",
            "Tracing tracing = Tracing.create(openTelemetry);",
            "Map<String, String> seen = new HashMap<>();",
            "```");

    List<String> failures =
        ReadmeSnippets.of(readme)
            .given("io.opentelemetry.api.OpenTelemetry openTelemetry;")
            .failures();

    // every type it names and does not import, each on its own README line
    assertThat(failures).hasSize(4);
    assertThat(failures.get(0))
        .startsWith(readme.toAbsolutePath() + ":4: error: cannot find symbol")
        .contains("class Tracing")
        .contains("Tracing tracing = Tracing.create(openTelemetry);")
        .contains("java block at line 3");
    assertThat(failures.get(2))
        .startsWith(readme.toAbsolutePath() + ":5: error: cannot find symbol")
        .contains("class Map");
  }

  @Test
  void theSameFragmentWithItsImportsCompiles() throws IOException {
    Path readme =
        write(
            "```java",
            "import dev.oteltoolkit.api.Tracing;",
            "import java.util.HashMap;",
            "import java.util.Map;",
            "",
            "Tracing tracing = Tracing.create(openTelemetry);",
            "Map<String, String> seen = new HashMap<>();",
            "```");

    assertThat(
            ReadmeSnippets.of(readme)
                .given("io.opentelemetry.api.OpenTelemetry openTelemetry;")
                .failures())
        .isEmpty();
  }

  @Test
  void aFreeVariableNotGivenFails() throws IOException {
    Path readme =
        write(
            "```java",
            "import dev.oteltoolkit.api.Tracing;",
            "",
            "Tracing tracing = Tracing.create(openTelemetry);",
            "```");

    assertThat(ReadmeSnippets.of(readme).failures())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(":4: error: cannot find symbol")
        .contains("variable openTelemetry");
  }

  @Test
  void membersAndStatementsOfOneFragmentCompileTogether() throws IOException {
    // the shape of the messaging README's NATS block: fields, then statements using them
    Path readme =
        write(
            "```java",
            "import java.util.function.BiConsumer;",
            "",
            "static final BiConsumer<StringBuilder, String> APPEND = (sb, s) -> sb.append(s);",
            "@SuppressWarnings(\"unused\")",
            "private static int twice(int x) {",
            "",
            "  return 2 * x;",
            "}",
            "",
            "// statements",
            "StringBuilder sb = new StringBuilder();",
            "APPEND.accept(sb, String.valueOf(twice(21)));",
            "```");

    assertThat(ReadmeSnippets.of(readme).failures()).isEmpty();
  }

  @Test
  void aWholeClassCompilesAsPrintedAndTwoBlocksMayDeclareTheSameClass() throws IOException {
    Path readme =
        write(
            "```java",
            "import static dev.oteltoolkit.api.Traced.traced;",
            "",
            "public class Quickstart {",
            "  public static void main(String[] args) {",
            "    traced(\"work\", () -> System.out.println(\"hi\"));",
            "  }",
            "}",
            "```",
            "",
            "```java",
            "public class Quickstart {",
            "  static void run() { undefined(); }",
            "}",
            "```");

    assertThat(ReadmeSnippets.of(readme).failures())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(":13: error: cannot find symbol")
        .contains("undefined()");
  }

  @Test
  void aWholeClassAfterACommentParagraphIsStillAWholeClass() throws IOException {
    Path readme =
        write(
            "```java",
            "// Main.java",
            "",
            "public class Main {",
            "  public static void main(String[] args) {}",
            "}",
            "```");

    assertThat(ReadmeSnippets.of(readme).failures()).isEmpty();
  }

  @Test
  void pseudoCodeInATextFenceIsNotCompiledAndABareFenceIsReported() throws IOException {
    Path readme =
        write(
            "```text",
            "ai.invokeAgent(\"planner\").call(span -> ...)",
            "```",
            "",
            "```",
            "trace 0af7651916cd43dd8448eb211c80319c",
            "```");

    assertThat(ReadmeSnippets.of(readme).javaBlocks()).isEmpty();
    assertThat(ReadmeSnippets.of(readme).failures())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(":5: a code fence without a language");
  }

  @Test
  void anIndentedFenceInAListIsCompiledWithItsLinesInPlace() throws IOException {
    Path readme =
        write(
            "- With an SDK:",
            "",
            "  ```java",
            "  String s = \"a\";",
            "  int n = s.lengthh();",
            "  ```");

    assertThat(ReadmeSnippets.of(readme).failures())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(":5: error: cannot find symbol")
        .contains("int n = s.lengthh();");
  }

  @Test
  void anErrorInTheGivenDeclarationsIsBlamedOnTheTestNotTheReadme() throws IOException {
    Path readme = write("```java", "int n = 1;", "```");

    assertThat(ReadmeSnippets.of(readme).given("NoSuchType x;").failures())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("fails in the test's wrapper or given(..) declarations")
        .contains("NoSuchType x;");
  }

  @Test
  void givenRefusesImports() {
    assertThatThrownBy(() -> ReadmeSnippets.of(write("# no code")).given("import java.util.Map;"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not imports");
  }

  @Test
  void theDynamicTestsNameTheReadmeLineAndFailWithTheMessage() throws IOException {
    Path readme = write("```java", "int n = \"text\";", "```", "", "```java", "int m = 2;", "```");

    List<DynamicNode> tests = ReadmeSnippets.of(readme).tests().collect(Collectors.toList());

    assertThat(tests)
        .extracting(DynamicNode::getDisplayName)
        .containsExactly(
            readme.toAbsolutePath() + ": every code fence names its language",
            readme.toAbsolutePath() + ":1 compiles",
            readme.toAbsolutePath() + ":5 compiles");
    assertThatThrownBy(() -> ((DynamicTest) tests.get(1)).getExecutable().execute())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(":2: error: incompatible types");
    assertThat(tests.get(2)).isInstanceOf(DynamicTest.class);
    try {
      ((DynamicTest) tests.get(2)).getExecutable().execute();
    } catch (Throwable e) {
      throw new AssertionFailedError("the second block compiles", e);
    }
  }

  @Test
  void codeWithoutImportsIsWhatATestKeepsBetweenItsMarkers() throws IOException {
    Path readme =
        write("```java", "import java.util.List;", "", "List<String> names = List.of();", "```");

    CodeBlock block = ReadmeSnippets.javaBlocks(readme).get(0);

    assertThat(block.codeWithoutImports()).isEqualTo("List<String> names = List.of();");
    assertThat(block.code()).startsWith("import java.util.List;\n\n");
  }

  @Test
  void anUnclosedFenceIsAnError() {
    assertThatThrownBy(() -> ReadmeSnippets.of(write("text", "```java", "int n = 1;")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2: the code fence opened here is never closed");
  }

  private Path write(String... lines) throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, String.join("\n", lines) + "\n");
    return readme;
  }
}
