package dev.oteltoolkit.messaging;

import dev.oteltoolkit.readme.ReadmeSnippets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every java block of the module README compiles as printed, imports included, against the real
 * broker clients (amqp-client, jnats) and the official HTTP instrumentations.
 */
class ReadmeCompilesTest {

  @TestFactory
  Stream<DynamicNode> readmeSnippetsCompile() {
    return ReadmeSnippets.of(Path.of("README.md"))
        // what the README's prose and earlier blocks define: the shared MessagingTelemetry, the
        // application's broker objects, message body and handlers
        .given(
            "io.opentelemetry.api.OpenTelemetry openTelemetry;",
            "dev.oteltoolkit.messaging.MessagingTelemetry messaging;",
            "byte[] body;",
            "com.rabbitmq.client.Channel channel;",
            "java.util.List<com.rabbitmq.client.Delivery> deliveries;",
            "void handle(com.rabbitmq.client.Delivery delivery) {}",
            "void handleAll(java.util.List<com.rabbitmq.client.Delivery> deliveries) {}",
            "io.nats.client.Connection connection;",
            "io.nats.client.Subscription subscription;",
            "void handle(io.nats.client.Message message) {}",
            "com.sun.net.httpserver.HttpServer server;",
            "com.sun.net.httpserver.HttpHandler handler;",
            "io.opentelemetry.sdk.trace.SdkTracerProvider tracerProvider;",
            "static final class OrdersService implements io.grpc.BindableService { public"
                + " io.grpc.ServerServiceDefinition bindService() { return"
                + " io.grpc.ServerServiceDefinition.builder(\"interop.Orders\").build(); } }")
        .tests();
  }
}
