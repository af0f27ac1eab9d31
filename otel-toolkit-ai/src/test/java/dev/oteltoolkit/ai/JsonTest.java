package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

  @Test
  void parsesEveryValueKind() throws Exception {
    Object value =
        Json.parse(
            " {\"a\": [1, -2.5, 3e2, 2.5E-06, 0], \"b\": {\"c\": \"x\\\"y\\\\z\\n\\u00e9\\/\"},"
                + " \"t\": true, \"f\": false, \"n\": null, \"e\": {}, \"l\": []}\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    assertThat(map.keySet()).containsExactly("a", "b", "t", "f", "n", "e", "l");
    @SuppressWarnings("unchecked")
    List<Object> numbers = (List<Object>) map.get("a");
    assertThat(numbers)
        .containsExactly(
            new BigDecimal("1"),
            new BigDecimal("-2.5"),
            new BigDecimal("3e2"),
            new BigDecimal("0.0000025"),
            BigDecimal.ZERO);
    assertThat(((BigDecimal) ((List<?>) map.get("a")).get(3)).compareTo(new BigDecimal("0.0000025")))
        .isZero();
    assertThat(((Map<?, ?>) map.get("b")).get("c")).isEqualTo("x\"y\\z\né/");
    assertThat(map.get("t")).isEqualTo(true);
    assertThat(map.get("f")).isEqualTo(false);
    assertThat(map.get("n")).isSameAs(Json.NULL);
    assertThat((Map<?, ?>) map.get("e")).isEmpty();
    assertThat((List<?>) map.get("l")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[1, 2,]| unexpected character ']' at line 1, column 7", // trailing comma
        "{\"a\": 1,}| expected a quoted member name at line 1, column 9",
        "01| unexpected text after the JSON value at line 1, column 2", // leading zero
        "1.| digits expected after '.'",
        "-| invalid number",
        "\"abc| unterminated string",
        "\"\\x\"| invalid escape '\\x'",
        "\"\\u12\"| truncated \\u escape",
        "\"\\u12x4\"| invalid \\u escape",
        "tru| unexpected literal",
        "{'a': 1}| expected a quoted member name",
        "[1] [2]| unexpected text after the JSON value",
        "| unexpected end of input"
      })
  void rejectsMalformedJsonWithThePosition(String json, String message) {
    assertThatThrownBy(() -> Json.parse(json == null ? "" : json))
        .isInstanceOf(Json.ParseException.class)
        .hasMessageContaining(message.trim());
  }

  @Test
  void reportsTheLineOfAProblem() {
    assertThatThrownBy(() -> Json.parse("{\n  \"a\": 1,\n  \"b\": ?\n}"))
        .hasMessage("unexpected character '?' at line 3, column 8");
  }

  @Test
  void writesStringsThatParseBackToTheSameText() throws Exception {
    String text = "quote \" backslash \\ newline \n tab \t bell \u0007 line-sep \u2028 é 😀";
    StringBuilder out = new StringBuilder();
    Json.writeString(out, text);
    assertThat(out.toString()).doesNotContain("\n").contains("\\u0007").contains("\\u2028");
    assertThat(Json.parse(out.toString())).isEqualTo(text);
  }

  @Test
  void rejectsPathologicalNesting() {
    assertThatThrownBy(() -> Json.parse("[".repeat(1000) + "]".repeat(1000)))
        .hasMessageContaining("nesting deeper than 256");
  }
}
