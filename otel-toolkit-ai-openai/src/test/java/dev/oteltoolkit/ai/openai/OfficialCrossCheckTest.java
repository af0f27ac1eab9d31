package dev.oteltoolkit.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingModel;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.openai.v1_1.OpenAITelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The same calls through the official {@code opentelemetry-openai-java-1.1} 2.31.1-alpha library
 * instrumentation and through ours, against the same fake server (openai-java 4.105.0; the official
 * library is built against 1.1.0 and works unchanged on 4.105.0 for these calls): every span
 * attribute and every metric point attribute the official one records, we record with the same
 * value. The differences, each asserted:
 *
 * <ol>
 *   <li>Span kind of chat spans: theirs INTERNAL, ours CLIENT (the GenAI conventions' kind for
 *       inference; their embeddings spans are CLIENT too).
 *   <li>Content: they emit prompts and completions as log events when capture is on; we record them
 *       as the conventions' {@code gen_ai.input.messages} / {@code gen_ai.output.messages} span
 *       attributes after a redactor (capture is off here, so neither records content).
 * </ol>
 *
 * <p>What we add (printed per call to the test output): {@code server.address}, {@code
 * server.port}, {@code openai.api.type}, {@code error.type} and {@code http.response.status_code}
 * on errors, cached and reasoning tokens, {@code gen_ai.request.stream}, time to first chunk,
 * service tier and system fingerprint, choice count, cost and the request totals.
 */
class OfficialCrossCheckTest extends OpenAiTestBase {

  // plain SDKs on both sides: only the instrumentations differ; ours also proven without Telemetry
  private final TestSdk official = new TestSdk();
  private final TestSdk ourSdk = new TestSdk();

  @Override
  OpenTelemetry openTelemetry() {
    return ourSdk.sdk;
  }

  @AfterEach
  void closeSdks() {
    official.close();
    ourSdk.close();
  }

  private OpenAIClient officialClient() {
    return OpenAITelemetry.builder(official.sdk).build().wrap(rawClient());
  }

  @Test
  void chatCompletionWithEveryParameter() {
    ChatCompletionCreateParams params =
        ChatCompletionsTest.question()
            .temperature(0.2)
            .topP(0.9)
            .maxCompletionTokens(512)
            .seed(42)
            .stopOfStrings(List.of("END"))
            .frequencyPenalty(0.5)
            .presencePenalty(0.25)
            .n(2)
            .build();
    String body =
        Wire.chatCompletion(
            "chatcmpl-x", "gpt-4o-mini-2024-07-18", "ok", "stop", Wire.usage(1200, 300, 200, 0));
    compare(body, client -> client.chat().completions().create(params));
  }

  @Test
  void toolCall() {
    compare(
        Wire.toolCallCompletion("chatcmpl-t", "gpt-4o-mini", Wire.usage(80, 20)),
        client -> client.chat().completions().create(ChatCompletionsTest.question().build()));
  }

  @Test
  void streamWithUsage() {
    String id = "chatcmpl-s";
    String model = "gpt-4o-mini";
    for (int i = 0; i < 2; i++) {
      server.sse(
          Wire.roleChunk(id, model),
          Wire.chunk(id, model, "Hi", "stop"),
          Wire.usageChunk(id, model, Wire.usage(1200, 300, 200, 0)));
    }
    SpanData theirs = run(officialClient(), official, StreamingTest.params(true));
    SpanData our = run(client(), ourSdk, StreamingTest.params(true));
    assertSameWhereTheyRecord(theirs, our);
    assertSameMetrics();
  }

  @Test
  void embeddings() {
    EmbeddingCreateParams params =
        EmbeddingCreateParams.builder()
            .model(EmbeddingModel.TEXT_EMBEDDING_3_SMALL)
            .input("a")
            .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
            .build();
    compare(
        Wire.embeddings("text-embedding-3-small", 10),
        client -> client.embeddings().create(params));
  }

