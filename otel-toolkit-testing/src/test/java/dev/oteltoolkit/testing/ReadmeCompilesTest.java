package dev.oteltoolkit.testing;

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
        // what the README's prose leaves to the reader: the extension and the service under test
        .given(
            "interface Shop { void checkout(String cartId); }",
            "Shop shop;",
            "dev.oteltoolkit.testing.TelemetryExtension otel;")
        .tests();
  }
}
