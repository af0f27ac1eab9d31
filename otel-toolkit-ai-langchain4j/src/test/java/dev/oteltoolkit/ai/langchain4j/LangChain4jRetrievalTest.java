package dev.oteltoolkit.ai.langchain4j;

import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.completion;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.embeddings;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.json;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.openAiUsage;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_DATA_SOURCE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.RETRIEVAL;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.content.retriever.listener.ContentRetrieverListener;
import dev.langchain4j.rag.content.retriever.listener.ContentRetrieverRequestContext;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.oteltoolkit.ai.BudgetExceededException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Content retrievers: LangChain4j's {@code EmbeddingStoreContentRetriever} over an in-memory store,
 * its query embedded by langchain4j-open-ai's model against the fake server.
 */
class LangChain4jRetrievalTest extends AbstractFakeServerTest {

  interface Assistant {
    String chat(String question);
  }

  /**
   * A store of two segments; the fake server embeds every text as (0.1, -0.5), the first segment's
   * vector, so that segment is the closest.
   */
  private ContentRetriever docsRetriever() {
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    store.add(Embedding.from(new float[] {0.1f, -0.5f}), TextSegment.from("Traces are trees."));
    store.add(Embedding.from(new float[] {-0.5f, 0.1f}), TextSegment.from("Logs are lines."));
    return EmbeddingStoreContentRetriever.builder()
        .embeddingStore(store)
        .embeddingModel(telemetry.wrap(openAiEmbeddings().build()))
        .maxResults(1)
        .build();
  }