  @Test
  void rateLimited() {
    String body = Wire.error("slow down", "rate_limit_exceeded");
    server.json(429, body);
    server.json(429, body);
    try {
      officialClient().chat().completions().create(ChatCompletionsTest.question().build());
    } catch (RuntimeException expected) {
      // as the application would see it
    }
    try {
      client().chat().completions().create(ChatCompletionsTest.question().build());
    } catch (RuntimeException expected) {
      // the same exception
    }
    assertSameWhereTheyRecord(single(official), single(ourSdk));
    assertSameMetrics();
  }

  private void compare(String body, Consumer<OpenAIClient> call) {
    server.json(200, body);
    server.json(200, body);
    call.accept(officialClient());
    call.accept(client());
    assertSameWhereTheyRecord(single(official), single(ourSdk));
    assertSameMetrics();
  }

  /**
   * Every metric point the official instrumentation records has a point of ours with the same name
   * and at least its attributes (ours add {@code server.address} and {@code server.port}).
   */
  private void assertSameMetrics() {
    java.util.Collection<io.opentelemetry.sdk.metrics.data.MetricData> ourMetrics =
        ourSdk.metrics.collectAllMetrics();
    for (io.opentelemetry.sdk.metrics.data.MetricData theirs :
        official.metrics.collectAllMetrics()) {
      io.opentelemetry.sdk.metrics.data.MetricData ours =
          ourMetrics.stream()
              .filter(m -> m.getName().equals(theirs.getName()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("we lack the metric " + theirs.getName()));
      assertThat(ours.getUnit()).isEqualTo(theirs.getUnit());
      for (io.opentelemetry.sdk.metrics.data.PointData point : theirs.getData().getPoints()) {
        Map<AttributeKey<?>, Object> wanted = point.getAttributes().asMap();
        assertThat(ours.getData().getPoints())
            .as("%s point %s", theirs.getName(), wanted)
            .anySatisfy(
                our -> assertThat(our.getAttributes().asMap()).containsAllEntriesOf(wanted));
      }
    }
  }

  private SpanData run(OpenAIClient client, TestSdk sdk, ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      stream.stream().count();
    }
    return single(sdk);
  }

  private static SpanData single(TestSdk sdk) {
    assertThat(sdk.finished()).hasSize(1);
    return sdk.finished().get(0);
  }

  private static void assertSameWhereTheyRecord(SpanData theirs, SpanData ours) {
    assertThat(ours.getName()).isEqualTo(theirs.getName());
    if (theirs.getName().startsWith("chat ")) {
      // Difference 1, span kind: the official chat spans are INTERNAL (its chat Instrumenter is
      // built without a span kind extractor; its embeddings spans are CLIENT). The GenAI
      // conventions make inference spans CLIENT, as are ours.
      assertThat(theirs.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(ours.getKind()).isEqualTo(SpanKind.CLIENT);
    } else {
      assertThat(ours.getKind()).isEqualTo(theirs.getKind());
    }
    assertThat(ours.getStatus().getStatusCode()).isEqualTo(theirs.getStatus().getStatusCode());
    Map<AttributeKey<?>, Object> their = theirs.getAttributes().asMap();
    Map<AttributeKey<?>, Object> our = ours.getAttributes().asMap();
    for (Map.Entry<AttributeKey<?>, Object> attribute : their.entrySet()) {
      String key = attribute.getKey().getKey();
      assertThat(our.get(attribute.getKey()))
          .as("%s (official: %s)", key, attribute.getValue())
          .isEqualTo(attribute.getValue());
    }
    // what we record beyond them, for the record of this test's output
    System.out.println(
        ours.getName()
            + ": official records "
            + their.keySet().stream()
                .map(AttributeKey::getKey)
                .sorted()
                .collect(Collectors.toList())
            + "; we add "
            + our.keySet().stream()
                .filter(key -> !their.containsKey(key))
                .map(AttributeKey::getKey)
                .sorted()
                .collect(Collectors.toList()));
    assertThat(ours.getEvents().stream().map(e -> e.getName()).collect(Collectors.toList()))
        .containsAll(
            theirs.getEvents().stream().map(e -> e.getName()).collect(Collectors.toList()));
  }
}
