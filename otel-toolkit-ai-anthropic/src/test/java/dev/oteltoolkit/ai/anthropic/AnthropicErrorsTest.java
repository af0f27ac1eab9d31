package dev.oteltoolkit.ai.anthropic;

import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.error;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.json;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.message;
import static dev.oteltoolkit.ai.anthropic.FakeAnthropic.usage;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnexpectedStatusCodeException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failed calls: HTTP errors, timeouts and refused connections fail the span with the SDK's
 * exception, and the caller gets exactly what the unwrapped client throws.
 */
class AnthropicErrorsTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  private final FakeAnthropic server;
  private final AnthropicClient raw;
  private final AnthropicClient client;

  AnthropicErrorsTest() throws Exception {
    server = new FakeAnthropic();
    raw = clientFor(server.baseUrl(), 0, Duration.ofSeconds(30));
    client = AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry())).wrap(raw);
  }

  @AfterEach
  void tearDown() {
    server.close();
    raw.close();
  }

  private static AnthropicClient clientFor(String baseUrl, int maxRetries, Duration timeout) {
    return AnthropicOkHttpClient.builder()
        .baseUrl(baseUrl)
        .apiKey("test-key")
        .maxRetries(maxRetries)
        .timeout(timeout)
        .build();
  }

  private static MessageCreateParams params() {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(1024)
        .addUserMessage("Hi")
        .build();
  }

  static Stream<Arguments> httpErrors() {
    return Stream.of(
        // status, Anthropic's error type, the SDK's exception, error.type
        Arguments.of(
            400,
            "invalid_request_error",
            BadRequestException.class,
            BadRequestException.class.getName()),
        Arguments.of(
            429, "rate_limit_error", RateLimitException.class, RateLimitException.class.getName()),
        Arguments.of(
            500,
            "api_error",
            InternalServerException.class,
            InternalServerException.class.getName()),
        // Anthropic's "overloaded": its own exception in the SDK
        Arguments.of(
            529,
            "overloaded_error",
            OverloadedException.class,
            OverloadedException.class.getName()),
        // a status the SDK has no exception for: error.type is the status code
        Arguments.of(418, "teapot_error", UnexpectedStatusCodeException.class, "418"));
  }

  @ParameterizedTest
  @MethodSource("httpErrors")
  void anHttpErrorFailsTheSpanAndTheCallerGetsWhatTheUnwrappedClientThrows(
      int status, String type, Class<? extends Throwable> exception, String errorType) {
    server
        .reply(json(status, error(type, "went wrong")))
        .reply(json(status, error(type, "went wrong")));

    Throwable unwrapped = Assertions.catchThrowable(() -> raw.messages().create(params()));
    Throwable wrapped = Assertions.catchThrowable(() -> client.messages().create(params()));

    Assertions.assertThat(wrapped).isExactlyInstanceOf(exception);
    Assertions.assertThat(wrapped)
        .isExactlyInstanceOf(unwrapped.getClass())
        .hasMessage(unwrapped.getMessage());
    otel.assertTrace("chat claude-sonnet-4-5")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(wrapped)
                    .hasAttributesSatisfyingExactly(
                        equalTo(GEN_AI_OPERATION_NAME, "chat"),
                        equalTo(GEN_AI_PROVIDER_NAME, "anthropic"),
                        equalTo(GEN_AI_REQUEST_MODEL, "claude-sonnet-4-5"),
                        equalTo(GEN_AI_REQUEST_MAX_TOKENS, 1024L),
                        equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
                        equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
                        equalTo(ErrorAttributes.ERROR_TYPE, errorType)));
    assertThat(otel.metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasAttributesSatisfying(equalTo(ErrorAttributes.ERROR_TYPE, errorType))));
  }

  @Test
  void aTimeoutFailsTheSpanWithTheSdksException() {
    server.reply(FakeAnthropic.after(server.release, json(200, "{}")));
    AnthropicClient impatient =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry()))
            .wrap(clientFor(server.baseUrl(), 0, Duration.ofMillis(200)));

    Throwable thrown = Assertions.catchThrowable(() -> impatient.messages().create(params()));

    Assertions.assertThat(thrown).isInstanceOf(AnthropicIoException.class);
    otel.assertTrace("chat claude-sonnet-4-5")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(thrown)
                    .hasAttribute(
                        ErrorAttributes.ERROR_TYPE, AnthropicIoException.class.getName()));
    impatient.close();
  }

  @Test
  void aRefusedConnectionFailsTheSpanWithTheSdksException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AnthropicClient nowhere =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry()))
            .wrap(clientFor("http://127.0.0.1:" + closedPort, 0, Duration.ofSeconds(5)));

    Throwable thrown = Assertions.catchThrowable(() -> nowhere.messages().create(params()));

    Assertions.assertThat(thrown).isInstanceOf(AnthropicIoException.class);
    otel.assertTrace("chat claude-sonnet-4-5")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, AnthropicIoException.class.getName())
                    .hasAttribute(ServerAttributes.SERVER_PORT, (long) closedPort));
    nowhere.close();
  }

  @Test
  void theSdksRetriesAreInsideTheOneSpanOfTheCall() {
    // the SDK retries a 529 (here after the 1 ms the server asks for); the call succeeds
    server
        .reply(json(529, error("overloaded_error", "Overloaded"), "retry-after-ms", "1"))
        .reply(
            json(
                200, message("msg_r", "claude-sonnet-4-5", "Hi.", "end_turn", usage(10, 2, 0, 0))));
    AnthropicClient retrying =
        AnthropicTelemetry.create(GenAiTelemetry.create(otel.openTelemetry()))
            .wrap(clientFor(server.baseUrl(), 2, Duration.ofSeconds(30)));

    Message answer = retrying.messages().create(params());

    Assertions.assertThat(answer.id()).isEqualTo("msg_r");
    Assertions.assertThat(server.requests()).hasSize(2);
    otel.assertTrace("chat claude-sonnet-4-5")
        .hasNoOtherSpans()
        .hasRoot(
            chat ->
                chat.hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET))
                    .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 10L));
    Assertions.assertThat(otel.spans()).hasSize(1);
    retrying.close();
  }

  @Test
  void anAsyncFailureFailsTheSpanAndCompletesTheFutureWithTheSdksException() {
    server.reply(json(529, error("overloaded_error", "Overloaded")));

    Throwable thrown =
        Assertions.catchThrowable(() -> client.async().messages().create(params()).join());

    Assertions.assertThat(thrown)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(OverloadedException.class);
    otel.assertTrace("chat claude-sonnet-4-5")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(thrown.getCause())
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, OverloadedException.class.getName()));
  }

  @Test
  void aCancelledAsyncCallEndsItsSpanAsCancelled() throws Exception {
    server.reply(FakeAnthropic.after(server.release, json(200, "{}")));

    client.async().messages().create(params()).cancel(true);

    otel.awaitTrace("chat claude-sonnet-4-5")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, "cancelled"));
  }
}
