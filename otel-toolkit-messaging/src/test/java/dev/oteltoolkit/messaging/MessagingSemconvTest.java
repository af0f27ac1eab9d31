package dev.oteltoolkit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every incubating key copied into {@link MessagingSemconv} equals the semconv artifact's. */
class MessagingSemconvTest {

  @Test
  void copiedKeysEqualTheIncubatingArtifact() {
    assertThat(MessagingSemconv.MESSAGING_SYSTEM)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_SYSTEM);
    assertThat(MessagingSemconv.MESSAGING_DESTINATION_NAME)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME);
    assertThat(MessagingSemconv.MESSAGING_OPERATION_TYPE)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE);
    assertThat(MessagingSemconv.MESSAGING_OPERATION_NAME)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME);
    assertThat(MessagingSemconv.MESSAGING_MESSAGE_ID)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID);
    assertThat(MessagingSemconv.MESSAGING_MESSAGE_CONVERSATION_ID)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_CONVERSATION_ID);
    assertThat(MessagingSemconv.MESSAGING_MESSAGE_BODY_SIZE)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_MESSAGE_BODY_SIZE);
    assertThat(MessagingSemconv.MESSAGING_BATCH_MESSAGE_COUNT)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_BATCH_MESSAGE_COUNT);
    assertThat(MessagingSemconv.MESSAGING_CONSUMER_GROUP_NAME)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_CONSUMER_GROUP_NAME);
    assertThat(MessagingSemconv.MESSAGING_DESTINATION_SUBSCRIPTION_NAME)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_DESTINATION_SUBSCRIPTION_NAME);
    assertThat(MessagingSemconv.MESSAGING_CLIENT_ID)
        .isEqualTo(MessagingIncubatingAttributes.MESSAGING_CLIENT_ID);
  }

  @Test
  void copiedValuesEqualTheIncubatingArtifact() {
    assertThat(MessagingSemconv.OPERATION_TYPE_SEND)
        .isEqualTo(MessagingOperationTypeIncubatingValues.SEND);
    assertThat(MessagingSemconv.OPERATION_TYPE_PROCESS)
        .isEqualTo(MessagingOperationTypeIncubatingValues.PROCESS);
  }

  /** A constant added to the copy without a comparison above fails here. */
  @Test
  void everyCopiedConstantIsCompared() {
    long constants =
        Arrays.stream(MessagingSemconv.class.getDeclaredFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()))
            .map(Field::getName)
            .count();
    assertThat(constants).isEqualTo(11 + 2);
  }
}
