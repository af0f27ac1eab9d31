package dev.oteltoolkit.core.internal;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Internal, not for public use: where an OTLP exporter sends ({@code scheme://host:port}, resolved
 * as autoconfigure resolves it), and whether anything listens there.
 */
public final class OtlpTarget {

  private OtlpTarget() {}

  /**
   * Returns whether {@code exporter} is one of OpenTelemetry's OTLP exporters.
   *
   * @param exporter any exporter
   * @return true for the OTLP exporters of {@code opentelemetry-exporter-otlp}
   */
  public static boolean isOtlp(Object exporter) {
    return exporter.getClass().getName().startsWith("io.opentelemetry.exporter.otlp.");
  }

  /**
   * Returns the collector the OTLP exporter of {@code signal} sends to, by the same settings and
   * defaults as autoconfigure: the per-signal endpoint, else the general one, else {@code
   * localhost:4317} for gRPC and {@code localhost:4318} for HTTP.
   *
   * @param config the configuration autoconfigure built the exporter from
   * @param signal {@code traces}, {@code metrics} or {@code logs}
   * @return {@code scheme://host:port}, or null when the endpoint cannot be read
   */
  public static URI of(ConfigProperties config, String signal) {
    String protocol = config.getString("otel.exporter.otlp." + signal + ".protocol");
    if (protocol == null) {
      protocol = config.getString("otel.exporter.otlp.protocol", "grpc");
    }
    String endpoint = config.getString("otel.exporter.otlp." + signal + ".endpoint");
    if (endpoint == null) {
      endpoint =
          config.getString(
              "otel.exporter.otlp.endpoint",
              protocol.startsWith("http") ? "http://localhost:4318" : "http://localhost:4317");
    }
    try {
      URI uri = new URI(endpoint.trim());
      if (uri.getHost() == null) {
        return null;
      }
      int port = uri.getPort();
      if (port < 0) {
        port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      }
      return new URI(uri.getScheme(), null, uri.getHost(), port, null, null, null);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /**
   * Returns whether nothing accepts a TCP connection at {@code target} within {@code timeout}: the
   * port is closed, the host unknown or unreachable. A collector that accepts the connection but
   * answers slowly is "something".
   *
   * @param target {@code scheme://host:port}
   * @param timeout how long to wait for the connection
   * @return true when nothing listens there
   */
  public static boolean nothingListens(URI target, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(target.getHost(), target.getPort()),
          (int) Math.max(1, timeout.toMillis()));
      return false;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
