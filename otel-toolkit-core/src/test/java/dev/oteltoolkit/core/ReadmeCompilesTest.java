package dev.oteltoolkit.core;

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
        // the application's own objects the README's examples call
        .given(
            "io.opentelemetry.api.OpenTelemetry openTelemetry;",
            "record Order(String id, int items) {}",
            "record Quote(long cents) {}",
            "record Receipt(String id) {}",
            "interface Orders { Order find(String id); }",
            "interface Mailer { void send(Order order); }",
            "interface Pricing {",
            "  long total(Order order);",
            "  java.util.concurrent.CompletableFuture<Quote> quoteAsync(Order order);",
            "}",
            "interface Gateway { Receipt charge(Order order); }",
            "interface Index { void rebuild(); }",
            "Orders orders;",
            "String orderId;",
            "Order order;",
            "Mailer mailer;",
            "Pricing pricing;",
            "Gateway gateway;",
            "Index index;")
        .tests();
  }
}
