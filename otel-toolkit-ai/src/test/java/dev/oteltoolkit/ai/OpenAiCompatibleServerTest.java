package dev.oteltoolkit.ai;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.oteltoolkit.api.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wiring any client in about ten lines: a fake OpenAI-compatible server (JDK {@code HttpServer})
 * returns a real-shaped chat completion, the JDK {@code HttpClient} calls it, and {@link
 * #recordResponse} maps the response onto the {@link GenAiSpan}. No vendor SDK.
 */
class OpenAiCompatibleServerTest {

  private static final String COMPLETION =
      "{\"id\":\"chatcmpl-abc123\",\"object\":\"chat.completion\",\"created\":1731000000,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"Paris.\",\"refusal\":null},\"logprobs\":null,"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1200,"
          + "\"completion_tokens\":48,\"total_tokens\":1248,\"prompt_tokens_details\":"
          + "{\"cached_tokens\":1024,\"audio_tokens\":0},\"completion_tokens_details\":"
          + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
          + "\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\","
          + "\"system_fingerprint\":\"fp_44709d6fcb\"}";
  private static final String RATE_LIMITED =
      "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini\",\"type\":\"requests\","
          + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";

  private final TestSdk otel = new TestSdk();
  private final List<String> traceparents = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private HttpClient client;
  private volatile boolean rateLimited;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          traceparents.add(exchange.getRequestHeaders().getFirst("traceparent"));
          exchange.getRequestBody().readAllBytes();
          byte[] body = (rateLimited ? RATE_LIMITED : COMPLETION).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(rateLimited ? 429 : 200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    otel.close();
  }

  /** The adapter users write once per client: response JSON to span. */
  @SuppressWarnings("unchecked")
  static String recordResponse(GenAiSpan span, int status, Map<String, Object> response) {
    if (status != 200) {
      Map<String, Object> error = (Map<String, Object>) response.get("error");
      span.error(String.valueOf(error.get("code")));
      return null;
    }
    Map<String, Object> usage = (Map<String, Object>) response.get("usage");
    Map<String, Object> choice = ((List<Map<String, Object>>) response.get("choices")).get(0);
    Map<String, Object> details = (Map<String, Object>) usage.get("prompt_tokens_details");
    span.responseModel((String) response.get("model"))
        .responseId((String) response.get("id"))
        .finishReasons((String) choice.get("finish_reason"))
        .usage(number(usage, "prompt_tokens"), number(usage, "completion_tokens"))
        .cacheReadInputTokens(details == null ? 0 : number(details, "cached_tokens"));
    return (String) ((Map<String, Object>) choice.get("message")).get("content");
  }

  private static long number(Map<String, Object> map, String key) {
    return ((BigDecimal) map.get(key)).longValueExact();
  }

  private String ask(GenAiTelemetry ai, OpenTelemetry openTelemetry, String question)
      throws Exception {
    URI uri =
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
    return ai.chat("openai", "gpt-4o-mini")
        .temperature(0)
        .serverAddress(uri.getHost())
        .serverPort(uri.getPort())
        .call(
            span -> {
              HttpRequest.Builder request =
                  HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(10))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\":\"gpt-4o-mini\",\"temperature\":0,\"messages\":"
                                  + "[{\"role\":\"user\",\"content\":\""
                                  + question
                                  + "\"}]}"));
              openTelemetry
                  .getPropagators()
                  .getTextMapPropagator()
                  .inject(Context.current(), request, HttpRequest.Builder::header);
              HttpResponse<String> response =
                  client.send(request.build(), HttpResponse.BodyHandlers.ofString());
              @SuppressWarnings("unchecked")
              Map<String, Object> json = (Map<String, Object>) Json.parse(response.body());
              return recordResponse(span, response.statusCode(), json);
            });
  }

  @Test
  void aRealShapedResponseBecomesASemconvSpanWithCostAndTotals() throws Exception {
    GenAiTelemetry ai = GenAiTelemetry.create(otel.sdk); // the shipped price table
    String answer =
        Tracing.create(otel.sdk)
            .traced("GET /capital", () -> ask(ai, otel.sdk, "Capital of France?"));

    assertThat(answer).isEqualTo("Paris.");
    SpanData chat = otel.span("chat gpt-4o-mini");
    ModelPrice price = PriceTable.defaults().find("gpt-4o-mini-2024-07-18");
    BigDecimal expectedCost = price.cost(1200, 48, 1024, 0, 0);
    assertThat(chat)
        .hasAttributesSatisfyingExactly(
            equalTo(GenAiAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(GenAiAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
            equalTo(GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE, 0.0),
            equalTo(ServerAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(ServerAttributes.SERVER_PORT, (long) server.getAddress().getPort()),
            equalTo(GenAiAttributes.GEN_AI_RESPONSE_MODEL, "gpt-4o-mini-2024-07-18"),
            equalTo(GenAiAttributes.GEN_AI_RESPONSE_ID, "chatcmpl-abc123"),
            equalTo(GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop")),
            equalTo(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, 1200L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 48L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 1024L),
            equalTo(GenAiAttributes.GEN_AI_USAGE_COST, expectedCost.doubleValue()));
    assertThat(otel.span("GET /capital").getAttributes().get(GenAiAttributes.TOTAL_COST))
        .isEqualTo(expectedCost.doubleValue());
    // the request carried the chat span's context to the server
    assertThat(traceparents)
        .containsExactly(
            "00-"
                + chat.getTraceId()
                + "-"
                + chat.getSpanId()
                + "-"
                + chat.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void aProviderErrorResponseMarksTheSpan() throws Exception {
    rateLimited = true;
    GenAiTelemetry ai = GenAiTelemetry.create(otel.sdk);
    assertThat(ask(ai, otel.sdk, "Capital of France?")).isNull();
    SpanData chat = otel.span("chat gpt-4o-mini");
    assertThat(chat.getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(chat.getAttributes().get(ErrorAttributes.ERROR_TYPE))
        .isEqualTo("rate_limit_exceeded");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_COST)).isNull();
  }

  @Test
  void aServerThatIsDownFailsTheCallWithTheClientsOwnException() {
    server.stop(0);
    GenAiTelemetry ai = GenAiTelemetry.create(otel.sdk);
    assertThatThrownBy(() -> ask(ai, otel.sdk, "anyone?")).isInstanceOf(IOException.class);
    assertThat(otel.span("chat gpt-4o-mini").getAttributes().get(ErrorAttributes.ERROR_TYPE))
        .startsWith("java.net.");
  }
}
