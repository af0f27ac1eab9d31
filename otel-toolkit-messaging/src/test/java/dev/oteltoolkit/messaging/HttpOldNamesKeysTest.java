package dev.oteltoolkit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.HttpIncubatingAttributes;
import io.opentelemetry.semconv.incubating.NetIncubatingAttributes;
import org.junit.jupiter.api.Test;

/** The old HTTP names are the deprecated constants of semconv-incubating 1.44.0-alpha. */
class HttpOldNamesKeysTest {

  @Test
  @SuppressWarnings("deprecation") // the deprecated constants are the point
  void copiesEqualTheIncubatingArtifact() {
    assertThat(HttpOldNames.HTTP_METHOD).isEqualTo(HttpIncubatingAttributes.HTTP_METHOD);
    assertThat(HttpOldNames.HTTP_STATUS_CODE).isEqualTo(HttpIncubatingAttributes.HTTP_STATUS_CODE);
    assertThat(HttpOldNames.HTTP_URL).isEqualTo(HttpIncubatingAttributes.HTTP_URL);
    assertThat(HttpOldNames.HTTP_TARGET).isEqualTo(HttpIncubatingAttributes.HTTP_TARGET);
    assertThat(HttpOldNames.HTTP_SCHEME).isEqualTo(HttpIncubatingAttributes.HTTP_SCHEME);
    assertThat(HttpOldNames.HTTP_USER_AGENT).isEqualTo(HttpIncubatingAttributes.HTTP_USER_AGENT);
    assertThat(HttpOldNames.NET_PEER_NAME).isEqualTo(NetIncubatingAttributes.NET_PEER_NAME);
    assertThat(HttpOldNames.NET_PEER_PORT).isEqualTo(NetIncubatingAttributes.NET_PEER_PORT);
    assertThat(HttpOldNames.NET_HOST_NAME).isEqualTo(NetIncubatingAttributes.NET_HOST_NAME);
    assertThat(HttpOldNames.NET_HOST_PORT).isEqualTo(NetIncubatingAttributes.NET_HOST_PORT);
  }
}
