package dev.oteltoolkit.logging;

import dev.oteltoolkit.readme.ReadmeSnippets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Every java block of the module README compiles as printed, imports included. */
class ReadmeCompilesTest {

  @TestFactory
  Stream<DynamicNode> readmeSnippetsCompile() {
    return ReadmeSnippets.of(Path.of("README.md"))
        // the quickstart's members belong in the application's class Checkout
        .given("static final class Checkout {}")
        .tests();
  }
}
