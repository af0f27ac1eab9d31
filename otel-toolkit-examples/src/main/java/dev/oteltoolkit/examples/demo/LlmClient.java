package dev.oteltoolkit.examples.demo;

import dev.oteltoolkit.ai.GenAiTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Calls an OpenAI-compatible chat completions endpoint with the JDK {@code HttpClient}, each call
 * recorded by otel-toolkit-ai as a {@code chat gpt-4o-mini} span with its usage and cost. The
 * client is the instrumented one, so the HTTP request is a child span of the chat span.
 */
final class LlmClient {

  /** The provider and model every call asks for. */
  static final String PROVIDER = "openai";

  /** The model every call asks for; the shipped price table knows it. */
  static final String MODEL = "gpt-4o-mini";

  private static final double TEMPERATURE = 0.2;

  private final GenAiTelemetry ai;
  private final HttpClient http;
  private final URI endpoint;

  LlmClient(GenAiTelemetry ai, HttpClient http, URI endpoint) {
    this.ai = ai;
    this.http = http;
    this.endpoint = endpoint;
  }

  /**
   * Sends the conversation so far and returns the model's reply.
   *
   * @param messages the messages, each a JSON object
   * @throws Exception an {@link IOException} when the endpoint cannot be reached or answers with
   *     an error, an {@link InterruptedException} when interrupted while waiting
   */
  ChatCompletion chat(List<String> messages) throws Exception {
    String body =
        "{\"model\":\"" + MODEL + "\",\"temperature\":" + TEMPERATURE + ",\"messages\":["
            + String.join(",", messages)
            + "],\"tools\":"
            + OrderTools.DEFINITIONS
            + "}";
    return ai.chat(PROVIDER, MODEL)
        .temperature(TEMPERATURE)
        .serverAddress(endpoint.getHost())
        .serverPort(endpoint.getPort())
        .call(
            span -> {
              HttpResponse<String> response =
                  http.send(
                      HttpRequest.newBuilder(endpoint)
                          .timeout(Duration.ofSeconds(10))
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString(body))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              if (response.statusCode() != 200) {
                span.error(ChatCompletion.errorCode(response.body()));
                throw new IOException("the LLM answered HTTP " + response.statusCode());
              }
              // the response tells the span what the call used; cost comes from the price table
              ChatCompletion completion = ChatCompletion.parse(response.body());
              span.responseModel(completion.model())
                  .responseId(completion.id())
                  .finishReasons(completion.finishReason())
                  .usage(completion.promptTokens(), completion.completionTokens())
                  .cacheReadInputTokens(completion.cachedTokens());
              return completion;
            });
  }
}
