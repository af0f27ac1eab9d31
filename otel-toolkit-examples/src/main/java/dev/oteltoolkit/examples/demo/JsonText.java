package dev.oteltoolkit.examples.demo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little JSON the demo writes and reads by hand, to stay free of dependencies: quoting a
 * string, and reading one string or number member out of a document it knows the shape of. A real
 * application uses its JSON library or the provider's SDK instead.
 */
final class JsonText {

  /** A JSON string's content: any character but a quote or backslash, or an escape. */
  static final String STRING = "((?:[^\"\\\\]|\\\\.)*)";

  private JsonText() {}

  /** Returns {@code text} as a JSON string literal, quotes included. */
  static String quote(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }

  /** Returns the text of a JSON string's content (what {@link #STRING} captured). */
  static String unquote(String content) {
    StringBuilder sb = new StringBuilder(content.length());
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (c != '\\' || i + 1 == content.length()) {
        sb.append(c);
        continue;
      }
      char escaped = content.charAt(++i);
      switch (escaped) {
        case 'n':
          sb.append('\n');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          sb.append((char) Integer.parseInt(content.substring(i + 1, i + 5), 16));
          i += 4;
          break;
        default:
          sb.append(escaped); // \" \\ \/
      }
    }
    return sb.toString();
  }

  /** Returns the first string member {@code name} of {@code json}, or null if there is none. */
  static String string(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"" + STRING + '"').matcher(json);
    return m.find() ? unquote(m.group(1)) : null;
  }

  /** Returns the first number member {@code name} of {@code json}, or 0 if there is none. */
  static long number(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
