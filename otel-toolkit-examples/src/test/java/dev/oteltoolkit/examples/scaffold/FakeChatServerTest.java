package dev.oteltoolkit.examples.scaffold;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oteltoolkit.examples.scaffold.FakeChatServer.Answer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake LLM answers in OpenAI's wire format, and bad requests with OpenAI's error body. */
class FakeChatServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aToolCallIsAChatCompletionWithItsArgumentsAsAJsonStringAndUsage() throws Exception {
    FakeChatServer.Model model = request -> Answer.toolCall("m-1", "lookup", Map.of("id", 7));
    try (FakeChatServer server = FakeChatServer.start("test-fake", "chatcmpl-t", model)) {
      HttpResponse<String> response =
          post(server, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.path("id").asText()).isEqualTo("chatcmpl-t1");
      assertThat(body.path("model").asText()).isEqualTo("m-1");
      JsonNode choice = body.path("choices").path(0);
      assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
      JsonNode call = choice.path("message").path("tool_calls").path(0);
      assertThat(call.path("function").path("name").asText()).isEqualTo("lookup");
      assertThat(JSON.readTree(call.path("function").path("arguments").asText()))
          .isEqualTo(JSON.readTree("{\"id\":7}"));
      JsonNode usage = body.path("usage");
      assertThat(usage.path("prompt_tokens").asLong()).isPositive();
      assertThat(usage.path("total_tokens").asLong())
          .isEqualTo(
              usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong());
    }
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsAnsweredWith400AndAnOpenAiErrorBody() throws Exception {
    try (FakeChatServer server =
        FakeChatServer.start("test-fake", "chatcmpl-t", request -> Answer.text("m", "never"))) {
      for (String bad : new String[] {"not json", "[1, 2]", "{\"model\":"}) {
        HttpResponse<String> response = post(server, bad);

        assertThat(response.statusCode()).as(bad).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("type").asText())
            .as(bad)
            .isEqualTo("invalid_request_error");
      }
    }
  }

  private HttpResponse<String> post(FakeChatServer server, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(server.chatCompletions())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
