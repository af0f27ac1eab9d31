package dev.oteltoolkit.ai.openai;

import com.openai.core.ClientOptions;
import dev.oteltoolkit.ai.ModelCallBuilder;
import java.net.URI;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The {@code server.address} and {@code server.port} of a client, from its base URL. The SDK does
 * not expose a client's options, so the base URL is read inside a {@code withOptions} modifier,
 * where the options builder can be built ({@link #capture}).
 */
record Endpoint(String address, int port) {

  /**
   * Sets {@code server.address} and {@code server.port} on a call; {@code endpoint} may be null.
   */
  static void apply(Endpoint endpoint, ModelCallBuilder call) {
    if (endpoint != null) {
      call.serverAddress(endpoint.address);
      if (endpoint.port > 0) {
        call.serverPort(endpoint.port);
      }
    }
  }

  /** The endpoint of a base URL such as {@code https://api.openai.com/v1}, or null. */
  static Endpoint parse(String baseUrl) {
    if (baseUrl == null) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(baseUrl);
    } catch (IllegalArgumentException e) {
      return null;
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return null;
    }
    int port = uri.getPort();
    if (port < 0) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }
    return new Endpoint(host, port);
  }

  /**
   * A modifier that runs {@code modifier} (may be null) and then hands the resulting base URL's
   * endpoint to {@code sink}; a failure to read it leaves the sink untouched.
   */
  static Consumer<ClientOptions.Builder> capture(
      Consumer<ClientOptions.Builder> modifier, Consumer<Endpoint> sink) {
    return builder -> {
      if (modifier != null) {
        modifier.accept(builder);
      }
      try {
        sink.accept(parse(builder.build().baseUrl()));
      } catch (RuntimeException e) {
        // the options do not build on their own (withOptions then fails the same way, or a
        // later SDK differs): no server attributes, the call itself is unaffected
      }
    };
  }
}
