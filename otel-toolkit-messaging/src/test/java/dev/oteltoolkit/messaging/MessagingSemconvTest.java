package dev.oteltoolkit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MessagingOperationTypeIncubatingValues;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
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

  /**
   * Every static field of the copy, found by reflection (no hand-kept count), has the official
   * constant of the same name (keys in {@code MessagingIncubatingAttributes}, {@code
   * OPERATION_TYPE_X} values in {@code MessagingOperationTypeIncubatingValues.X}) and equals it: a
   * constant added to the copy without a counterpart, or with a different value, fails here.
   */
  @Test
  void everyCopiedConstantHasAnEqualOfficialCounterpart() throws ReflectiveOperationException {
    List<Field> copies =
        Arrays.stream(MessagingSemconv.class.getDeclaredFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()) && !f.isSynthetic())
            .toList();
    assertThat(copies).isNotEmpty();
    for (Field copy : copies) {
      copy.setAccessible(true);
      String name = copy.getName();
      Field official =
          name.startsWith("OPERATION_TYPE_")
              ? MessagingOperationTypeIncubatingValues.class.getField(
                  name.substring("OPERATION_TYPE_".length()))
              : MessagingIncubatingAttributes.class.getField(name);
      assertThat(copy.get(null)).as(name).isEqualTo(official.get(null));
    }
  }
}
