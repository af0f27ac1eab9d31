package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the tests of models against {@link FakeModelServer} share: the in-memory telemetry, a fresh
 * server per test (closed after it), a {@code LangChain4jTelemetry} with the defaults, and
 * langchain4j-open-ai model builders aimed at the server whose HTTP client notes the span current
 * at each request in {@link #currentAtHttpCall}.
 */
abstract class AbstractFakeServerTest {

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  final FakeModelServer server = startServer();
  final Tracing tracing = otel.tracing();

  /** The default configuration: a short idle timeout would abandon streams of a loaded machine. */
  final LangChain4jTelemetry telemetry =
      LangChain4jTelemetry.create(GenAiTelemetry.create(otel.openTelemetry()));

  /** The span current whenever a model of {@link #openAiChat} or {@link #openAiEmbeddings} sent. */
  final List<SpanContext> currentAtHttpCall = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeServer() {
    server.close();
  }

  private static FakeModelServer startServer() {
    try {
      return new FakeModelServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An OpenAI {@code gpt-4o} chat model of the fake server, without retries. */
  OpenAiChatModel.OpenAiChatModelBuilder openAiChat() {
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey("test-key")
        .modelName("gpt-4o")
        .maxRetries(0)
        .httpClientBuilder(new CapturingHttpClientBuilder(currentAtHttpCall));
  }

  /** An OpenAI {@code text-embedding-3-small} model of the fake server, without retries. */
  OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder openAiEmbeddings() {
    return OpenAiEmbeddingModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey("test-key")
        .modelName("text-embedding-3-small")
        .maxRetries(0)
        .httpClientBuilder(new CapturingHttpClientBuilder(currentAtHttpCall));
  }

  /** An OpenAI {@code gpt-4o-mini} streaming chat model of the fake server. */
  OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder openAiStreamingChat() {
    return OpenAiStreamingChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey("test-key")
        .modelName("gpt-4o-mini");
  }

  /** An Anthropic {@code claude-haiku-4-5} chat model of the fake server, without retries. */
  AnthropicChatModel.AnthropicChatModelBuilder anthropicChat() {
    return AnthropicChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey("test-key")
        .modelName("claude-haiku-4-5")
        .maxRetries(0);
  }

  /** A telemetry that refuses a request over 500 tokens before the model is called. */
  LangChain4jTelemetry refusingOver500Tokens() {
    return LangChain4jTelemetry.create(
        GenAiTelemetry.builder(otel.openTelemetry())
            .requestBudgetTokens(500)
            .stopOverBudget(true)
            .build());
  }

  /** A telemetry that records message content. */
  LangChain4jTelemetry capturingContent() {
    return LangChain4jTelemetry.create(
        GenAiTelemetry.builder(otel.openTelemetry()).captureMessageContent(true).build());
  }
}