  @Test
  void aRetrievalIsAClientSpanChildOfTheCallerAroundTheQuerysEmbedding() {
    server.reply(json(200, embeddings("text-embedding-3-small", 1, 6)));
    ContentRetriever retriever = telemetry.wrap(docsRetriever(), "product-docs");

    List<Content> found =
        tracing.traced("answer-question", () -> retriever.retrieve(Query.from("What is a trace?")));

    Assertions.assertThat(found)
        .extracting(content -> content.textSegment().text())
        .containsExactly("Traces are trees.");
    otel.assertTrace("answer-question")
        .hasChildTree(
            "retrieval product-docs",
            retrieval ->
                retrieval
                    .satisfiesSpan(
                        span ->
                            span.hasKind(SpanKind.CLIENT)
                                .hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET))
                                .hasAttributesSatisfyingExactly(
                                    equalTo(GEN_AI_OPERATION_NAME, RETRIEVAL),
                                    equalTo(GEN_AI_DATA_SOURCE_ID, "product-docs")))
                    .hasChild("embeddings text-embedding-3-small")
                    .hasNoOtherChildren())
        .hasNoOtherSpans();
    SpanData embeddings =
        otel.assertTrace("answer-question").spans().stream()
            .filter(span -> span.getName().equals("embeddings text-embedding-3-small"))
            .findFirst()
            .orElseThrow();
    Assertions.assertThat(currentAtHttpCall).containsExactly(embeddings.getSpanContext());
  }

  @Test
  void theQueryTextIsRecordedOnlyWithContentCapture() {
    server
        .reply(json(200, embeddings("text-embedding-3-small", 1, 6)))
        .reply(json(200, embeddings("text-embedding-3-small", 1, 6)));

    telemetry.wrap(docsRetriever(), "product-docs").retrieve(Query.from("the launch code"));
    capturingContent().wrap(docsRetriever(), "kb").retrieve(Query.from("What is a trace?"));

    otel.assertTrace("retrieval product-docs")
        .hasRoot(
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, RETRIEVAL),
                    equalTo(GEN_AI_DATA_SOURCE_ID, "product-docs"),
                    // a retrieval without a request around it is its own local root: the query
                    // embedding's 6 tokens, 6 x 0.02 / 1e6
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 6L),
                    equalTo(Keys.TOTAL_OUTPUT_TOKENS, 0L),
                    equalTo(Keys.TOTAL_COST, 0.00000012)));
    otel.assertTrace("retrieval kb")
        .hasRoot(
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, RETRIEVAL),
                    equalTo(GEN_AI_DATA_SOURCE_ID, "kb"),
                    equalTo(GEN_AI_RETRIEVAL_QUERY_TEXT, "What is a trace?"),
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 6L),
                    equalTo(Keys.TOTAL_OUTPUT_TOKENS, 0L),
                    equalTo(Keys.TOTAL_COST, 0.00000012)));
  }

  @Test
  void aFailedRetrievalFailsTheSpanAndTheCallerGetsTheSameException() {
    IllegalStateException failure = new IllegalStateException("index offline");
    ContentRetriever broken =
        query -> {
          throw failure;
        };

    Assertions.assertThatThrownBy(
            () -> telemetry.wrap(broken, "product-docs").retrieve(Query.from("traces")))
        .isSameAs(failure);

    otel.assertTrace("retrieval product-docs")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(failure)
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException"));
  }

  @Test
  void anAiServicesRetrievalNestsUnderItsAgentBesideTheModelCall() {
    server
        .reply(json(200, embeddings("text-embedding-3-small", 1, 6)))
        .reply(json(200, completion("chatcmpl-1", "gpt-4o", "Trees.", openAiUsage(50, 5, 0))));
    Assistant assistant =
        telemetry.aiService(
            "docs-assistant",
            Assistant.class,
            AiServices.builder(Assistant.class)
                .chatModel(telemetry.wrap(openAiChat().build()))
                .contentRetriever(telemetry.wrap(docsRetriever(), "product-docs"))
                .build());

    Assertions.assertThat(assistant.chat("What is a trace?")).isEqualTo("Trees.");

    otel.assertTrace("invoke_agent docs-assistant")
        .hasChildTree(
            "retrieval product-docs",
            retrieval -> retrieval.hasChild("embeddings text-embedding-3-small"))
        .hasChild("chat gpt-4o")
        .hasNoOtherSpans();
    // the retrieved segment went to the model with the question
    Assertions.assertThat(server.requests().get(1)).contains("Traces are trees.");
  }

  @Test
  void aRequestOverItsBudgetIsRefusedBeforeTheRetrieverRuns() {
    server.reply(json(200, embeddings("text-embedding-3-small", 1, 1000)));
    LangChain4jTelemetry strict = refusingOver500Tokens();
    List<Query> searched = new CopyOnWriteArrayList<>();
    ContentRetriever retriever =
        strict.wrap(
            query -> {
              searched.add(query);
              return List.of();
            },
            "product-docs");

    tracing.traced(
        "request",
        () -> {
          strict.wrap(openAiEmbeddings().build()).embed("traces"); // 1000 tokens: over 500
          Assertions.assertThatThrownBy(() -> retriever.retrieve(Query.from("metrics")))
              .isInstanceOf(BudgetExceededException.class);
        });

    Assertions.assertThat(searched).isEmpty();
    Assertions.assertThat(server.requests()).hasSize(1);
  }

  @Test
  void listenersAddedToTheWrappedRetrieverRunInsideTheSpanAndWrappingTwiceIsANoOp() {
    List<SpanContext> currentInListener = new CopyOnWriteArrayList<>();
    ContentRetriever wrapped =
        telemetry.wrap(query -> List.of(Content.from("Traces are trees.")), "product-docs");
    ContentRetriever listened =
        wrapped.addListener(
            new ContentRetrieverListener() {
              @Override
              public void onRequest(ContentRetrieverRequestContext context) {
                currentInListener.add(Span.current().getSpanContext());
              }
            });

    listened.retrieve(Query.from("traces"));

    Assertions.assertThat(telemetry.wrap(wrapped, "other")).isSameAs(wrapped);
    Assertions.assertThat(telemetry.wrap(listened, "other")).isSameAs(listened);
    Assertions.assertThat(currentInListener)
        .containsExactly(otel.assertTrace("retrieval product-docs").rootSpan().getSpanContext());
  }

  @Test
  void anEmptyDataSourceIdFailsAtWrapping() {
    Assertions.assertThatThrownBy(() -> telemetry.wrap(query -> List.of(), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSourceId must not be empty");
  }
}
