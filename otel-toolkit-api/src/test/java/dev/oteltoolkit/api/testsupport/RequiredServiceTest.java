package dev.oteltoolkit.api.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** What a missing or misconfigured service does to the tests that need it. */
class RequiredServiceTest {

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

  @Test
  void aClosedPortSkipsWhereServicesAreNotRequired() throws IOException {
    RequiredService nowhere =
        RequiredService.at("Nowhere", "127.0.0.1", closedPort(), "nowhere-server --start")
            .required(false)
            .printingTo(out);

    assertThatThrownBy(nowhere::require)
        .isInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith("SKIPPED: Nowhere is not reachable at 127.0.0.1:")
        .hasMessageContaining("Start it with: nowhere-server --start");
    assertThat(console.toString(StandardCharsets.UTF_8))
        .as("the reason, on the console, as one line")
        .startsWith("[otel-toolkit tests] SKIPPED: Nowhere is not reachable at 127.0.0.1:")
        .hasLineCount(1);
  }

  @Test
  void aClosedPortFailsWhereServicesAreRequired() throws IOException {
    RequiredService nowhere =
        RequiredService.at("Nowhere", "127.0.0.1", closedPort(), "nowhere-server --start")
            .required(true)
            .printingTo(out);

    assertThatThrownBy(nowhere::require)
        .isInstanceOf(AssertionError.class)
        .isNotInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith("FAILED: Nowhere is not reachable at 127.0.0.1:")
        .hasMessageContaining("OTELTOOLKIT_REQUIRE_SERVICES=true");
    // the login is never attempted when nothing listens
    assertThatThrownBy(
            () ->
                nowhere.login(
                    () -> {
                      throw new AssertionError("must not log in to a closed port");
                    }))
        .hasMessageStartingWith("FAILED: Nowhere is not reachable");
    assertThat(console.toString(StandardCharsets.UTF_8))
        .startsWith("[otel-toolkit tests] FAILED: Nowhere is not reachable at 127.0.0.1:");
  }

  @Test
  void aServiceThatAnswersButRefusesTheLoginFailsEvenWhereNotRequired() throws IOException {
    try (ServerSocket listening = new ServerSocket(0)) {
      RequiredService database =
          RequiredService.at("FakeSQL", "127.0.0.1", listening.getLocalPort(), "fakesql")
              .required(false)
              .printingTo(out);

      assertThatThrownBy(
              () ->
                  database.login(
                      () -> {
                        throw new java.sql.SQLException(
                            "password authentication failed for user \"app\"");
                      }))
          .isInstanceOf(AssertionError.class)
          .isNotInstanceOf(TestAbortedException.class)
          .hasMessageStartingWith("FAILED: FakeSQL answers at 127.0.0.1:")
          .hasMessageContaining("refused the login")
          .hasMessageContaining("password authentication failed")
          .hasCauseInstanceOf(java.sql.SQLException.class);
      assertThat(console.toString(StandardCharsets.UTF_8))
          .startsWith("[otel-toolkit tests] FAILED: FakeSQL answers")
          .hasLineCount(1);
    }
  }

  @Test
  void aReachableServiceRunsTheTestAndHandsBackTheLogin() throws Exception {
    try (ServerSocket listening = new ServerSocket(0)) {
      RequiredService database =
          RequiredService.at("FakeSQL", "127.0.0.1", listening.getLocalPort(), "fakesql")
              .required(true)
              .printingTo(out);

      assertThat(database.unreachableReason()).isNull();
      database.require();
      assertThat(database.login(() -> "connection")).isEqualTo("connection");
      assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
    }
  }

  @Test
  void theEnvironmentDecidesByDefault() {
    String before = System.getProperty(RequiredService.REQUIRE_PROPERTY);
    try {
      System.setProperty(RequiredService.REQUIRE_PROPERTY, "TRUE");
      assertThat(RequiredService.requiredByEnvironment()).isTrue();
      System.setProperty(RequiredService.REQUIRE_PROPERTY, "false");
      assertThat(RequiredService.requiredByEnvironment())
          .isEqualTo("true".equalsIgnoreCase(System.getenv(RequiredService.REQUIRE_VARIABLE)));
    } finally {
      if (before == null) {
        System.clearProperty(RequiredService.REQUIRE_PROPERTY);
      } else {
        System.setProperty(RequiredService.REQUIRE_PROPERTY, before);
      }
    }
  }

  /** A port nothing listens on: bound, then released. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
