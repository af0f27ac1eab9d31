package dev.oteltoolkit.messaging;

import dev.oteltoolkit.api.instrumentation.SpanNames;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Span names {@code "{operation} {destination}"}, cached per destination (cached by {@link
 * SpanNames}).
 */
class SpanNamesTest {

  private final TestService service = TestService.withPlainSdk("service");

  @AfterEach
  void tearDown() {
    service.close();
  }

  @Test
  void spanNamesAreRightForEveryDestinationAndOperation() {
    int destinations = SpanNames.MAX_CACHED + 10; // past the cache as well
    for (int i = 0; i < destinations; i++) {
      service.messaging.publish("rabbitmq", "queue-" + i, new HashMap<String, String>(), () -> {});
      service.messaging.process("rabbitmq", "queue-" + i, null, () -> {});
    }
    service.messaging.producer("rabbitmq", "queue-0").operationName("publish").run(() -> {});
    service.messaging.consumer("rabbitmq", "queue-0").operationName("deliver").run(() -> {});
    // a destination called like an operation
    service.messaging.publish("rabbitmq", "send", new HashMap<String, String>(), () -> {});

    List<String> names =
        service.spans().stream().map(SpanData::getName).collect(Collectors.toList());
    Assertions.assertThat(names).hasSize(2 * destinations + 3);
    for (int i = 0; i < destinations; i++) {
      Assertions.assertThat(names.get(2 * i)).isEqualTo("send queue-" + i);
      Assertions.assertThat(names.get(2 * i + 1)).isEqualTo("process queue-" + i);
    }
    Assertions.assertThat(names.subList(2 * destinations, names.size()))
        .containsExactly("publish queue-0", "deliver queue-0", "send send");
  }
}
