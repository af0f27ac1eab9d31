package dev.oteltoolkit.ai.anthropic;

import com.anthropic.core.ClientOptions;
import java.net.URI;

/** {@code server.address} and {@code server.port} of a client, from its base URL. */
final class Endpoint {

  static final Endpoint UNKNOWN = new Endpoint(null, -1);

  final String address;
  final int port;

  private Endpoint(String address, int port) {
    this.address = address;
    this.port = port;
  }

  static Endpoint of(ClientOptions options) {
    try {
      return parse(options.baseUrl());
    } catch (RuntimeException e) {
      return UNKNOWN;
    }
  }

  /** The host and port of {@code baseUrl}; the scheme's default port when it names none. */
  static Endpoint parse(String baseUrl) {
    if (baseUrl == null) {
      return UNKNOWN;
    }
    URI uri;
    try {
      uri = URI.create(baseUrl);
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
    String host = uri.getHost();
    if (host == null) {
      return UNKNOWN;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort();
    if (port == -1) {
      port = "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    }
    return new Endpoint(host, port);
  }
}
