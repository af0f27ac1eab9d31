package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTP errors, timeouts, refused connections and retries. */
class ErrorsTest extends OpenAiTestBase {

  @ParameterizedTest
  @CsvSource({
    "400, invalid_request_error, com.openai.errors.BadRequestException",
    "401, invalid_api_key, com.openai.errors.UnauthorizedException",
    "429, rate_limit_exceeded, com.openai.errors.RateLimitException",
    "500, server_error, com.openai.errors.InternalServerException"
  })
  void anHttpErrorFailsTheSpanWithTheSdkExceptionAndReachesTheCallerUnchanged(
      int status, String code, String exceptionType) {
    server.json(status, Wire.error("the error " + status, code));
    OpenAIClient client = client();
    // what the unwrapped client throws for the same answer
    server.json(status, Wire.error("the error " + status, code));
    Throwable unwrapped =
        catchThrowable(
            () -> rawClient().chat().completions().create(ChatCompletionsTest.question().build()));

    Throwable thrown =
        catchThrowable(
            () ->
                tracing.traced(
                    "request",
                    () ->
                        client
                            .chat()
                            .completions()
                            .create(ChatCompletionsTest.question().build())));

    assertThat(thrown)
        .isInstanceOf(OpenAIServiceException.class)
        .hasMessage(unwrapped.getMessage());
    assertThat(thrown.getClass())
        .isSameAs(unwrapped.getClass())
        .hasToString("class " + exceptionType);
    assertThat(((OpenAIServiceException) thrown).statusCode()).isEqualTo(status);
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat)
        .hasParent(otel.span("request"))
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
            equalTo(Keys.API_TYPE, "chat_completions"),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) server.port()),
            equalTo(ErrorAttributes.ERROR_TYPE, exceptionType),
            equalTo(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status));
    assertThat(chat.getEvents()).extracting(e -> e.getName()).containsExactly("exception");
    assertThat(otel.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .singleElement()
        .satisfies(
            point ->
                assertThat(point.getAttributes().get(ErrorAttributes.ERROR_TYPE))
                    .isEqualTo(exceptionType));
  }

  @Test
  void theVeryExceptionInstanceTheSdkThrowsReachesTheCaller() {
    RuntimeException boom = new IllegalStateException("from the SDK");
    OpenAIClient failing = StubClients.throwing(boom);
    OpenAIClient client = OpenAiTelemetry.create(genAi().build()).wrap(failing);

    assertThat(
            catchThrowable(
                () -> client.chat().completions().create(ChatCompletionsTest.question().build())))
        .isSameAs(boom);
    assertThat(otel.span("chat gpt-4o-mini"))
        .hasAttributesSatisfying(
            equalTo(ErrorAttributes.ERROR_TYPE, IllegalStateException.class.getName()));
  }

  @Test
  void aTimeoutFailsTheSpanWithTheSdksIoException() {
    CountDownLatch never = new CountDownLatch(1);
    server.hang(never, Wire.chatCompletion("late", "gpt-4o-mini", "late", "stop", null));
    OpenAIClient client =
        OpenAiTelemetry.create(genAi().build())
            .wrap(
                OpenAIOkHttpClient.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey("sk-test")
                    .maxRetries(0)
                    .timeout(Duration.ofMillis(300))
                    .build());

    assertThatThrownBy(
            () -> client.chat().completions().create(ChatCompletionsTest.question().build()))
        .isInstanceOf(OpenAIIoException.class);
    never.countDown();
    client.close();

    assertThat(otel.span("chat gpt-4o-mini"))
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ErrorAttributes.ERROR_TYPE, OpenAIIoException.class.getName()));
  }

  @Test
  void aRefusedConnectionFailsTheSpan() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    OpenAIClient client =
        OpenAiTelemetry.create(genAi().build())
            .wrap(
                OpenAIOkHttpClient.builder()
                    .baseUrl("http://127.0.0.1:" + closedPort + "/v1")
                    .apiKey("sk-test")
                    .maxRetries(0)
                    .build());

    assertThatThrownBy(
            () -> client.chat().completions().create(ChatCompletionsTest.question().build()))
        .isInstanceOf(OpenAIIoException.class);
    client.close();

    assertThat(otel.span("chat gpt-4o-mini"))
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ErrorAttributes.ERROR_TYPE, OpenAIIoException.class.getName()),
            equalTo(ServerAttributes.SERVER_PORT, (long) closedPort));
  }

  @Test
  void retriesTheSdkMakesInsideOneCallAreOneSpan() {
    server.json(500, Wire.error("try again", "server_error"), "retry-after-ms", "1");
    server.json(429, Wire.error("slow down", "rate_limit_exceeded"), "retry-after-ms", "1");
    server.json(
        200, Wire.chatCompletion("chatcmpl-r", "gpt-4o-mini", "ok", "stop", Wire.usage(10, 5)));
    OpenAIClient client =
        OpenAiTelemetry.create(genAi().build())
            .wrap(
                OpenAIOkHttpClient.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey("sk-test")
                    .maxRetries(2)
                    .build());

    ChatCompletion completion =
        client.chat().completions().create(ChatCompletionsTest.question().build());
    client.close();

    assertThat(completion.id()).isEqualTo("chatcmpl-r");
    assertThat(server.requests).hasSize(3);
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat).hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET));
    assertThat(chat.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isNull();
    assertThat(chat.getAttributes().get(Keys.COST)).isEqualTo(0.0000045); // 10 x 0.15 + 5 x 0.60
  }

  @SuppressWarnings("unused")
  private static final Class<?>[] DOCUMENTED = {
    BadRequestException.class,
    UnauthorizedException.class,
    RateLimitException.class,
    InternalServerException.class
  };
}
