package dev.oteltoolkit.ai.langchain4j;

import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.embeddings;
import static dev.oteltoolkit.ai.langchain4j.FakeModelServer.json;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_ENCODING_FORMATS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.embedding.listener.EmbeddingModelRequestContext;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.ModelPrice;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.testing.TraceTreeAssert;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Embedding models: langchain4j-open-ai's {@code OpenAiEmbeddingModel} against the fake server, and
 * {@link WordEmbeddingModel}, an embedding model written the way LangChain4j's in-process models
 * are (it implements {@code embedAll} only and leaves the rest to the interface).
 */
class LangChain4jEmbeddingTest extends AbstractFakeServerTest {

  private static final String SECRET = "the launch code is 0000";

  @Test
  void anEmbedAllCallIsOneClientSpanChildOfTheCallerWithTokensCostTotalsAndMetrics() {
    // maxSegmentsPerBatch(2): three segments are two HTTP requests, one call, one span
    server
        .reply(json(200, embeddings("text-embedding-3-small", 2, 8000)))
        .reply(json(200, embeddings("text-embedding-3-small", 1, 4000)));
    EmbeddingModel model =
        telemetry.wrap(openAiEmbeddings().dimensions(256).maxSegmentsPerBatch(2).build());

    Response<List<Embedding>> response =
        tracing.traced(
            "index-documents",
            () ->
                model.embedAll(
                    List.of(
                        TextSegment.from("traces"),
                        TextSegment.from("metrics"),
                        TextSegment.from("logs"))));

    Assertions.assertThat(response.content()).hasSize(3);
    Assertions.assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(12000);
    // text-embedding-3-small in the default table: 0.02 per million input tokens;
    // 12000 x 0.02 / 1e6 = 0.00024
    TraceTreeAssert trace = otel.assertTrace("index-documents");
    trace
        .hasChild(
            "embeddings text-embedding-3-small",
            span ->
                span.hasKind(SpanKind.CLIENT)
                    .hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET))
                    .hasAttributesSatisfyingExactly(
                        equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
                        equalTo(GEN_AI_PROVIDER_NAME, "openai"),
                        equalTo(GEN_AI_REQUEST_MODEL, "text-embedding-3-small"),
                        equalTo(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 256L),
                        equalTo(GEN_AI_USAGE_INPUT_TOKENS, 12000L),
                        equalTo(Keys.COST, 0.00024)))
        .hasRoot(
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 12000L),
                    equalTo(Keys.TOTAL_OUTPUT_TOKENS, 0L),
                    equalTo(Keys.TOTAL_COST, 0.00024)))
        .hasNoOtherSpans();
    // both HTTP requests were sent with the embeddings span current
    SpanContext embeddings = trace.spans().get(0).getSpanContext();
    Assertions.assertThat(currentAtHttpCall).containsExactly(embeddings, embeddings);

    Attributes metricBase =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, "embeddings")
            .put(GEN_AI_PROVIDER_NAME, "openai")
            .put(GEN_AI_REQUEST_MODEL, "text-embedding-3-small")
            .build();
    Assertions.assertThat(otel.metric("gen_ai.client.token.usage").getHistogramData().getPoints())
        .extracting(HistogramPointData::getAttributes, HistogramPointData::getSum)
        .containsExactly(
            Tuple.tuple(metricBase.toBuilder().put(GEN_AI_TOKEN_TYPE, "input").build(), 12000.0));
    Assertions.assertThat(
            otel.metric("gen_ai.client.operation.duration").getHistogramData().getPoints())
        .singleElement()
        .satisfies(
            point -> {
              Assertions.assertThat(point.getAttributes()).isEqualTo(metricBase);
              Assertions.assertThat(point.getCount()).isEqualTo(1);
            });
    Assertions.assertThat(otel.metric("oteltoolkit.gen_ai.cost").getDoubleSumData().getPoints())
        .singleElement()
        .satisfies(point -> Assertions.assertThat(point.getValue()).isEqualTo(0.00024));
  }

  @Test
  void anEmbeddingRequestRecordsItsOwnParametersAndTheModelThatAnswered() {
    // a gateway that answers with another model than the one asked for
    server.reply(json(200, embeddings("text-embedding-3-small", 1, 1000)));
    EmbeddingModel model = telemetry.wrap(openAiEmbeddings().encodingFormat("float").build());

    EmbeddingResponse response =
        model.embed(
            EmbeddingRequest.builder()
                .input("traces")
                .modelName("text-embedding-3-large")
                .dimensions(64)
                .build());

    Assertions.assertThat(response.embeddings()).hasSize(1);
    // priced by the model that answered: text-embedding-3-small, 0.02 per million;
    // 1000 x 0.02 / 1e6 = 0.00002
    otel.assertTrace("embeddings text-embedding-3-large")
        .hasRoot(
            span ->
                span.hasNoParent()
                    .hasAttributesSatisfyingExactly(
                        equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
                        equalTo(GEN_AI_PROVIDER_NAME, "openai"),
                        equalTo(GEN_AI_REQUEST_MODEL, "text-embedding-3-large"),
                        equalTo(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 64L),
                        equalTo(GEN_AI_REQUEST_ENCODING_FORMATS, List.of("float")),
                        equalTo(GEN_AI_RESPONSE_MODEL, "text-embedding-3-small"),
                        equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1000L),
                        equalTo(Keys.COST, 0.00002),
                        // a call without a request around it is its own local root
                        equalTo(Keys.TOTAL_INPUT_TOKENS, 1000L),
                        equalTo(Keys.TOTAL_OUTPUT_TOKENS, 0L),
                        equalTo(Keys.TOTAL_COST, 0.00002)));
    Assertions.assertThat(server.requests())
        .singleElement()
        .satisfies(
            body -> Assertions.assertThat(body).containsPattern("\"dimensions\"\\s*:\\s*64"));
  }

  @Test
  void anInProcessModelIsRecordedOncePerCallAndPricedByTheTable() {
    LangChain4jTelemetry priced =
        LangChain4jTelemetry.create(
            GenAiTelemetry.builder(otel.openTelemetry())
                .priceTable(PriceTable.of(ModelPrice.perMillionTokens("words-v1", "0.40", "0")))
                .build());
    EmbeddingModel model = priced.wrap(new WordEmbeddingModel(true));

    // embed(String) goes embed(TextSegment) -> embed(EmbeddingRequest) -> doEmbed -> embedAll
    // inside the model: still one span
    tracing.traced(
        "search",
        () -> {
          Assertions.assertThat(model.embed("how are traces sampled").content().vector())
              .containsExactly(4f, 22f);
          model.embedAll(List.of(TextSegment.from("spans"), TextSegment.from("span links")));
        });

    TraceTreeAssert trace =
        otel.assertTrace("search")
            .hasRoot(
                span ->
                    span.hasAttributesSatisfyingExactly(
                        equalTo(Keys.TOTAL_INPUT_TOKENS, 7L),
                        equalTo(Keys.TOTAL_OUTPUT_TOKENS, 0L),
                        equalTo(Keys.TOTAL_COST, 0.0000028)))
            .hasChildren("embeddings words-v1", 2)
            .hasNoOtherSpans();
    List<SpanData> calls = trace.spans().subList(0, 2);
    // 4 words x 0.40 / 1e6 = 0.0000016; 3 words: 0.0000012
    assertThat(calls.get(0))
        .hasAttributesSatisfyingExactly(
            equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
            equalTo(GEN_AI_PROVIDER_NAME, "other"),
            equalTo(GEN_AI_REQUEST_MODEL, "words-v1"),
            equalTo(GEN_AI_USAGE_INPUT_TOKENS, 4L),
            equalTo(Keys.COST, 0.0000016));
    assertThat(calls.get(1))
        .hasAttribute(GEN_AI_USAGE_INPUT_TOKENS, 3L)
        .hasAttribute(Keys.COST, 0.0000012);
  }

  @Test
  void aResponseWithoutUsageHasNoTokensAndNoCost() {
    EmbeddingModel model = telemetry.wrap(new WordEmbeddingModel(false));

    model.embed("traces");

    otel.assertTrace("embeddings words-v1")
        .hasRoot(
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
                    equalTo(GEN_AI_PROVIDER_NAME, "other"),
                    equalTo(GEN_AI_REQUEST_MODEL, "words-v1")));
  }

  @Test
  void aModelThePriceTableDoesNotKnowHasTokensButNoCost() {
    tracing.traced("request", () -> telemetry.wrap(new WordEmbeddingModel(true)).embed("traces"));

    otel.assertTrace("request")
        .hasRoot(
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(Keys.TOTAL_INPUT_TOKENS, 1L), equalTo(Keys.TOTAL_OUTPUT_TOKENS, 0L)))
        .hasChild(
            "embeddings words-v1",
            span ->
                span.hasAttributesSatisfyingExactly(
                    equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
                    equalTo(GEN_AI_PROVIDER_NAME, "other"),
                    equalTo(GEN_AI_REQUEST_MODEL, "words-v1"),
                    equalTo(GEN_AI_USAGE_INPUT_TOKENS, 1L)));
  }

  @Test
  void aFailureInsideTheInstrumentationLeavesTheCallAsUnwrapped() {
    // provider() is read by the wrapper only: the call runs unrecorded
    EmbeddingModel unreadable =
        new WordEmbeddingModel(true) {
          @Override
          public ModelProvider provider() {
            throw new IllegalStateException("no provider");
          }
        };
    // a usage that cannot be read: the span ends without it, the caller gets the response
    EmbeddingModel badUsage =
        new EmbeddingModel() {
          @Override
          public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
            return Response.from(
                List.of(Embedding.from(new float[] {1f})),
                new TokenUsage(1) {
                  @Override
                  public Integer inputTokenCount() {
                    throw new IllegalStateException("no count");
                  }
                });
          }

          @Override
          public String modelName() {
            return "bad-usage";
          }
        };

    Assertions.assertThat(telemetry.wrap(unreadable).embed("two words").content().vector())
        .containsExactly(2f, 9f);
    Assertions.assertThat(telemetry.wrap(badUsage).embed("traces").content().vector())
        .containsExactly(1f);

    Assertions.assertThat(otel.spans()).hasSize(1);
    otel.assertTrace("embeddings bad-usage")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET))
                    .hasAttributesSatisfyingExactly(
                        equalTo(GEN_AI_OPERATION_NAME, "embeddings"),
                        equalTo(GEN_AI_PROVIDER_NAME, "other"),
                        equalTo(GEN_AI_REQUEST_MODEL, "bad-usage")));
  }

  @Test
  void aFailedCallFailsTheSpanAndTheCallerGetsWhatTheUnwrappedModelThrows() {
    String body = "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}";
    server.reply(json(500, body)).reply(json(500, body));
    EmbeddingModel plain = openAiEmbeddings().build();

    Throwable unwrapped = Assertions.catchThrowable(() -> plain.embed("traces"));
    Throwable wrapped =
        Assertions.catchThrowable(
            () -> tracing.traced("caller", () -> telemetry.wrap(plain).embed("traces")));

    Assertions.assertThat(wrapped)
        .isExactlyInstanceOf(unwrapped.getClass())
        .hasMessage(unwrapped.getMessage());
    otel.assertTrace("caller")
        .hasChild(
            "embeddings text-embedding-3-small",
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(wrapped)
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, wrapped.getClass().getName()));
  }

  @Test
  void anExceptionOfAnInProcessModelIsRecordedAndRethrownAsIs() {
    IllegalStateException failure = new IllegalStateException("index not loaded");
    EmbeddingModel broken =
        new EmbeddingModel() {
          @Override
          public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
            throw failure;
          }
        };

    Assertions.assertThatThrownBy(() -> telemetry.wrap(broken).embed("traces")).isSameAs(failure);

    // a model that does not name itself: LangChain4j's "unknown", priced as nothing
    otel.assertTrace("embeddings unknown")
        .hasRoot(
            span ->
                span.hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                    .hasException(failure)
                    .hasAttribute(ErrorAttributes.ERROR_TYPE, "java.lang.IllegalStateException"));
  }

  @Test
  void theTextToEmbedNeverReachesTelemetryByDefault() {
    server.reply(json(200, embeddings("text-embedding-3-small", 1, 10)));

    telemetry.wrap(openAiEmbeddings().build()).embed(SECRET);
    telemetry.wrap(new WordEmbeddingModel(true)).embedAll(List.of(TextSegment.from(SECRET)));

    Assertions.assertThat(otel.spans()).hasSize(2);
    for (SpanData span : otel.spans()) {
      Assertions.assertThat(allValues(span)).noneMatch(value -> value.contains("launch code"));
    }
  }

  @Test
  void withContentCaptureTheTextsAreRecordedAsUserMessages() {
    LangChain4jTelemetry capturing = capturingContent();

    capturing
        .wrap(new WordEmbeddingModel(true))
        .embedAll(List.of(TextSegment.from("traces"), TextSegment.from("span links")));

    otel.assertTrace("embeddings words-v1")
        .hasRoot(
            span ->
                span.hasAttribute(
                    Keys.INPUT_MESSAGES,
                    "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"traces\"}]},{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"span"
                        + " links\"}]}]"));
  }

  @Test
  void aRequestOverItsBudgetIsRefusedBeforeTheModelIsCalled() {
    LangChain4jTelemetry strict = refusingOver500Tokens();
    server.reply(json(200, embeddings("text-embedding-3-small", 1, 1000)));
    EmbeddingModel model = strict.wrap(openAiEmbeddings().build());

    tracing.traced(
        "request",
        () -> {
          model.embed("traces");
          Assertions.assertThatThrownBy(() -> model.embed("metrics"))
              .isInstanceOf(BudgetExceededException.class);
        });

    Assertions.assertThat(server.requests()).hasSize(1);
  }

  @Test
  void listenersAddedToTheWrappedModelRunInsideTheSpanAndWrappingTwiceIsANoOp() {
    List<SpanContext> currentInListener = new CopyOnWriteArrayList<>();
    EmbeddingModel wrapped = telemetry.wrap(new WordEmbeddingModel(true));
    EmbeddingModel listened =
        wrapped.addListener(
            new EmbeddingModelListener() {
              @Override
              public void onRequest(EmbeddingModelRequestContext context) {
                currentInListener.add(Span.current().getSpanContext());
              }
            });

    listened.embed("traces");

    Assertions.assertThat(telemetry.wrap(wrapped)).isSameAs(wrapped);
    Assertions.assertThat(telemetry.wrap(listened)).isSameAs(listened);
    Assertions.assertThat(currentInListener)
        .containsExactly(otel.assertTrace("embeddings words-v1").rootSpan().getSpanContext());
  }

  @Test
  void anEmptyEmbedAllCallsNoModelAndRecordsNothing() {
    EmbeddingModel model = telemetry.wrap(new WordEmbeddingModel(true));

    Assertions.assertThat(model.embedAll(List.of()).content()).isEmpty();

    otel.assertNoSpans();
  }

  /** Every string in the span: attribute values, event names and event attribute values. */
  private static List<String> allValues(SpanData span) {
    List<String> values = new ArrayList<>();
    span.getAttributes().forEach((key, value) -> values.add(String.valueOf(value)));
    for (EventData event : span.getEvents()) {
      values.add(event.getName());
      event.getAttributes().forEach((key, value) -> values.add(String.valueOf(value)));
    }
    values.add(span.getStatus().getDescription());
    return values;
  }

  /**
   * An in-process embedding model in LangChain4j's own style (like its ONNX models): it implements
   * {@code embedAll} and {@code modelName}; the vector is (words, characters), one token a word.
   */
  static class WordEmbeddingModel implements EmbeddingModel {
    private final boolean reportsUsage;

    WordEmbeddingModel(boolean reportsUsage) {
      this.reportsUsage = reportsUsage;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
      List<Embedding> vectors = new ArrayList<>();
      int words = 0;
      for (TextSegment segment : textSegments) {
        int count = segment.text().trim().split("\\s+").length;
        words += count;
        vectors.add(Embedding.from(new float[] {count, segment.text().length()}));
      }
      return reportsUsage ? Response.from(vectors, new TokenUsage(words)) : Response.from(vectors);
    }

    @Override
    public String modelName() {
      return "words-v1";
    }
  }
}
