package dev.oteltoolkit.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** server.address and server.port from a client's base URL. */
class EndpointTest {

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "https://api.openai.com/v1, api.openai.com, 443",
        "http://localhost:8080/v1, localhost, 8080",
        "http://127.0.0.1/v1, 127.0.0.1, 80",
        // Azure OpenAI resource URLs
        "https://my-resource.openai.azure.com/openai/v1, my-resource.openai.azure.com, 443",
        "not a url, null, 0",
        "/relative/path, null, 0"
      })
  void theEndpointOfABaseUrl(String baseUrl, String address, int port) {
    Endpoint endpoint = Endpoint.parse(baseUrl);
    if (address == null) {
      assertThat(endpoint).isNull();
    } else {
      assertThat(endpoint).isEqualTo(new Endpoint(address, port));
    }
  }
}
