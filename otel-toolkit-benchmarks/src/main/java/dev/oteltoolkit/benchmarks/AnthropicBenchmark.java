package dev.oteltoolkit.benchmarks;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.ClientOptions;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.opentelemetry.OpenTelemetryOptions;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.services.blocking.MessageService;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.anthropic.AnthropicTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Messages API call through the Anthropic Java SDK: unwrapped, wrapped by {@code
 * otel-toolkit-ai-anthropic}, and traced by the SDK's own OpenTelemetry option (the only other
 * instrumentation of this SDK: the OpenTelemetry Java instrumentation has none), on one sampled SDK
 * (always-on, spans dropped, metrics aggregated and never collected), each call inside an open
 * request root that {@code Tracing} started. The same shape as {@link OpenAiBenchmark}.
 *
 * <ul>
 *   <li>{@code http*}: the unmodified SDK client (OkHttp) against an in-process server on the
 *       loopback interface answering a fixed message (1000 input tokens, 2000 cache reads, 500
 *       cache writes, 300 output). The server runs with {@code sun.net.httpserver.nodelay=true}, so
 *       its responses do not wait on delayed ACKs (without it a call takes ~40 ms of waiting, which
 *       hides everything else). Goal: {@code httpOurs / httpUnwrapped <= 1.02}.
 *   <li>{@code stub*}: the same wrapper over an SDK client without I/O whose messages service
 *       returns a preparsed message, so the instrumentation's own cost is all that differs.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 2,
    jvmArgsPrepend = {BenchmarkSdk.NO_MDC_BRIDGE, "-Dsun.net.httpserver.nodelay=true"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class AnthropicBenchmark {

  static final String RESPONSE =
      "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
          + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\","
          + "\"text\":\"Traces.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
          + "\"usage\":{\"input_tokens\":1000,\"output_tokens\":300,"
          + "\"cache_read_input_tokens\":2000,\"cache_creation_input_tokens\":500}}";

  private ModelCallFixture fixture;
  private Context requestContext;
  private MessageCreateParams params;

  private AnthropicClient httpUnwrapped;
  private AnthropicClient httpOurs;
  private AnthropicClient httpSdkTraced;
  private AnthropicClient stubUnwrapped;
  private AnthropicClient stubOurs;

  /**
   * Starts the server, the clients and the open request root.
   *
   * @throws IOException if the server cannot bind
   */
  @Setup
  public void setUp() throws IOException {
    fixture = new ModelCallFixture(RESPONSE);
    requestContext = fixture.requestContext;
    OpenTelemetrySdk sdk = fixture.sdk;
    AnthropicTelemetry ours = AnthropicTelemetry.create(GenAiTelemetry.create(sdk));

    httpUnwrapped = httpClient();
    httpOurs = ours.wrap(httpClient());
    httpSdkTraced =
        httpClient()
            .withOptions(
                options ->
                    options.openTelemetry(
                        OpenTelemetryOptions.builder()
                            .tracerProvider(sdk.getSdkTracerProvider())
                            .build()));
    Message parsed = ObjectMappers.jsonMapper().readValue(RESPONSE, Message.class);
    ClientOptions options = httpUnwrapped.options();
    stubUnwrapped = stubClient(parsed, options);
    stubOurs = ours.wrap(stubClient(parsed, options));
    params =
        MessageCreateParams.builder()
            .model("claude-sonnet-4-5")
            .maxTokens(1024)
            .addUserMessage("What is OpenTelemetry?")
            .build();

    RecordingSdk.check(stubOurs.messages().create(params).id().equals("msg_01"), "stub answers");
    RecordingSdk.check(
        httpOurs.messages().create(params).usage().cacheReadInputTokens().orElse(0L) == 2000L,
        "server answers");
    RecordingSdk.check(
        httpSdkTraced.messages().create(params).id().equals("msg_01"), "SDK-traced answers");
  }

  private AnthropicClient httpClient() {
    return AnthropicOkHttpClient.builder()
        .baseUrl(fixture.baseUrl())
        .apiKey("sk-ant-bench")
        .maxRetries(0)
        .build();
  }

  /**
   * An SDK client whose messages service answers {@code response} without I/O; {@code options()}
   * and {@code withOptions(..)} (which the wrapper reads) answer with {@code options} and itself.
   */
  private static AnthropicClient stubClient(Message response, ClientOptions options) {
    MessageService messages =
        ModelCallFixture.proxy(
            MessageService.class,
            (proxy, method, args) -> {
              if (method.getName().equals("create")) {
                return response;
              }
              throw new UnsupportedOperationException(method.getName());
            });
    AnthropicClient[] self = new AnthropicClient[1];
    self[0] =
        ModelCallFixture.proxy(
            AnthropicClient.class,
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "messages":
                  return messages;
                case "options":
                  return options;
                case "withOptions":
                  return self[0];
                default:
                  throw new UnsupportedOperationException(method.getName());
              }
            });
    return self[0];
  }

  /** Ends the request, closes clients, server and SDK. */
  @TearDown
  public void tearDown() {
    httpUnwrapped.close();
    httpOurs.close();
    httpSdkTraced.close();
    fixture.close();
  }

  /**
   * Baseline over HTTP: the unwrapped client.
   *
   * @return the message
   */
  @Benchmark
  public Message httpUnwrapped() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return httpUnwrapped.messages().create(params);
    }
  }

  /**
   * Over HTTP, wrapped by otel-toolkit-ai-anthropic.
   *
   * @return the message
   */
  @Benchmark
  public Message httpOurs() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return httpOurs.messages().create(params);
    }
  }

  /**
   * Over HTTP, traced by the SDK's own OpenTelemetry option.
   *
   * @return the message
   */
  @Benchmark
  public Message httpSdkTraced() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return httpSdkTraced.messages().create(params);
    }
  }

  /**
   * Baseline without I/O: the unwrapped stub client.
   *
   * @return the message
   */
  @Benchmark
  public Message stubUnwrapped() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return stubUnwrapped.messages().create(params);
    }
  }

  /**
   * Without I/O, wrapped by otel-toolkit-ai-anthropic: its instrumentation cost.
   *
   * @return the message
   */
  @Benchmark
  public Message stubOurs() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return stubOurs.messages().create(params);
    }
  }
}
