package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import dev.oteltoolkit.api.RequestAccumulator;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestTotalsTest {

  private static final ModelPrice MINI = ModelPrice.perMillionTokens("gpt-4o-mini", "0.15", "0.60");

  private final TestSdk otel = new TestSdk();
  private final GenAiTelemetry ai =
      GenAiTelemetry.builder(otel.sdk)
          .priceTable(GenAiSpansTest.PRICES.withOverrides(PriceTable.of(MINI)))
          .build();
  private final Tracing tracing = Tracing.create(otel.sdk);

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @Test
  void totalsOfEveryCallLandOnTheRequestRoot() {
    tracing.traced(
        "handle-question",
        () -> {
          ai.embeddings("openai", "text-embedding-3-small").call(s -> s.usage(500));
          tracing.traced(
              "answer",
              () ->
                  ai.chat("openai", "gpt-4o")
                      .call(s -> s.usage(1000, 100).cacheReadInputTokens(400)));
        });

    // 500 x 0.02 + 600 x 2.50 + 400 x 1.25 + 100 x 10.00 per million = 0.00301
    assertThat(otel.span("handle-question"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.TOTAL_INPUT_TOKENS, 1500L),
            equalTo(GenAiAttributes.TOTAL_OUTPUT_TOKENS, 100L),
            equalTo(GenAiAttributes.TOTAL_COST, 0.00301));
    assertThat(otel.span("answer").getAttributes().get(GenAiAttributes.TOTAL_COST)).isNull();
    assertThat(otel.span("chat gpt-4o").getAttributes().get(GenAiAttributes.TOTAL_COST)).isNull();
  }

  @Test
  @SuppressWarnings("try")
  void totalsLandOnARootStartedByOtherCode() {
    // e.g. a server instrumentation's span, started with the plain API
    Span root = otel.sdk.getTracer("http-server").spanBuilder("GET /ask").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      ai.chat("openai", "gpt-4o").call(s -> s.usage(100, 10));
      ai.chat("openai", "gpt-4o").call(s -> s.usage(100, 10));
    } finally {
      root.end();
    }
    assertThat(otel.span("GET /ask"))
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.TOTAL_INPUT_TOKENS, 200L),
            equalTo(GenAiAttributes.TOTAL_OUTPUT_TOKENS, 20L),
            equalTo(GenAiAttributes.TOTAL_COST, 0.0007));
  }

  @Test
  void tenThousandConcurrentCallsInOneRequestAreExactToTheLastTokenAndCent() throws Exception {
    int calls = 10_000;
    ExecutorService pool = Context.taskWrapping(Executors.newFixedThreadPool(4));
    CountDownLatch start = new CountDownLatch(1);
    BigDecimal[] exactTotal = new BigDecimal[1];
    try {
      tracing.traced(
          "batch-request",
          () -> {
            List<Future<?>> futures = new ArrayList<>(calls);
            for (int i = 0; i < calls; i++) {
              long input = 1 + i % 13;
              long output = i % 7;
              futures.add(
                  pool.submit(
                      () -> {
                        start.await();
                        return ai.chat("openai", "gpt-4o-mini").call(s -> s.usage(input, output));
                      }));
            }
            start.countDown();
            for (Future<?> future : futures) {
              future.get(60, TimeUnit.SECONDS);
            }
            exactTotal[0] = RequestAccumulator.current().decimalTotal(GenAiAttributes.TOTAL_COST);
            return null;
          });
    } finally {
      pool.shutdownNow();
    }

    long expectedInput = 0;
    long expectedOutput = 0;
    BigDecimal expectedCost = BigDecimal.ZERO;
    for (int i = 0; i < calls; i++) {
      expectedInput += 1 + i % 13;
      expectedOutput += i % 7;
      expectedCost = expectedCost.add(MINI.cost(1 + i % 13, i % 7, 0, 0, 0));
    }
    // the same sums computed another way: whole cycles of i % 13 and i % 7, then the remainder
    assertThat(expectedInput).isEqualTo(769L * (13 + 78) + (1 + 2 + 3));
    assertThat(expectedOutput).isEqualTo(1428L * 21 + (0 + 1 + 2 + 3));
    assertThat(expectedCost)
        .isEqualByComparingTo(
            new BigDecimal(expectedInput)
                .multiply(new BigDecimal("0.15"))
                .add(new BigDecimal(expectedOutput).multiply(new BigDecimal("0.60")))
                .movePointLeft(6));
    assertThat(exactTotal[0]).isEqualByComparingTo(expectedCost);

    SpanData root = otel.span("batch-request");
    assertThat(root)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.TOTAL_INPUT_TOKENS, expectedInput),
            equalTo(GenAiAttributes.TOTAL_OUTPUT_TOKENS, expectedOutput),
            equalTo(GenAiAttributes.TOTAL_COST, expectedCost.doubleValue()));
    assertThat(otel.finished()).hasSize(calls + 1);
  }

  @Test
  void aCallThatEndsAfterItsRequestIsNotCounted() {
    GenAiSpan[] late = new GenAiSpan[1];
    tracing.traced(
        "request",
        () -> {
          ai.chat("openai", "gpt-4o").call(s -> s.usage(10, 1));
          late[0] = ai.chat("openai", "gpt-4o").start();
        });
    late[0].usage(1000, 1000).close();

    assertThat(otel.span("request").getAttributes().get(GenAiAttributes.TOTAL_INPUT_TOKENS))
        .isEqualTo(10L);
    List<SpanData> chats =
        otel.finished().stream().filter(s -> s.getName().equals("chat gpt-4o")).toList();
    assertThat(chats.get(1).getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS))
        .isEqualTo(1000L);
  }
}
