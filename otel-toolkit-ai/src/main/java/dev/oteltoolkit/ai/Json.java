package dev.oteltoolkit.ai;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and string writer, enough for price tables and content
 * capture without a runtime dependency.
 *
 * <p>Objects become {@link JsonObject}s (insertion order kept, a duplicate key is an error, the
 * position of every member kept for error messages), arrays {@link List}s, numbers {@link
 * BigDecimal}s parsed from their literal text (so {@code 2.5e-06} is exactly 0.0000025, never a
 * double), strings, {@link Boolean}s, and JSON {@code null} is {@link #NULL}, so that "present and
 * null" and "absent" stay different.
 *
 * <p>Hostile input costs time and memory in proportion to its length, and every error message is
 * bounded: nesting is limited to {@value #MAX_DEPTH} levels, a number literal to {@value
 * #MAX_NUMBER_LENGTH} characters and its exponent to &plusmn;{@value #MAX_EXPONENT} (a literal such
 * as {@code 1e999999999} is eleven bytes, but anything that prints or scales it allocates a billion
 * digits), and text quoted in a message is cut at {@value #MAX_QUOTED} characters.
 */
final class Json {

  /** JSON {@code null}. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  static final int MAX_DEPTH = 256;

  /** The longest number literal accepted, in characters (sign, digits, point, exponent). */
  static final int MAX_NUMBER_LENGTH = 100;

  /** The largest exponent accepted in a number literal, either sign ({@code 1e1000}). */
  static final int MAX_EXPONENT = 1000;

  /** Text quoted in an error message is cut to this many characters. */
  static final int MAX_QUOTED = 64;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON document.
   *
   * @throws ParseException with the line and column of the first problem
   */
  static Object parse(String text) throws ParseException {
    Json json = new Json(text);
    json.skipWhitespace();
    Object value = json.readValue(0);
    json.skipWhitespace();
    if (json.pos != text.length()) {
      throw json.error("unexpected text after the JSON value");
    }
    return value;
  }

  /** Returns whether {@code text} is one well-formed JSON document. */
  static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (ParseException e) {
      return false;
    }
  }

  /** Appends {@code value} as a quoted, escaped JSON string. */
  static void writeString(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  private Object readValue(int depth) throws ParseException {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return readObject(depth);
      case '[':
        return readArray(depth);
      case '"':
        return readString();
      case 't':
        expectWord("true");
        return true;
      case 'f':
        expectWord("false");
        return false;
      case 'n':
        expectWord("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw error("unexpected character " + describeChar(c));
    }
  }

  private JsonObject readObject(int depth) throws ParseException {
    JsonObject map = new JsonObject(text, pos);
    pos++; // {
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a quoted member name");
      }
      int keyPos = pos;
      String key = readString();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      int valuePos = pos;
      Object value = readValue(depth + 1);
      if (map.putIfAbsent(key, value) != null) {
        pos = keyPos;
        throw error("duplicate member " + quote(key));
      }
      map.valueOffsets.put(key, valuePos);
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        return map;
      } else {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> readArray(int depth) throws ParseException {
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      skipWhitespace();
      list.add(readValue(depth + 1));
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        return Collections.unmodifiableList(list);
      } else {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String readString() throws ParseException {
    pos++; // opening quote
    StringBuilder out = null;
    int start = pos;
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String value =
            out == null ? text.substring(start, pos) : out.append(text, start, pos).toString();
        pos++;
        return value;
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder();
      }
      out.append(text, start, pos);
      pos++;
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char escaped = text.charAt(pos);
      switch (escaped) {
        case '"':
        case '\\':
        case '/':
          out.append(escaped);
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          if (pos + 4 >= text.length()) {
            throw error("truncated \\u escape");
          }
          int code = 0;
          for (int i = 1; i <= 4; i++) {
            int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
              throw error("invalid \\u escape");
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
          pos += 4;
          break;
        default:
          throw error("invalid escape '\\" + printable(escaped) + "'");
      }
      pos++;
      start = pos;
    }
  }

  private BigDecimal readNumber() throws ParseException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      skipDigits();
    } else {
      throw error("invalid number");
    }
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw error("invalid number: digits expected after '.'");
      }
      skipDigits();
    }
    int exponentStart = -1;
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("invalid number: digits expected in the exponent");
      }
      exponentStart = pos;
      skipDigits();
    }
    // checked before any arithmetic: the literal's length bounds the digits, the exponent bounds
    // the scale, so nothing later (compare, scale, print) can grow beyond a few thousand digits
    if (pos - start > MAX_NUMBER_LENGTH) {
      int end = pos;
      pos = start;
      throw error(
          "number literal of " + (end - start) + " characters (at most " + MAX_NUMBER_LENGTH
              + " accepted)");
    }
    if (exponentStart >= 0 && exponentOutOfRange(exponentStart, pos)) {
      String literal = text.substring(start, pos);
      pos = start;
      throw error(
          "number " + literal + " has an exponent beyond " + MAX_EXPONENT
              + " either way");
    }
    try {
      return new BigDecimal(text.substring(start, pos));
    } catch (NumberFormatException e) {
      pos = start;
      throw error("invalid number");
    }
  }

  /** Whether the exponent digits in {@code [from, to)} are above {@link #MAX_EXPONENT}. */
  private boolean exponentOutOfRange(int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (text.charAt(i) - '0');
      if (value > MAX_EXPONENT) {
        return true;
      }
    }
    return false;
  }

  private void skipDigits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void expectWord(String word) throws ParseException {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected literal");
    }
    pos += word.length();
  }

  private void expect(char c) throws ParseException {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  /** The character at the position, or 0 at the end of the input. */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        return;
      }
    }
  }

  private ParseException error(String message) {
    return new ParseException(message + " at " + location(text, pos));
  }

  /** {@code "line L, column C"} of the character at {@code offset} (1-based, UTF-16 units). */
  static String location(String text, int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return "line " + line + ", column " + column;
  }

  /**
   * Quotes {@code value} for an error message: JSON-escaped (no control character, no line break
   * reaches a log), cut after {@link #MAX_QUOTED} characters with {@code ...}.
   */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 8);
    if (value.length() <= MAX_QUOTED) {
      writeString(out, value);
      return out.toString();
    }
    int cut = MAX_QUOTED;
    if (Character.isHighSurrogate(value.charAt(cut - 1))) {
      cut--;
    }
    writeString(out, value.substring(0, cut));
    out.insert(out.length() - 1, "...");
    return out.toString();
  }

  private static String describeChar(char c) {
    return c >= 0x20 && c <= 0x7e ? "'" + c + "'" : printable(c);
  }

  private static String printable(char c) {
    return c >= 0x20 && c <= 0x7e ? String.valueOf(c) : String.format("U+%04X", (int) c);
  }

  /**
   * A JSON object: the members in document order, and where each value starts, so that a reader
   * of the document can say where a wrong value is.
   */
  static final class JsonObject extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    private final String text;
    private final int offset;
    private final HashMap<String, Integer> valueOffsets = new HashMap<>();

    JsonObject(String text, int offset) {
      this.text = text;
      this.offset = offset;
    }

    /** {@code "line L, column C"} of this object's opening brace. */
    String location() {
      return Json.location(text, offset);
    }

    /** {@code "line L, column C"} of the value of {@code key}, else of this object. */
    String location(String key) {
      Integer at = valueOffsets.get(key);
      return Json.location(text, at != null ? at : offset);
    }
  }

  /** A document that is not well-formed JSON. */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }
}
