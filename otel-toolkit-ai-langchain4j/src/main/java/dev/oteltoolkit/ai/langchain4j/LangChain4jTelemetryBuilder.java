package dev.oteltoolkit.ai.langchain4j;

import dev.oteltoolkit.ai.GenAiTelemetry;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures a {@link LangChain4jTelemetry}: {@code LangChain4jTelemetry.builder(genAi)
 * .streamIdleTimeout(Duration.ofMinutes(2)).build()}.
 */
public final class LangChain4jTelemetryBuilder {

  static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(10);

  private final GenAiTelemetry genAiTelemetry;
  private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;

  LangChain4jTelemetryBuilder(GenAiTelemetry genAiTelemetry) {
    this.genAiTelemetry = Objects.requireNonNull(genAiTelemetry, "genAiTelemetry");
  }

  /**
   * Sets how long a streamed call may go without any callback to its handler before its span is
   * ended as abandoned ({@code error.type=stream_abandoned}): a stream cancelled through its {@code
   * StreamingHandle}, or one a provider never finishes. Default: 10 minutes.
   *
   * @param streamIdleTimeout the idle time, positive
   * @return this builder
   * @throws IllegalArgumentException if {@code streamIdleTimeout} is zero or negative
   */
  public LangChain4jTelemetryBuilder streamIdleTimeout(Duration streamIdleTimeout) {
    Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    if (streamIdleTimeout.isZero() || streamIdleTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "streamIdleTimeout=" + streamIdleTimeout + ": must be positive");
    }
    this.streamIdleTimeout = streamIdleTimeout;
    return this;
  }

  /**
   * Returns a new {@link LangChain4jTelemetry} with this configuration.
   *
   * @return the telemetry
   */
  public LangChain4jTelemetry build() {
    return new LangChain4jTelemetry(genAiTelemetry, streamIdleTimeout);
  }
}
