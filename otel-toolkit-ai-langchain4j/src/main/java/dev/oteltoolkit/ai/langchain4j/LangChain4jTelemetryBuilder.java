package dev.oteltoolkit.ai.langchain4j;

import dev.oteltoolkit.ai.GenAiTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Configures a {@link LangChain4jTelemetry}: {@code LangChain4jTelemetry.builder(genAi)
 * .serverAddress(URI.create(baseUrl)).streamIdleTimeout(Duration.ofMinutes(2)).build()}.
 */
public final class LangChain4jTelemetryBuilder {

  static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(10);

  private final GenAiTelemetry genAiTelemetry;
  private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
  private String serverAddress;
  private int serverPort = -1;

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
   * Sets the {@code server.address} and {@code server.port} recorded on the {@code chat} and {@code
   * embeddings} spans (and their metrics) of every model this telemetry wraps. LangChain4j 1.19's
   * models do not expose the URL they call (neither the model classes nor the {@code
   * ChatModelListener} contexts carry it), so it is not recorded unless set here; models of
   * different servers need one {@code LangChain4jTelemetry} each (they can share the {@code
   * GenAiTelemetry}). Default: unset, no server attributes.
   *
   * @param host the host name or IP address the models call, e.g. {@code api.openai.com}
   * @param port the port, 1 to 65535
   * @return this builder
   * @throws IllegalArgumentException if {@code host} is empty or {@code port} is out of range
   */
  public LangChain4jTelemetryBuilder serverAddress(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("serverAddress host=\"" + host + "\": must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "serverAddress port=" + port + ": must be between 1 and 65535");
    }
    this.serverAddress = host;
    this.serverPort = port;
    return this;
  }

  /**
   * Sets {@code server.address} and {@code server.port} from the base URL the wrapped models are
   * built with (the {@code baseUrl(..)} of their builders, e.g. {@code https://api.openai.com/v1}
   * gives {@code api.openai.com} and 443): the URL's host, and its port or, when it names none, 80
   * for {@code http} and 443 for {@code https}. As {@link #serverAddress(String, int)}, it applies
   * to every model this telemetry wraps. Default: unset, no server attributes.
   *
   * @param baseUrl the models' base URL
   * @return this builder
   * @throws IllegalArgumentException if {@code baseUrl} has no host, or no port and a scheme other
   *     than {@code http} or {@code https}
   */
  public LangChain4jTelemetryBuilder serverAddress(URI baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String host = baseUrl.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("serverAddress=" + baseUrl + ": the URL has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // an IPv6 address, without URL brackets
    }
    int port = baseUrl.getPort();
    if (port == -1) {
      String scheme =
          baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
      port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
      if (port == -1) {
        throw new IllegalArgumentException(
            "serverAddress="
                + baseUrl
                + ": no port, and the scheme is not http or https; use serverAddress(host, port)");
      }
    }
    return serverAddress(host, port);
  }

  /**
   * Returns a new {@link LangChain4jTelemetry} with this configuration.
   *
   * @return the telemetry
   */
  public LangChain4jTelemetry build() {
    return new LangChain4jTelemetry(
        genAiTelemetry, streamIdleTimeout, new Recorder.Server(serverAddress, serverPort));
  }
}
