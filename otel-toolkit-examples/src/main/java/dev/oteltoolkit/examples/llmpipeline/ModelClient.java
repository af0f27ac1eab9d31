package dev.oteltoolkit.examples.llmpipeline;

import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.GenAiTelemetry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls an OpenAI-compatible chat completions endpoint for any provider's model, each call recorded
 * by otel-toolkit-ai as a {@code chat {model}} span with its provider, usage and cost. The HTTP
 * client is the instrumented one, so the HTTP request is a child span of the chat span.
 */
final class ModelClient {

  private final GenAiTelemetry ai;
  private final HttpClient http;
  private final URI endpoint;

  ModelClient(GenAiTelemetry ai, HttpClient http, URI endpoint) {
    this.ai = ai;
    this.http = http;
    this.endpoint = endpoint;
  }

  /**
   * Asks {@code model} of {@code provider} with a system instruction and one user message.
   *
   * @throws Exception an {@link IOException} when the endpoint fails, an {@link
   *     InterruptedException} when interrupted while waiting
   */
  Reply chat(String provider, String model, String instructions, String user) throws Exception {
    String body =
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":"
            + Json.quote(instructions)
            + "},{\"role\":\"user\",\"content\":"
            + Json.quote(user)
            + "}]}";
    GenAiSpan[] call = new GenAiSpan[1];
    Reply reply =
        ai.chat(provider, model)
            .serverAddress(endpoint.getHost())
            .serverPort(endpoint.getPort())
            .call(
                span -> {
                  call[0] = span;
                  HttpResponse<String> response =
                      http.send(
                          HttpRequest.newBuilder(endpoint)
                              .timeout(Duration.ofSeconds(10))
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() != 200) {
                    span.error("http_" + response.statusCode());
                    throw new IOException("the LLM gateway answered HTTP " + response.statusCode());
                  }
                  String json = response.body();
                  long input = Json.number(json, "prompt_tokens");
                  long output = Json.number(json, "completion_tokens");
                  span.responseModel(Json.string(json, "model"))
                      .responseId(Json.string(json, "id"))
                      .finishReasons(Json.string(json, "finish_reason"))
                      .usage(input, output);
                  return new Reply(Json.string(json, "content"), input, output, null);
                });
    // the span has ended: its cost, exact, from the price table
    return new Reply(reply.text(), reply.inputTokens(), reply.outputTokens(), call[0].cost());
  }

  /**
   * What a model call answered and used.
   *
   * @param text the answer
   * @param inputTokens {@code usage.prompt_tokens}
   * @param outputTokens {@code usage.completion_tokens}
   * @param cost the exact cost in USD, null for a model the price table does not know
   */
  record Reply(String text, long inputTokens, long outputTokens, BigDecimal cost) {}
}
