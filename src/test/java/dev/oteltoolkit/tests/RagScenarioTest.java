package dev.oteltoolkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.core.Telemetry;
import dev.oteltoolkit.core.TelemetryBuilder;
import dev.oteltoolkit.examples.rag.RagAnswer;
import dev.oteltoolkit.examples.rag.RagService;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario 3 of issue 10, the RAG query service ({@link RagService}): the span tree of each query,
 * the metrics (embedding cache hits and misses, errors by stage, query durations, tokens by type),
 * and the rollback path: telemetry off, the same answers and nothing recorded.
 */
class RagScenarioTest {

  private static final AttributeKey<Boolean> CACHE_HIT =
      AttributeKey.booleanKey("rag.embedding_cache.hit");
  private static final AttributeKey<String> STAGE = AttributeKey.stringKey("rag.stage");
  private static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("oteltoolkit.operation.name");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> TOKEN_TYPE =
      AttributeKey.stringKey("gen_ai.token.type");
  private static final AttributeKey<Long> INPUT = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<Long> TOTAL_INPUT =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.input_tokens");
  private static final String EMBED = "embeddings text-embedding-3-small";
  private static final String SEARCH = "retrieval help-center";
  private static final String ANSWER = "chat gpt-4o-mini";

  @Test
  void eachQueryIsATreeAndTheMetricsCountCacheAndStageErrors() {
    SpanCollector spans = new SpanCollector();
    PullMetricReader metrics = new PullMetricReader();
    List<RagAnswer> answers;
    Collection<MetricData> collected;
    try (Telemetry telemetry =
        setup(Map.of()).addSpanExporter(spans).addMetricReader(metrics).build()) {
      answers = RagService.run(telemetry, RagService.QUERIES, quiet());
      assertThat(telemetry.forceFlush()).isTrue();
      collected = metrics.collect();
    }

    assertThat(answers)
        .extracting(RagAnswer::source)
        .containsExactly(
            "reset-password",
            "refund-policy",
            "reset-password",
            "shipping-regions",
            null,
            "refund-policy");
    assertThat(answers)
        .extracting(RagAnswer::cacheHit)
        .containsExactly(false, false, true, false, false, true);
    assertThat(answers)
        .extracting(RagAnswer::failedStage)
        .containsExactly(null, null, null, null, "search", null);

    Map<String, List<SpanData>> traces = spans.byTrace();
    assertThat(traces).hasSize(answers.size());
    long inputTokens = 0;
    long outputTokens = 0;
    for (RagAnswer answer : answers) {
      List<SpanData> trace = traces.get(answer.traceId());
      List<SpanData> roots =
          trace.stream().filter(s -> !s.getParentSpanContext().isValid()).toList();
      assertThat(roots).hasSize(1);
      SpanData root = roots.get(0);
      assertThat(root.getName()).isEqualTo("rag_query");
      List<SpanData> stages = children(trace, root);
      assertThat(trace).hasSize(1 + stages.size()); // a flat tree: every stage under the root
      SpanData cacheCheck = stages.get(0);
      assertThat(cacheCheck.getName()).isEqualTo("cache_check");
      assertThat(cacheCheck.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(cacheCheck.getAttributes().get(CACHE_HIT)).isEqualTo(answer.cacheHit());
      if (answer.failedStage() != null) {
        assertThat(stages)
            .extracting(SpanData::getName)
            .containsExactly("cache_check", EMBED, SEARCH);
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(stages.get(2).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(stages.get(2).getAttributes().get(ERROR_TYPE))
            .isEqualTo(IllegalArgumentException.class.getName());
      } else if (answer.cacheHit()) {
        assertThat(stages)
            .extracting(SpanData::getName)
            .containsExactly("cache_check", SEARCH, ANSWER);
      } else {
        assertThat(stages)
            .extracting(SpanData::getName)
            .containsExactly("cache_check", EMBED, SEARCH, ANSWER);
      }
      if (answer.failedStage() == null) {
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      }
      long queryInput = 0;
      for (SpanData stage : stages.subList(1, stages.size())) {
        assertThat(stage.getKind()).as(stage.getName()).isEqualTo(SpanKind.CLIENT);
        Long in = stage.getAttributes().get(INPUT);
        Long out = stage.getAttributes().get(OUTPUT);
        queryInput += in == null ? 0 : in;
        outputTokens += out == null ? 0 : out;
      }
      assertThat(root.getAttributes().get(TOTAL_INPUT)).isEqualTo(queryInput);
      inputTokens += queryInput;
    }

    // the service's own counters, exact
    assertThat(longSum(collected, "rag.embedding_cache.hits")).isEqualTo(2);
    assertThat(longSum(collected, "rag.embedding_cache.misses")).isEqualTo(4);
    List<LongPointData> errors = points(collected, "rag.stage.errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getAttributes().get(STAGE)).isEqualTo("search");
    assertThat(errors.get(0).getValue()).isEqualTo(1);
    // the query duration histogram: every query, the failed one with its error type
    Map<String, Long> queries = new HashMap<>();
    for (HistogramPointData point :
        metric(collected, "oteltoolkit.operation.duration").getHistogramData().getPoints()) {
      if ("rag_query".equals(point.getAttributes().get(OPERATION_NAME))) {
        queries.merge(
            String.valueOf(point.getAttributes().get(ERROR_TYPE)), point.getCount(), Long::sum);
      }
    }
    assertThat(queries).isEqualTo(Map.of("null", 5L, IllegalArgumentException.class.getName(), 1L));
    // tokens by type, the same as the spans say
    Map<String, Double> tokens = new HashMap<>();
    for (HistogramPointData point :
        metric(collected, "gen_ai.client.token.usage").getHistogramData().getPoints()) {
      tokens.merge(point.getAttributes().get(TOKEN_TYPE), point.getSum(), Double::sum);
    }
    assertThat(tokens)
        .isEqualTo(Map.of("input", (double) inputTokens, "output", (double) outputTokens));
  }

  @Test
  void withTelemetryOffInCodeTheSameAnswersAndNothingRecorded() {
    assertRollback(setup(Map.of()).enabled(false));
  }

  @Test
  void withOtelEnabledFalseTheSameAnswersAndNothingRecorded() {
    assertRollback(setup(Map.of("OTEL_ENABLED", "false")));
  }

  private static void assertRollback(TelemetryBuilder off) {
    List<RagAnswer> expected;
    try (Telemetry on = setup(Map.of()).build()) {
      expected = RagService.run(on, RagService.QUERIES, quiet());
    }
    SpanCollector spans = new SpanCollector();
    PullMetricReader metrics = new PullMetricReader();
    List<RagAnswer> answers;
    try (Telemetry telemetry = off.addSpanExporter(spans).addMetricReader(metrics).build()) {
      assertThat(telemetry.isEnabled()).isFalse();
      answers = RagService.run(telemetry, RagService.QUERIES, quiet());
      telemetry.forceFlush();
      assertThat(metrics.collect()).isEmpty();
    }
    assertThat(spans.byTrace()).isEmpty();
    assertThat(answers).hasSameSizeAs(expected);
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i).answer()).isEqualTo(expected.get(i).answer());
      assertThat(answers.get(i).failedStage()).isEqualTo(expected.get(i).failedStage());
      assertThat(answers.get(i).cacheHit()).isEqualTo(expected.get(i).cacheHit());
    }
    assertThat(answers).extracting(RagAnswer::answer).filteredOn(a -> a != null).hasSize(5);
  }

  private static TelemetryBuilder setup(Map<String, String> settings) {
    return Telemetry.setup().configProperties(settings).serviceName("rag-service").otlp(false);
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static MetricData metric(Collection<MetricData> metrics, String name) {
    List<MetricData> named = metrics.stream().filter(m -> m.getName().equals(name)).toList();
    assertThat(named).as(name).hasSize(1);
    return named.get(0);
  }

  private static List<LongPointData> points(Collection<MetricData> metrics, String name) {
    return new ArrayList<>(metric(metrics, name).getLongSumData().getPoints());
  }

  private static long longSum(Collection<MetricData> metrics, String name) {
    return points(metrics, name).stream().mapToLong(LongPointData::getValue).sum();
  }

  private static List<SpanData> children(List<SpanData> trace, SpanData parent) {
    return trace.stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .toList();
  }

  /** Keeps every exported span. */
  private static final class SpanCollector implements SpanExporter {
    private final List<SpanData> spans = new ArrayList<>();

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    synchronized Map<String, List<SpanData>> byTrace() {
      return spans.stream().collect(Collectors.groupingBy(SpanData::getTraceId));
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
