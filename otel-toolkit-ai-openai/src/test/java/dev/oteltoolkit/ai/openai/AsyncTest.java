package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The asynchronous client: futures and asynchronous streams. */
class AsyncTest extends OpenAiTestBase {

  OpenAIClientAsync asyncClient() {
    return OpenAiTelemetry.create(genAi().build()).wrap(rawAsyncClient());
  }

  @Test
  void anAsyncCallEndsItsSpanBeforeTheCallersFutureCompletesInTheCallersContext() throws Exception {
    server.json(
        200,
        Wire.chatCompletion(
            "chatcmpl-a", "gpt-4o-mini", "ok", "stop", Wire.usage(1200, 300, 200, 0)));
    OpenAIClientAsync client = asyncClient();
    CompletableFuture<String> seen = new CompletableFuture<>();

    ChatCompletion completion =
        tracing.traced(
            "request",
            () -> {
              String requestSpan = Span.current().getSpanContext().getSpanId();
              CompletableFuture<ChatCompletion> future =
                  client.chat().completions().create(ChatCompletionsTest.question().build());
              future.thenRun(
                  () ->
                      seen.complete(
                          Span.current().getSpanContext().getSpanId().equals(requestSpan)
                              ? "caller's context"
                              : "other: " + Span.current()));
              return future.get(10, TimeUnit.SECONDS);
            });

    assertThat(completion.id()).isEqualTo("chatcmpl-a");
    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("caller's context");
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat).hasParent(otel.span("request"));
    assertThat(chat.getAttributes().get(Keys.COST)).isEqualTo(0.000345);
    assertThat(otel.span("request").getAttributes().get(Keys.TOTAL_COST)).isEqualTo(0.000345);
  }

  @Test
  void aFailedAsyncCallFailsItsSpanAndTheFutureCarriesTheSdkException() {
    server.json(429, Wire.error("slow down", "rate_limit_exceeded"));
    OpenAIClientAsync client = asyncClient();

    CompletableFuture<ChatCompletion> future =
        client.chat().completions().create(ChatCompletionsTest.question().build());

    assertThat(future)
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(RateLimitException.class);
    assertThat(otel.span("chat gpt-4o-mini"))
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ErrorAttributes.ERROR_TYPE, RateLimitException.class.getName()));
  }

  @Test
  void anAsyncStreamRecordsItsChunksAndEndsWhenItCompletes() throws Exception {
    server.sse(
        Wire.roleChunk("chatcmpl-as", "gpt-4o-mini"),
        Wire.chunk("chatcmpl-as", "gpt-4o-mini", "Hi", "stop"),
        Wire.usageChunk("chatcmpl-as", "gpt-4o-mini", Wire.usage(1200, 300, 200, 0)));
    OpenAIClientAsync client = asyncClient();
    List<ChatCompletionChunk> chunks = new CopyOnWriteArrayList<>();
    CompletableFuture<Optional<Throwable>> completed = new CompletableFuture<>();

    AsyncStreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(StreamingTest.params(true));
    stream.subscribe(
        new AsyncStreamResponse.Handler<ChatCompletionChunk>() {
          @Override
          public void onNext(ChatCompletionChunk chunk) {
            chunks.add(chunk);
          }

          @Override
          public void onComplete(Optional<Throwable> error) {
            // the span has ended before the application hears of the end
            completed.complete(
                error.isPresent() || otel.spans().size() != 1 ? error : Optional.empty());
          }
        });

    assertThat(completed.get(10, TimeUnit.SECONDS)).isEmpty();
    stream.onCompleteFuture().get(10, TimeUnit.SECONDS);
    assertThat(chunks).hasSize(3);
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat.getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1200L);
    assertThat(chat.getAttributes().get(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK)).isNotNull();
    assertThat(chat.getAttributes().get(Keys.COST)).isEqualTo(0.000345);
  }

  @Test
  void anAsyncStreamThatFailsBeforeAnySubscriberStillEndsItsSpan() {
    server.json(500, Wire.error("down", "server_error"));
    OpenAIClientAsync client = asyncClient();

    AsyncStreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(StreamingTest.params(true));

    assertThat(stream.onCompleteFuture()).failsWithin(10, TimeUnit.SECONDS);
    // the span ends in the SDK's own completion callback, which may run just after the future's
    assertThat(otel.awaitSpan("chat gpt-4o-mini"))
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(
                ErrorAttributes.ERROR_TYPE,
                com.openai.errors.InternalServerException.class.getName()));
  }

  @Test
  void closingAnAsyncStreamEndsItsSpan() {
    server.sse(Wire.roleChunk("chatcmpl-c", "gpt-4o-mini"));
    OpenAIClientAsync client = asyncClient();

    AsyncStreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(StreamingTest.params(true));
    stream.close();

    assertThat(otel.span("chat gpt-4o-mini")).hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET));
    assertThat(otel.spans()).hasSize(1);
  }
}
