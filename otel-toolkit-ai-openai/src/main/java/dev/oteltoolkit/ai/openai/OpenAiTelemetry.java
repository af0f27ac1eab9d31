package dev.oteltoolkit.ai.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import dev.oteltoolkit.ai.GenAiTelemetry;
import java.util.Objects;

/**
 * Instruments the official OpenAI Java SDK ({@code com.openai:openai-java}) through {@link
 * GenAiTelemetry}: every chat completion, Responses API call and embeddings call of a wrapped
 * client becomes a GenAI span with its request parameters, response, token usage, cost, time to
 * first chunk for streams, the request's totals and the budget check.
 *
 * <pre>{@code
 * GenAiTelemetry ai = GenAiTelemetry.create(openTelemetry);
 * OpenAIClient client = OpenAiTelemetry.create(ai).wrap(OpenAIOkHttpClient.fromEnv());
 * ChatCompletion answer = client.chat().completions().create(params);   // recorded
 * }</pre>
 *
 * <p>The wrapped client is the same client: every service, {@code withOptions} copy and {@code
 * async()}/{@code sync()} view it hands out records too, everything else passes through unchanged,
 * and exceptions reach the caller as the SDK threw them. Content capture, redaction, prices and
 * budgets are the {@link GenAiTelemetry}'s. Thread-safe; wrap a client once and share it.
 */
public final class OpenAiTelemetry {

  private final Recorder recorder;

  /**
   * Returns an {@code OpenAiTelemetry} with the default configuration.
   *
   * @param genAiTelemetry what records the calls: spans, metrics, prices, content capture, budgets
   * @return a new {@code OpenAiTelemetry}
   */
  public static OpenAiTelemetry create(GenAiTelemetry genAiTelemetry) {
    return builder(genAiTelemetry).build();
  }

  /**
   * Returns a builder to configure the instrumentation.
   *
   * @param genAiTelemetry what records the calls: spans, metrics, prices, content capture, budgets
   * @return a new builder
   */
  public static OpenAiTelemetryBuilder builder(GenAiTelemetry genAiTelemetry) {
    return new OpenAiTelemetryBuilder(genAiTelemetry);
  }

  OpenAiTelemetry(GenAiTelemetry genAiTelemetry, boolean includeStreamUsage, String provider) {
    this.recorder = new Recorder(genAiTelemetry, includeStreamUsage, provider);
  }

  /**
   * Returns a client that records every call of {@code client}, which it uses. Wrapping a client
   * this returned returns it unchanged.
   *
   * @param client the SDK's client
   * @return the instrumented client
   */
  public OpenAIClient wrap(OpenAIClient client) {
    Objects.requireNonNull(client, "client");
    return Instrumented.client(recorder, client);
  }

  /**
   * Returns an asynchronous client that records every call of {@code client}, which it uses.
   * Wrapping a client this returned returns it unchanged.
   *
   * @param client the SDK's asynchronous client
   * @return the instrumented client
   */
  public OpenAIClientAsync wrap(OpenAIClientAsync client) {
    Objects.requireNonNull(client, "client");
    return Instrumented.client(recorder, client);
  }
}
