package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oteltoolkit.api.RequestAccumulator;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BudgetTest {

  // 1000 input tokens of "m" cost exactly 0.0004 USD
  private static final PriceTable PRICES =
      PriceTable.of(ModelPrice.perMillionTokens("m", "0.40", "0"));

  private TestSdk otel = new TestSdk();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @Test
  void crossingTheUsdBudgetMarksTheRootOnceAndCallsGoOn() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .priceTable(PRICES)
            .requestBudgetUsd(new BigDecimal("0.001"))
            .build();
    AtomicInteger ran = new AtomicInteger();
    Tracing.create(otel.sdk)
        .traced(
            "request",
            () -> {
              for (int i = 0; i < 4; i++) {
                ai.chat("p", "m")
                    .call(
                        s -> {
                          ran.incrementAndGet();
                          return s.usage(1000, 0);
                        });
              }
            });

    assertThat(ran).hasValue(4);
    SpanData root = otel.span("request");
    assertThat(root)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.TOTAL_INPUT_TOKENS, 4000L),
            equalTo(GenAiAttributes.TOTAL_OUTPUT_TOKENS, 0L),
            equalTo(GenAiAttributes.TOTAL_COST, 0.0016),
            equalTo(GenAiAttributes.BUDGET_EXCEEDED, true));
    assertThat(root.getEvents()).hasSize(1);
    EventData event = root.getEvents().get(0);
    assertThat(event.getName()).isEqualTo("oteltoolkit.gen_ai.budget.exceeded");
    assertThat(event.getAttributes().asMap())
        .containsOnly(
            org.assertj.core.api.Assertions.entry(GenAiAttributes.BUDGET_KIND, "usd"),
            org.assertj.core.api.Assertions.entry(GenAiAttributes.BUDGET_USD, 0.001),
            // crossed by the third call: 0.0012
            org.assertj.core.api.Assertions.entry(GenAiAttributes.TOTAL_COST, 0.0012));
  }

  @Test
  void aTotalEqualToTheBudgetIsWithinIt() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .priceTable(PRICES)
            .requestBudgetUsd(new BigDecimal("0.0008"))
            .requestBudgetTokens(2000)
            .stopOverBudget(true)
            .build();
    Tracing.create(otel.sdk)
        .traced(
            "request",
            () -> {
              ai.chat("p", "m").call(s -> s.usage(1000, 0));
              ai.chat("p", "m").call(s -> s.usage(1000, 0));
              ai.executeTool("still-allowed").call(s -> null);
            });
    SpanData root = otel.span("request");
    assertThat(root.getAttributes().get(GenAiAttributes.BUDGET_EXCEEDED)).isNull();
    assertThat(root.getEvents()).isEmpty();
    assertThat(otel.names()).contains("execute_tool still-allowed");
  }

  @Test
  void stopOverBudgetThrowsBeforeTheNextCallStarts() {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .priceTable(PRICES)
            .requestBudgetTokens(100)
            .stopOverBudget(true)
            .build();
    Tracing tracing = Tracing.create(otel.sdk);
    AtomicBoolean thirdRan = new AtomicBoolean();

    BudgetExceededException thrown =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            BudgetExceededException.class,
            () ->
                tracing.traced(
                    "request",
                    () -> {
                      ai.chat("p", "m").call(s -> s.usage(60, 0));
                      ai.chat("p", "m").call(s -> s.usage(30, 20)); // 110 > 100: crossed
                      ai.chat("p", "m").call(s -> thirdRan.getAndSet(true));
                    }));

    assertThat(thirdRan).isFalse();
    assertThat(thrown.spentTokens()).isEqualTo(110);
    assertThat(thrown.budgetTokens()).isEqualTo(100L);
    assertThat(thrown.budgetUsd()).isNull();
    assertThat(thrown.spentUsd()).isEqualByComparingTo("0.000036");
    assertThat(thrown).hasMessageContaining("not starting chat").hasMessageContaining("110 tokens");
    // no span was started for the refused call
    assertThat(otel.finished().stream().filter(s -> s.getName().equals("chat m"))).hasSize(2);
    SpanData root = otel.span("request");
    assertThat(root.getAttributes().get(GenAiAttributes.BUDGET_EXCEEDED)).isTrue();
    assertThat(root.getEvents().get(0).getAttributes().asMap())
        .containsOnly(
            org.assertj.core.api.Assertions.entry(GenAiAttributes.BUDGET_KIND, "tokens"),
            org.assertj.core.api.Assertions.entry(GenAiAttributes.BUDGET_TOKENS, 100L),
            org.assertj.core.api.Assertions.entry(GenAiAttributes.TOTAL_TOKENS, 110L));
    // the exception went through the request span like any other
    assertThat(root.getAttributes().get(io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE))
        .isEqualTo(BudgetExceededException.class.getName());

    // every operation is stopped, start() included; a new request starts afresh
    tracing.traced(
        "next-request",
        () -> {
          ai.chat("p", "m").call(s -> s.usage(101, 0));
          assertThatThrownBy(() -> ai.executeTool("t").start())
              .isInstanceOf(BudgetExceededException.class);
          assertThatThrownBy(() -> ai.invokeAgent("a").call(s -> null))
              .isInstanceOf(BudgetExceededException.class);
        });
  }

  @Test
  void budgetsWorkForUnsampledRequests() {
    otel.close();
    otel = new TestSdk(Sampler.alwaysOff());
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .priceTable(PRICES)
            .requestBudgetUsd(new BigDecimal("0.0001"))
            .stopOverBudget(true)
            .build();
    assertThatThrownBy(
            () ->
                Tracing.create(otel.sdk)
                    .traced(
                        "request",
                        () -> {
                          ai.chat("p", "m").call(s -> s.usage(1000, 0));
                          ai.chat("p", "m").call(s -> s.usage(1000, 0));
                        }))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("spent 0.0004 USD (budget 0.0001 USD)");
    assertThat(otel.finished()).isEmpty();
  }

  @Test
  void concurrentCallsCrossTheBudgetExactlyOnce() throws Exception {
    GenAiTelemetry ai =
        GenAiTelemetry.builder(otel.sdk)
            .priceTable(PRICES)
            .requestBudgetUsd(new BigDecimal("0.2"))
            .requestBudgetTokens(500_000)
            .build();
    ExecutorService pool = Context.taskWrapping(Executors.newFixedThreadPool(4));
    CountDownLatch start = new CountDownLatch(1);
    try {
      Tracing.create(otel.sdk)
          .traced(
              "request",
              () -> {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                  futures.add(
                      pool.submit(
                          () -> {
                            start.await();
                            return ai.chat("p", "m").call(s -> s.usage(1000, 0));
                          }));
                }
                start.countDown();
                for (Future<?> future : futures) {
                  future.get(60, TimeUnit.SECONDS);
                }
                assertThat(RequestAccumulator.current().decimalTotal(GenAiAttributes.TOTAL_COST))
                    .isEqualByComparingTo("0.4");
                return null;
              });
    } finally {
      pool.shutdownNow();
    }
    SpanData root = otel.span("request");
    // 0.4 USD > 0.2 and 1,000,000 tokens > 500,000: each budget crossed, each marked once
    assertThat(root.getEvents()).hasSize(2);
    assertThat(root.getEvents())
        .extracting(e -> e.getAttributes().get(GenAiAttributes.BUDGET_KIND))
        .containsExactlyInAnyOrder("usd", "tokens");
    assertThat(root.getAttributes().get(GenAiAttributes.BUDGET_EXCEEDED)).isTrue();
  }

  @Test
  void invalidBudgetsAreRejectedWithTheirValue() {
    GenAiTelemetryBuilder builder = GenAiTelemetry.builder(otel.sdk);
    assertThatThrownBy(() -> builder.requestBudgetUsd(new BigDecimal("-0.5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestBudgetUsd=-0.5: must not be negative");
    assertThatThrownBy(() -> builder.requestBudgetTokens(-1))
        .hasMessage("requestBudgetTokens=-1: must not be negative");
  }
}
