package dev.oteltoolkit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The signed-URL query parameters are redacted under the old names (http.url, http.target). */
class HttpOldNamesRedactionTest {

  @Test
  void signingParametersAreRedactedAndTheRestKept() {
    assertThat(HttpOldNames.redactQuery("a=1&Signature=abc&b=2"))
        .isEqualTo("a=1&Signature=REDACTED&b=2");
    assertThat(
            HttpOldNames.redactQuery(
                "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261207&X-Amz-Signature=f00d"))
        .isEqualTo(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED");
    assertThat(HttpOldNames.redactQuery("sig=x")).isEqualTo("sig=REDACTED");
    assertThat(HttpOldNames.redactQuery("AWSAccessKeyId=AKIA&Expires=1"))
        .isEqualTo("AWSAccessKeyId=REDACTED&Expires=1");
    assertThat(HttpOldNames.redactQuery("q=Signature&signature=lower"))
        .isEqualTo("q=Signature&signature=lower");
    assertThat(HttpOldNames.redactQuery("")).isEmpty();
    assertThat(HttpOldNames.redactQuery("&&sig=1&")).isEqualTo("&&sig=REDACTED&");
    assertThat(HttpOldNames.redactQuery("sig")).isEqualTo("sig");
  }

  /** Seeded: whatever the query, no secret value survives and the other parameters are intact. */
  @Test
  void randomQueriesKeepNoSigningValue() {
    String[] names = {"sig", "Signature", "a", "X-Goog-Signature", "b", "X-Amz-Signature", "x"};
    Random random = new Random(20261207L);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder query = new StringBuilder();
      StringBuilder expected = new StringBuilder();
      int parts = random.nextInt(6);
      for (int p = 0; p < parts; p++) {
        if (p > 0) {
          query.append('&');
          expected.append('&');
        }
        String name = names[random.nextInt(names.length)];
        String value = "secret" + random.nextInt(1000);
        query.append(name).append('=').append(value);
        boolean signing = !name.equals("a") && !name.equals("b") && !name.equals("x");
        expected.append(name).append('=').append(signing ? "REDACTED" : value);
      }
      assertThat(HttpOldNames.redactQuery(query.toString()))
          .as("query %s", query)
          .isEqualTo(expected.toString());
    }
  }
}
