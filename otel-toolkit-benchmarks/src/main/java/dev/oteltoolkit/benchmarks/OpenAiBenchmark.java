package dev.oteltoolkit.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ClientOptions;
import com.openai.core.ObjectMappers;
import com.openai.core.http.HttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.chat.ChatCompletionService;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.openai.OpenAiTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.openai.v1_1.OpenAITelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * One chat completion through the OpenAI Java SDK: unwrapped, wrapped by {@code
 * otel-toolkit-ai-openai}, and wrapped by the official {@code opentelemetry-openai-java-1.1}
 * library instrumentation, on one sampled SDK (always-on, spans dropped, metrics aggregated and
 * never collected), each call inside an open request root that {@code Tracing} started.
 *
 * <ul>
 *   <li>{@code http*}: the unmodified SDK client (OkHttp) against an in-process server on the
 *       loopback interface answering a fixed chat completion (1200 input tokens, 200 of them
 *       cached, 300 output): what a call costs end to end. The server runs with {@code
 *       sun.net.httpserver.nodelay=true}, as in {@link AnthropicBenchmark}, so a call takes a
 *       fraction of a millisecond, not the ~45 ms of delayed ACKs that would hide any
 *       instrumentation cost. Goal: {@code httpOurs / httpUnwrapped <= 1.02}.
 *   <li>{@code stub*}: the same wrappers over an SDK client without I/O whose completions service
 *       returns a preparsed response, so the instrumentation's own cost is all that differs. Goal:
 *       {@code (stubOurs - stubUnwrapped) <= (stubOfficial - stubUnwrapped)}, while ours records
 *       more (server address, cached tokens, cost, the request's totals, time to first chunk for
 *       streams).
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
public class OpenAiBenchmark {

  /** The stub clients' base URL: OpenAI's public endpoint, as a client left at its default. */
  private static final String STUB_BASE_URL = "https://api.openai.com/v1";

  static final String RESPONSE =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1731000000,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"Traces.\",\"refusal\":null},\"logprobs\":null,"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300,"
          + "\"total_tokens\":1500,\"prompt_tokens_details\":{\"cached_tokens\":200},"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";

  private ModelCallFixture fixture;
  private Context requestContext;
  private ChatCompletionCreateParams params;

  private OpenAIClient httpUnwrapped;
  private OpenAIClient httpOurs;
  private OpenAIClient httpOfficial;
  private OpenAIClient stubUnwrapped;
  private OpenAIClient stubOurs;
  private OpenAIClient stubOfficial;

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
    GenAiTelemetry ai = GenAiTelemetry.create(sdk);
    OpenAiTelemetry ours = OpenAiTelemetry.create(ai);
    OpenAITelemetry official = OpenAITelemetry.create(sdk);

    httpUnwrapped = httpClient();
    httpOurs = ours.wrap(httpClient());
    httpOfficial = official.wrap(httpClient());
    ChatCompletion parsed = ObjectMappers.jsonMapper().readValue(RESPONSE, ChatCompletion.class);
    stubUnwrapped = stubClient(parsed);
    stubOurs = ours.wrap(stubClient(parsed));
    stubOfficial = official.wrap(stubClient(parsed));
    params =
        ChatCompletionCreateParams.builder()
            .model(ChatModel.GPT_4O_MINI)
            .addUserMessage("What is OpenTelemetry?")
            .temperature(0.2)
            .maxCompletionTokens(512)
            .build();

    RecordingSdk.check(
        stubOurs.chat().completions().create(params).id().equals("chatcmpl-1"), "stub answers");
    RecordingSdk.check(
        httpOurs.chat().completions().create(params).usage().isPresent(), "server answers");
  }

  private OpenAIClient httpClient() {
    return OpenAIOkHttpClient.builder()
        .baseUrl(fixture.baseUrl() + "/v1")
        .apiKey("sk-bench")
        .maxRetries(0)
        .build();
  }

  /**
   * An SDK client whose chat completions answer {@code response} without I/O. Its {@code
   * withOptions} shows the modifier the options of a client of the public endpoint, as a real
   * client does, so the wrappers read the server address there as they do over HTTP.
   */
  private static OpenAIClient stubClient(ChatCompletion response) {
    ChatCompletionService completions =
        ModelCallFixture.proxy(
            ChatCompletionService.class,
            (proxy, method, args) -> {
              if (method.getName().equals("create")) {
                return response;
              }
              throw new UnsupportedOperationException(method.getName());
            });
    ChatService chat =
        ModelCallFixture.proxy(ChatService.class, (proxy, method, args) -> completions);
    return ModelCallFixture.proxy(
        OpenAIClient.class,
        (proxy, method, args) -> {
          if (method.getName().equals("chat")) {
            return chat;
          }
          if (method.getName().equals("withOptions")) {
            @SuppressWarnings("unchecked")
            Consumer<ClientOptions.Builder> modifier = (Consumer<ClientOptions.Builder>) args[0];
            modifier.accept(
                ClientOptions.builder()
                    .httpClient(
                        ModelCallFixture.proxy(
                            HttpClient.class,
                            (unused, call, callArgs) -> {
                              throw new UnsupportedOperationException(call.getName());
                            }))
                    .apiKey("sk-bench")
                    .baseUrl(STUB_BASE_URL));
            return proxy;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  /** Ends the request, closes clients, server and SDK. */
  @TearDown
  public void tearDown() {
    httpUnwrapped.close();
    httpOurs.close();
    httpOfficial.close();
    fixture.close();
  }

  /**
   * Baseline over HTTP: the unwrapped client.
   *
   * @return the completion
   */
  @Benchmark
  public ChatCompletion httpUnwrapped() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return httpUnwrapped.chat().completions().create(params);
    }
  }

  /**
   * Over HTTP, wrapped by otel-toolkit-ai-openai.
   *
   * @return the completion
   */
  @Benchmark
  public ChatCompletion httpOurs() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return httpOurs.chat().completions().create(params);
    }
  }

  /**
   * Over HTTP, wrapped by the official library instrumentation.
   *
   * @return the completion
   */
  @Benchmark
  public ChatCompletion httpOfficial() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return httpOfficial.chat().completions().create(params);
    }
  }

  /**
   * Baseline without I/O: the unwrapped stub client.
   *
   * @return the completion
   */
  @Benchmark
  public ChatCompletion stubUnwrapped() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return stubUnwrapped.chat().completions().create(params);
    }
  }

  /**
   * Without I/O, wrapped by otel-toolkit-ai-openai: its instrumentation cost.
   *
   * @return the completion
   */
  @Benchmark
  public ChatCompletion stubOurs() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return stubOurs.chat().completions().create(params);
    }
  }

  /**
   * Without I/O, wrapped by the official library instrumentation: its instrumentation cost.
   *
   * @return the completion
   */
  @Benchmark
  public ChatCompletion stubOfficial() {
    try (Scope ignored = requestContext.makeCurrent()) {
      return stubOfficial.chat().completions().create(params);
    }
  }
}
