package dev.oteltoolkit.ai.openai;

import dev.oteltoolkit.ai.GenAiTelemetry;
import java.util.Objects;

/**
 * Configures an {@link OpenAiTelemetry}: {@code
 * OpenAiTelemetry.builder(genAiTelemetry).includeStreamUsage(true).build()}.
 */
public final class OpenAiTelemetryBuilder {

  private final GenAiTelemetry genAiTelemetry;
  private boolean includeStreamUsage;
  private String providerName = OpenAiAttributes.PROVIDER;

  OpenAiTelemetryBuilder(GenAiTelemetry genAiTelemetry) {
    this.genAiTelemetry = Objects.requireNonNull(genAiTelemetry, "genAiTelemetry");
  }

  /**
   * Asks OpenAI for the token usage of every streamed chat completion: adds {@code
   * stream_options.include_usage=true} to streaming requests that do not set it, so that their
   * spans get tokens and cost. Default: {@code false}: requests are sent as the application built
   * them, and a stream without usage gets a span without tokens or cost.
   *
   * <p>WARNING: with usage included, OpenAI sends one more chunk at the end of each stream, with
   * the usage and an empty {@code choices} list; the application sees it too. Code that reads
   * {@code chunk.choices().get(0)} without checking must be fixed before this is turned on.
   *
   * @param includeStreamUsage whether to ask for the usage of streams
   * @return this builder
   */
  public OpenAiTelemetryBuilder includeStreamUsage(boolean includeStreamUsage) {
    this.includeStreamUsage = includeStreamUsage;
    return this;
  }

  /**
   * Sets {@code gen_ai.provider.name} of the spans and metrics, for an OpenAI-compatible service
   * reached through the OpenAI SDK: {@code azure.ai.openai}, {@code groq}, {@code deepseek}, {@code
   * x_ai}, or a gateway's name. Default: {@code openai}. Prices are looked up by model whatever the
   * provider.
   *
   * @param providerName the provider name, not empty
   * @return this builder
   */
  public OpenAiTelemetryBuilder providerName(String providerName) {
    Objects.requireNonNull(providerName, "providerName");
    if (providerName.isEmpty()) {
      throw new IllegalArgumentException("providerName must not be empty");
    }
    this.providerName = providerName;
    return this;
  }

  /**
   * Returns a new {@link OpenAiTelemetry} with this configuration.
   *
   * @return the telemetry
   */
  public OpenAiTelemetry build() {
    return new OpenAiTelemetry(genAiTelemetry, includeStreamUsage, providerName);
  }
}
