package dev.oteltoolkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** prometheus(port) serves the RED metric for scraping through OpenTelemetry's exporter. */
class PrometheusTest {

  @Test
  void redMetricIsScrapable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (Telemetry telemetry =
        Telemetry.setup()
            .serviceName("scraped")
            .otlp(false)
            .prometheus(port)
            .configProperties(Map.of("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"))
            .build()) {
      for (int i = 0; i < 3; i++) {
        telemetry.tracing().traced("scraped-op", () -> {});
      }
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains("oteltoolkit_operation_duration_seconds_count{")
          .contains("oteltoolkit_operation_name=\"scraped-op\"");
    }
  }
}
