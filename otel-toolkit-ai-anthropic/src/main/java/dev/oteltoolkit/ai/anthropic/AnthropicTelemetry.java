package dev.oteltoolkit.ai.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import dev.oteltoolkit.ai.GenAiTelemetry;
import java.time.Duration;
import java.util.Objects;

/**
 * Instruments the official Anthropic Java SDK: {@link #wrap(AnthropicClient)} returns a client that
 * records every Messages API call as a GenAI {@code chat} span of the given {@link GenAiTelemetry},
 * with its tokens, cost, request totals, budgets and, for streams, time to first token.
 *
 * <pre>{@code
 * GenAiTelemetry ai = GenAiTelemetry.create(openTelemetry);
 * AnthropicClient claude = AnthropicTelemetry.create(ai).wrap(AnthropicOkHttpClient.fromEnv());
 * Message answer = claude.messages().create(params);   // recorded
 * }</pre>
 *
 * <p>Recorded: {@code messages().create(...)} and {@code messages().createStreaming(...)} of the
 * synchronous and the asynchronous client (also through {@code withOptions}, {@code async()} and
 * {@code sync()}). Everything else (models, batches, files, beta, raw responses) passes through
 * unrecorded. The wrapped client behaves exactly like the original: same results, same exceptions,
 * and a failure inside the instrumentation is logged once and never reaches the caller.
 * Thread-safe; wrap a client once and share it.
 */
public final class AnthropicTelemetry {

  private final Recorder recorder;
  private final boolean sdkSpans;

  /**
   * Returns an {@code AnthropicTelemetry} with the default configuration: streams left unread and
   * unclosed end their span after 10 minutes idle, and the SDK's own spans are replaced by ours.
   *
   * @param genAiTelemetry the GenAI telemetry to record with (prices, budgets, content capture)
   * @return a new {@code AnthropicTelemetry}
   */
  public static AnthropicTelemetry create(GenAiTelemetry genAiTelemetry) {
    return builder(genAiTelemetry).build();
  }

  /**
   * Returns a builder to configure the stream idle timeout and the SDK's own spans.
   *
   * @param genAiTelemetry the GenAI telemetry to record with (prices, budgets, content capture)
   * @return a new builder
   */
  public static AnthropicTelemetryBuilder builder(GenAiTelemetry genAiTelemetry) {
    return new AnthropicTelemetryBuilder(genAiTelemetry);
  }

  AnthropicTelemetry(GenAiTelemetry genAiTelemetry, Duration streamIdleTimeout, boolean sdkSpans) {
    this.recorder = new Recorder(genAiTelemetry, streamIdleTimeout);
    this.sdkSpans = sdkSpans;
  }

  /**
   * Returns a client that records the Messages API calls of {@code client}. The returned client
   * shares {@code client}'s connection pool and configuration; closing either closes both. Wrapping
   * a client this returned returns it unchanged.
   *
   * <p>Unless {@link AnthropicTelemetryBuilder#sdkSpans(boolean) sdkSpans(true)}, the returned
   * client has the SDK's own OpenTelemetry spans turned off (its {@code openTelemetry} option gets
   * the no-op tracer provider), since they would repeat ours and backends that add up tokens would
   * count each call twice; it still sends the W3C trace context of our span with each request when
   * the SDK's propagation is on.
   *
   * @param client the client to instrument
   * @return the instrumented client
   */
  public AnthropicClient wrap(AnthropicClient client) {
    Objects.requireNonNull(client, "client");
    return ClientHandler.wrap(client, recorder, sdkSpans);
  }

  /**
   * Returns an asynchronous client that records the Messages API calls of {@code client}, as {@link
   * #wrap(AnthropicClient)} does for the synchronous one.
   *
   * @param client the asynchronous client to instrument
   * @return the instrumented client
   */
  public AnthropicClientAsync wrap(AnthropicClientAsync client) {
    Objects.requireNonNull(client, "client");
    return ClientHandler.wrapAsync(client, recorder, sdkSpans);
  }
}
