package dev.oteltoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.readme.ReadmeSnippets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every java block of the root README compiles as printed (this module's class path holds core and
 * the modules the root README shows), and every module README is compiled by a test of its own
 * module, so a README or a block added later cannot escape.
 */
class ReadmeCompilesTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

  @TestFactory
  Stream<DynamicNode> rootReadmeSnippetsCompile() {
    return ReadmeSnippets.of(ROOT.resolve("README.md"))
        // "Testing your telemetry": the service under test is the reader's
        .given("interface Shop { void checkout(String cartId); }", "Shop shop;")
        .tests();
  }

  @Test
  void everyModuleReadmeIsCompiledByATestOfItsModule() throws IOException {
    String rootPom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    List<String> modules = new ArrayList<>();
    Matcher module = MODULE.matcher(rootPom);
    while (module.find()) {
      modules.add(module.group(1).trim());
    }
    assertThat(modules).contains("otel-toolkit-core", "otel-toolkit-jdbc");

    List<String> uncovered = new ArrayList<>();
    for (String name : modules) {
      Path dir = ROOT.resolve(name);
      if (!Files.exists(dir.resolve("README.md"))) {
        continue;
      }
      if (!compilesItsReadme(dir.resolve(Path.of("src", "test", "java")))) {
        uncovered.add(
            name
                + "/README.md: no test of "
                + name
                + " compiles it; add one with"
                + " ReadmeSnippets.of(Path.of(\"README.md\")) (see otel-toolkit-jdbc's"
                + " ReadmeCompilesTest) and otel-toolkit-api's test-jar as a test dependency");
      }
    }
    assertThat(uncovered).isEmpty();
  }

  private static boolean compilesItsReadme(Path testSources) throws IOException {
    if (!Files.isDirectory(testSources)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(testSources)) {
      List<Path> java =
          files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
      for (Path file : java) {
        if (Files.readString(file, StandardCharsets.UTF_8)
            .contains("ReadmeSnippets.of(Path.of(\"README.md\"))")) {
          return true;
        }
      }
    }
    return false;
  }
}
