package dev.oteltoolkit.ai.openai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Budgets stop a call before a byte is sent; failures inside the instrumentation never leak. */
class BudgetAndFailuresTest extends OpenAiTestBase {

  private final List<LogRecord> warnings = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          warnings.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final Logger logger = Logger.getLogger(OpenAiTelemetry.class.getName());

  @BeforeEach
  void listen() {
    logger.addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(handler);
  }

  @Test
  void aCallOfARequestAlreadyOverBudgetIsRefusedBeforeAnyByteIsSent() {
    server.json(
        200, Wire.chatCompletion("chatcmpl-1", "gpt-4o-mini", "ok", "stop", Wire.usage(1200, 300)));
    OpenAIClient client =
        OpenAiTelemetry.create(genAi().requestBudgetTokens(1000).stopOverBudget(true).build())
            .wrap(rawClient());

    tracing.traced(
        "request",
        () -> {
          client.chat().completions().create(ChatCompletionsTest.question().build());
          assertThat(server.requests).hasSize(1);
          assertThatThrownBy(
                  () -> client.chat().completions().create(ChatCompletionsTest.question().build()))
              .isInstanceOf(BudgetExceededException.class);
          assertThatThrownBy(
                  () -> client.chat().completions().createStreaming(StreamingTest.params(true)))
              .isInstanceOf(BudgetExceededException.class);
          assertThatThrownBy(
                  () ->
                      client
                          .async()
                          .chat()
                          .completions()
                          .create(ChatCompletionsTest.question().build()))
              .isInstanceOf(BudgetExceededException.class);
          return null;
        });

    assertThat(server.requests).as("the fake server saw only the first request").hasSize(1);
    otel.assertTrace("request").hasChild("chat gpt-4o-mini").hasNoOtherSpans();
  }

  @Test
  void aTracerThatThrowsLeavesTheCallExactlyAsUnwrapped() {
    server.json(
        200, Wire.chatCompletion("chatcmpl-2", "gpt-4o-mini", "ok", "stop", Wire.usage(10, 5)));
    GenAiTelemetry broken =
        GenAiTelemetry.create(new ThrowingTracerOpenTelemetry(otel.openTelemetry()));
    OpenAIClient client = OpenAiTelemetry.create(broken).wrap(rawClient());

    ChatCompletion completion =
        client.chat().completions().create(ChatCompletionsTest.question().build());

    assertThat(completion.id()).isEqualTo("chatcmpl-2");
    otel.assertNoSpans();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getThrown()).hasMessage("a broken tracer");
  }

  @Test
  void malformedUsageGivesASpanWithoutUsageAndTheCallerStillGetsTheResponse() {
    server.json(
        200,
        Wire.chatCompletion(
            "chatcmpl-3",
            "gpt-4o-mini",
            "ok",
            "stop",
            "{\"prompt_tokens\":\"many\",\"completion_tokens\":5}"));
    OpenAIClient client = client();

    ChatCompletion completion =
        client.chat().completions().create(ChatCompletionsTest.question().build());

    assertThat(completion.id()).isEqualTo("chatcmpl-3");
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(GEN_AI_USAGE_INPUT_TOKENS))
        .isNull();
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(Keys.COST)).isNull();
    assertThat(warnings).hasSize(1); // logged once
  }

  @Test
  void aRedactorThatThrowsRecordsNoContentAndTheCallIsUnaffected() {
    server.json(
        200, Wire.chatCompletion("chatcmpl-4", "gpt-4o-mini", "ok", "stop", Wire.usage(10, 5)));
    OpenAIClient client =
        OpenAiTelemetry.create(
                genAi()
                    .captureMessageContent(true)
                    .contentRedactor(
                        text -> {
                          throw new IllegalStateException("a broken redactor");
                        })
                    .build())
            .wrap(rawClient());

    ChatCompletion completion =
        client.chat().completions().create(ChatCompletionsTest.question().build());

    assertThat(completion.id()).isEqualTo("chatcmpl-4");
    assertThat(otel.span("chat gpt-4o-mini"))
        .hasAttributesSatisfying(
            io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo(
                GEN_AI_RESPONSE_ID, "chatcmpl-4"));
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(Keys.INPUT_MESSAGES)).isNull();
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(Keys.OUTPUT_MESSAGES)).isNull();
  }

  /** An OpenTelemetry whose tracers throw on every span: a deliberately failing hook. */
  private static final class ThrowingTracerOpenTelemetry implements OpenTelemetry {
    private final OpenTelemetry delegate;

    ThrowingTracerOpenTelemetry(OpenTelemetry delegate) {
      this.delegate = delegate;
    }

    @Override
    public TracerProvider getTracerProvider() {
      return new TracerProvider() {
        @Override
        public Tracer get(String name) {
          return spanName -> {
            throw new IllegalStateException("a broken tracer");
          };
        }

        @Override
        public Tracer get(String name, String version) {
          return get(name);
        }

        @Override
        public TracerBuilder tracerBuilder(String name) {
          return new TracerBuilder() {
            @Override
            public TracerBuilder setSchemaUrl(String schemaUrl) {
              return this;
            }

            @Override
            public TracerBuilder setInstrumentationVersion(String version) {
              return this;
            }

            @Override
            public Tracer build() {
              return get(name);
            }
          };
        }
      };
    }

    @Override
    public io.opentelemetry.api.metrics.MeterProvider getMeterProvider() {
      return delegate.getMeterProvider();
    }

    @Override
    public ContextPropagators getPropagators() {
      return delegate.getPropagators();
    }
  }
}
