package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The one place that decides whether a server's tests run skips them loudly when it is down. */
class TestDatabaseTest {

  @Test
  void anUnreachableServerAbortsWithTheReason() {
    TestDatabase nowhere =
        new TestDatabase("Nowhere", "127.0.0.1", 1, List.of(() -> {
          throw new AssertionError("must not connect when the port is closed");
        }));
    assertThatThrownBy(nowhere::require)
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("SKIPPED Nowhere tests")
        .hasMessageContaining("not reachable at 127.0.0.1:1");
  }
}
