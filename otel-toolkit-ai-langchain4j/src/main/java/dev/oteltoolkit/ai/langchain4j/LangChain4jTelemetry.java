package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolService;
import dev.oteltoolkit.ai.GenAiTelemetry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Instruments LangChain4j: wrapped chat models record each call as a GenAI {@code chat} span of the
 * given {@link GenAiTelemetry} (tokens, cost, request totals, budgets, time to first token),
 * wrapped embedding models each call as an {@code embeddings} span, wrapped content retrievers each
 * retrieval as a {@code retrieval} span, wrapped tools as {@code execute_tool} spans, and a wrapped
 * AI service as an {@code invoke_agent} span around them.
 *
 * <pre>{@code
 * LangChain4jTelemetry lc = LangChain4jTelemetry.create(GenAiTelemetry.create(openTelemetry));
 * Assistant assistant = lc.aiService("assistant", Assistant.class,
 *     AiServices.builder(Assistant.class)
 *         .chatModel(lc.wrap(OpenAiChatModel.builder()...build()))
 *         .tools(lc.tools(new WeatherTools()))
 *         .build());
 * }</pre>
 *
 * <p>Wrapping (rather than a {@code ChatModelListener}) is what makes the spans current while the
 * work runs: a listener is called before and after the provider's HTTP call, never around it, so
 * its span cannot parent the HTTP client's spans, nor the tools an AI service runs. A wrapped
 * object behaves exactly like the original (same results, same exceptions); a failure inside the
 * instrumentation is logged once and never reaches the caller. Thread-safe.
 */
public final class LangChain4jTelemetry {

  private final Recorder recorder;

  /**
   * Returns a {@code LangChain4jTelemetry} with the default configuration: no {@code
   * server.address} (LangChain4j's models do not expose their URL; see {@link
   * LangChain4jTelemetryBuilder#serverAddress(java.net.URI)}), and a streamed answer whose handler
   * hears nothing for 10 minutes ends its span as abandoned.
   *
   * @param genAiTelemetry the GenAI telemetry to record with (prices, budgets, content capture)
   * @return a new {@code LangChain4jTelemetry}
   */
  public static LangChain4jTelemetry create(GenAiTelemetry genAiTelemetry) {
    return builder(genAiTelemetry).build();
  }

  /**
   * Returns a builder to configure the server address and the stream idle timeout.
   *
   * @param genAiTelemetry the GenAI telemetry to record with (prices, budgets, content capture)
   * @return a new builder
   */
  public static LangChain4jTelemetryBuilder builder(GenAiTelemetry genAiTelemetry) {
    return new LangChain4jTelemetryBuilder(genAiTelemetry);
  }

  LangChain4jTelemetry(
      GenAiTelemetry genAiTelemetry, Duration streamIdleTimeout, Recorder.Server server) {
    this.recorder = new Recorder(genAiTelemetry, streamIdleTimeout, server);
  }

  /**
   * Returns a chat model that records each call of {@code model} as a {@code chat {model}} span,
   * child of the caller's current span and current while the provider is called. Wrapping a model
   * this returned returns it unchanged.
   *
   * @param model the model to instrument
   * @return the instrumented model
   */
  public ChatModel wrap(ChatModel model) {
    Objects.requireNonNull(model, "model");
    return model instanceof TracedChatModel ? model : new TracedChatModel(model, recorder);
  }

  /**
   * Returns a streaming chat model that records each call of {@code model} as a {@code chat
   * {model}} span, from the call until the handler hears the complete response or the error, with
   * the time to the first partial response.
   *
   * @param model the model to instrument
   * @return the instrumented model
   */
  public StreamingChatModel wrap(StreamingChatModel model) {
    Objects.requireNonNull(model, "model");
    return model instanceof TracedStreamingChatModel
        ? model
        : new TracedStreamingChatModel(model, recorder);
  }

