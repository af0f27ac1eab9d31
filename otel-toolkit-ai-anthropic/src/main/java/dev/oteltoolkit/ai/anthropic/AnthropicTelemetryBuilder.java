package dev.oteltoolkit.ai.anthropic;

import dev.oteltoolkit.ai.GenAiTelemetry;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures an {@link AnthropicTelemetry}: {@code AnthropicTelemetry.builder(genAi)
 * .streamIdleTimeout(Duration.ofMinutes(2)).build()}.
 */
public final class AnthropicTelemetryBuilder {

  static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(10);

  private final GenAiTelemetry genAiTelemetry;
  private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
  private boolean sdkSpans;

  AnthropicTelemetryBuilder(GenAiTelemetry genAiTelemetry) {
    this.genAiTelemetry = Objects.requireNonNull(genAiTelemetry, "genAiTelemetry");
  }

  /**
   * Sets how long a streamed response may go without the caller reading from it, while no read is
   * in progress, before its span is ended as abandoned ({@code error.type=stream_abandoned}). A
   * stream that is read to its end, fails or is closed ends its span at once; this bounds the span
   * of one the caller forgets. The stream itself is left as it is. Default: 10 minutes.
   *
   * @param streamIdleTimeout the idle time, positive
   * @return this builder
   * @throws IllegalArgumentException if {@code streamIdleTimeout} is zero or negative
   */
  public AnthropicTelemetryBuilder streamIdleTimeout(Duration streamIdleTimeout) {
    Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    if (streamIdleTimeout.isZero() || streamIdleTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "streamIdleTimeout=" + streamIdleTimeout + ": must be positive");
    }
    this.streamIdleTimeout = streamIdleTimeout;
    return this;
  }

  /**
   * Keeps the Anthropic SDK's own OpenTelemetry spans ({@code anthropic.messages.create}, emitted
   * by SDK 3.16 when a tracer provider is registered) as children of ours. Default: {@code false}:
   * the wrapped client emits only our span per call, since the SDK's would repeat its token counts.
   *
   * @param sdkSpans whether to keep the SDK's spans
   * @return this builder
   */
  public AnthropicTelemetryBuilder sdkSpans(boolean sdkSpans) {
    this.sdkSpans = sdkSpans;
    return this;
  }

  /**
   * Returns a new {@link AnthropicTelemetry} with this configuration.
   *
   * @return the telemetry
   */
  public AnthropicTelemetry build() {
    return new AnthropicTelemetry(genAiTelemetry, streamIdleTimeout, sdkSpans);
  }
}
