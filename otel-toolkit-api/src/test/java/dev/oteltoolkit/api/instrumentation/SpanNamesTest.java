package dev.oteltoolkit.api.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanNamesTest {

  @Test
  void aNameIsBuiltOncePerTarget() {
    SpanNames chat = SpanNames.of("chat");
    String name = chat.name("gpt-4o");
    assertThat(name).isEqualTo("chat gpt-4o");
    assertThat(chat.name(new String("gpt-4o"))).isSameAs(name);
    assertThat(chat.name("gpt-4o-mini")).isEqualTo("chat gpt-4o-mini");
    assertThat(chat.operation()).isEqualTo("chat");
    assertThat(chat.cachedCount()).isEqualTo(2);
  }

  @Test
  void theCacheIsBoundedAndNamesBeyondItAreStillRight() {
    SpanNames send = SpanNames.of("send");
    for (int i = 0; i < SpanNames.MAX_CACHED + 10; i++) {
      assertThat(send.name("q" + i)).isEqualTo("send q" + i);
    }
    assertThat(send.cachedCount()).isEqualTo(SpanNames.MAX_CACHED);
    assertThat(send.name("late")).isEqualTo("send late");
    assertThat(send.cachedCount()).isEqualTo(SpanNames.MAX_CACHED);
  }
}
