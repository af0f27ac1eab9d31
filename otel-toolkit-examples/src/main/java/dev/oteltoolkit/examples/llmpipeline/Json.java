package dev.oteltoolkit.examples.llmpipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little JSON the pipeline and its fake gateway write and read by hand, to stay free of
 * dependencies. A real application uses its JSON library or the provider's SDK instead.
 */
final class Json {

  private static final String STRING = "((?:[^\"\\\\]|\\\\.)*)";

  private Json() {}

  /** Returns {@code text} as a JSON string literal, quotes included. */
  static String quote(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** Returns every string member {@code name} of {@code json}, in order. */
  static List<String> strings(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"" + STRING + '"').matcher(json);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(unquote(m.group(1)));
    }
    return found;
  }

  /** Returns the first string member {@code name} of {@code json}, or null if there is none. */
  static String string(String json, String name) {
    List<String> found = strings(json, name);
    return found.isEmpty() ? null : found.get(0);
  }

  /** Returns the first number member {@code name} of {@code json}, or 0 if there is none. */
  static long number(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static String unquote(String content) {
    StringBuilder sb = new StringBuilder(content.length());
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (c != '\\' || i + 1 == content.length()) {
        sb.append(c);
      } else if (content.charAt(i + 1) == 'u') {
        sb.append((char) Integer.parseInt(content.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        sb.append(content.charAt(++i)); // \" \\ \/
      }
    }
    return sb.toString();
  }
}
