package dev.oteltoolkit.messaging;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The options both span builders share ({@link CommonSpanOptions}). */
class CommonSpanOptionsTest {

  private final TestService service = TestService.withPlainSdk("service");

  @AfterEach
  void tearDown() {
    service.close();
  }

  @Test
  void buildersWithoutOptionsSetOnlyTheMessagingAttributes() {
    service.messaging.producer("nats", "orders").run(() -> {});
    service.messaging.consumer("nats", "orders").run(() -> {});

    assertThat(service.span("send orders"))
        .hasKind(SpanKind.PRODUCER)
        .hasTotalRecordedLinks(0)
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "nats"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "send"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "send"));
    assertThat(service.span("process orders"))
        .hasKind(SpanKind.CONSUMER)
        .hasTotalRecordedLinks(0)
        .hasAttributesSatisfyingExactly(
            equalTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM, "nats"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME, "orders"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE, "process"),
            equalTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME, "process"));
  }

  @Test
  void anAttributeOfTheUsersWinsOverTheOptionForTheSameKey() {
    service
        .messaging
        .producer("nats", "orders")
        .attribute(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID, "from-attribute")
        .messageId("from-option")
        .run(() -> {});
    service
        .messaging
        .consumer("nats", "orders")
        .messageId("from-option")
        .attribute(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID, "from-attribute")
        .run(() -> {});

    for (String name : List.of("send orders", "process orders")) {
      Assertions.assertThat(
              service
                  .span(name)
                  .getAttributes()
                  .get(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID))
          .as(name)
          .isEqualTo("from-attribute");
    }
  }
}
