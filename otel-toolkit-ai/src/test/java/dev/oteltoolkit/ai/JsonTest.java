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
    assertThat(
            ((BigDecimal) ((List<?>) map.get("a")).get(3)).compareTo(new BigDecimal("0.0000025")))
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
        "| unexpected end of input",
        "\"\\\u00e9\"| invalid escape '\\U+00E9'"
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // eleven bytes; printing or scaling the value allocates a billion digits
        "1e999999999| number 1e999999999 has an exponent beyond 1000 either way at line 1, column"
            + " 1",
        // thirteen bytes; toPlainString() overflows the array size
        "-1e2147483647| number -1e2147483647 has an exponent beyond 1000 either way",
        "[0, 1E-1001]| number 1E-1001 has an exponent beyond 1000 either way at line 1, column 5",
        "1e+00000000000000000000000001001| exponent beyond 1000"
      })
  void refusesNumbersWhoseExponentIsOutOfRange(String json, String message) {
    assertThatThrownBy(() -> Json.parse(json))
        .isInstanceOf(Json.ParseException.class)
        .hasMessageContaining(message.trim());
  }

  @Test
  void acceptsNumbersUpToTheLimits() throws Exception {
    assertThat(Json.parse("1e1000")).isEqualTo(new BigDecimal("1e1000"));
    assertThat(Json.parse("-1E-1000")).isEqualTo(new BigDecimal("-1e-1000"));
    assertThat(Json.parse("1e0000000000000000000000000001000")).isEqualTo(new BigDecimal("1e1000"));
    String longest = "0." + "1".repeat(Json.MAX_NUMBER_LENGTH - 2);
    assertThat(Json.parse(longest)).isEqualTo(new BigDecimal(longest));
  }

  @Test
  void refusesNumberLiteralsLongerThanTheLimitWithoutReadingThemIntoANumber() {
    String literal = "1" + "0".repeat(100_000);
    assertThatThrownBy(() -> Json.parse("{\"a\":\n [" + literal + "]}"))
        .hasMessage(
            "number literal of 100001 characters (at most 100 accepted) at line 2, column 3");
    assertThatThrownBy(() -> Json.parse("0." + "1".repeat(Json.MAX_NUMBER_LENGTH - 1)))
        .hasMessageContaining("number literal of 101 characters");
  }

  @Test
  void quotesInMessagesAreBoundedAndEscaped() {
    String key = "k\n" + "x".repeat(1_000_000);
    assertThatThrownBy(
            () ->
                Json.parse(
                    "{\""
                        + key.replace("\n", "\\n")
                        + "\": 1, \""
                        + key.replace("\n", "\\n")
                        + "\": 2}"))
        .hasMessage(
            "duplicate member \"k\\n"
                + "x".repeat(Json.MAX_QUOTED - 2)
                + "...\" at line 1,"
                + " column "
                + (key.length() + 10));
    // never cut between the two halves of a surrogate pair
    assertThat(Json.quote("a" + "\ud83d\ude00".repeat(40)))
        .hasSize(2 + Json.MAX_QUOTED - 1 + 3)
        .endsWith("\ud83d\ude00...\"");
    assertThatThrownBy(() -> Json.parse("\u0001"))
        .hasMessage("unexpected character U+0001 at line 1, column 1");
  }

  @Test
  void membersKnowWhereTheirValuesStart() throws Exception {
    Json.JsonObject object = (Json.JsonObject) Json.parse("{\"a\": 1,\n \"b\":\n  [2]}");
    assertThat(object.location()).isEqualTo("line 1, column 1");
    assertThat(object.location("a")).isEqualTo("line 1, column 7");
    assertThat(object.location("b")).isEqualTo("line 3, column 3");
    assertThat(object.location("missing")).isEqualTo("line 1, column 1");
  }
}
