package dev.oteltoolkit.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.OpenaiIncubatingAttributes;
import org.junit.jupiter.api.Test;

/** Each copied OpenAI attribute name equals the incubating semconv artifact's constant. */
class SemconvCopiesTest {

  @Test
  void theCopiesEqualTheIncubatingConstants() {
    assertThat(OpenAiAttributes.OPENAI_API_TYPE)
        .isEqualTo(OpenaiIncubatingAttributes.OPENAI_API_TYPE);
    assertThat(OpenAiAttributes.OPENAI_REQUEST_SERVICE_TIER)
        .isEqualTo(OpenaiIncubatingAttributes.OPENAI_REQUEST_SERVICE_TIER);
    assertThat(OpenAiAttributes.OPENAI_RESPONSE_SERVICE_TIER)
        .isEqualTo(OpenaiIncubatingAttributes.OPENAI_RESPONSE_SERVICE_TIER);
    assertThat(OpenAiAttributes.OPENAI_RESPONSE_SYSTEM_FINGERPRINT)
        .isEqualTo(OpenaiIncubatingAttributes.OPENAI_RESPONSE_SYSTEM_FINGERPRINT);
    assertThat(OpenAiAttributes.API_TYPE_CHAT_COMPLETIONS)
        .isEqualTo(OpenaiIncubatingAttributes.OpenaiApiTypeIncubatingValues.CHAT_COMPLETIONS);
    assertThat(OpenAiAttributes.API_TYPE_RESPONSES)
        .isEqualTo(OpenaiIncubatingAttributes.OpenaiApiTypeIncubatingValues.RESPONSES);
    assertThat(OpenAiAttributes.PROVIDER)
        .isEqualTo(
            io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes
                .GenAiProviderNameIncubatingValues.OPENAI);
  }
}