  /**
   * Returns an embedding model that records each {@code embed} and {@code embedAll} call of {@code
   * model} as an {@code embeddings {model}} span (CLIENT) with its input tokens and cost, child of
   * the caller's current span and current while the provider is called. An {@code embedAll} of no
   * segments calls no model and records nothing. Wrapping a model this returned returns it
   * unchanged.
   *
   * @param model the model to instrument
   * @return the instrumented model
   */
  public EmbeddingModel wrap(EmbeddingModel model) {
    Objects.requireNonNull(model, "model");
    return model instanceof TracedEmbeddingModel
        ? model
        : new TracedEmbeddingModel(model, recorder);
  }

  /**
   * Returns a content retriever that records each {@code retrieve(Query)} of {@code retriever} as a
   * {@code retrieval {dataSourceId}} span (CLIENT) with {@code gen_ai.data_source.id}, child of the
   * caller's current span and current while {@code retriever} runs: the query's embedding (an
   * {@code EmbeddingStoreContentRetriever} whose embedding model is wrapped) and the store's own
   * spans nest under it. The query text is recorded ({@code gen_ai.retrieval.query.text}) only with
   * content capture on. For {@code AiServices.builder(..).contentRetriever(..)} or a {@code
   * DefaultRetrievalAugmentor}. Wrapping a retriever this returned returns it unchanged.
   *
   * @param retriever the retriever to instrument
   * @param dataSourceId the {@code gen_ai.data_source.id}: the knowledge base, index or store the
   *     retriever searches, e.g. {@code product-docs}
   * @return the instrumented retriever
   * @throws IllegalArgumentException if {@code dataSourceId} is empty
   */
  public ContentRetriever wrap(ContentRetriever retriever, String dataSourceId) {
    Objects.requireNonNull(retriever, "retriever");
    Objects.requireNonNull(dataSourceId, "dataSourceId");
    if (dataSourceId.isEmpty()) {
      throw new IllegalArgumentException("dataSourceId must not be empty");
    }
    return retriever instanceof TracedContentRetriever
        ? retriever
        : new TracedContentRetriever(retriever, dataSourceId, recorder);
  }

  /**
   * Returns a tool executor that records each execution as an {@code execute_tool {name}} span,
   * current while {@code executor} runs. For {@code AiServices.builder(..).tools(Map)}.
   *
   * @param executor the executor to instrument
   * @return the instrumented executor
   */
  public ToolExecutor wrap(ToolExecutor executor) {
    Objects.requireNonNull(executor, "executor");
    return executor instanceof TracedToolExecutor
        ? executor
        : new TracedToolExecutor(executor, recorder);
  }

  /**
   * Returns the {@code @Tool} methods of {@code objectsWithTools} as tools whose executions are
   * recorded, for {@code AiServices.builder(..).tools(List)} in place of {@code tools(Object...)}.
   *
   * @param objectsWithTools objects with {@code @Tool}-annotated methods
   * @return the tools, each with an instrumented executor
   */
  public List<AiServiceTool> tools(Object... objectsWithTools) {
    List<AiServiceTool> tools = new ArrayList<>();
    for (Object object : objectsWithTools) {
      for (AiServiceTool tool : ToolService.findTools(Objects.requireNonNull(object, "tool"))) {
        tools.add(tool.toBuilder().toolExecutor(wrap(tool.toolExecutor())).build());
      }
    }
    return tools;
  }

  /**
   * Returns {@code service} (an AI service built by {@code AiServices}) with each call of its
   * interface's methods recorded as an {@code invoke_agent {agentName}} span (INTERNAL), current
   * while the service runs: its model calls and tool executions become children of it.
   *
   * @param agentName the {@code gen_ai.agent.name}
   * @param type the AI service interface
   * @param service the AI service
   * @param <T> the interface type
   * @return the recorded AI service
   */
  public <T> T aiService(String agentName, Class<T> type, T service) {
    Objects.requireNonNull(agentName, "agentName");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(service, "service");
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + ": an AI service type is an interface");
    }
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            new AgentHandler(agentName, service, recorder)));
  }
}
