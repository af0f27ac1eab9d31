package dev.oteltoolkit.benchmarks.pipeline;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and nulls as indented JSON (the benchmark module
 * has no JSON library on its class path, and needs none for this). Non-finite doubles become {@code
 * null}, as JSON has no NaN.
 */
final class PipelineJson {

  private static final MathContext SIGNIFICANT = new MathContext(6);

  private PipelineJson() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 0);
    return out.append('\n').toString();
  }

  private static void write(StringBuilder out, Object value, int indent) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      string(out, text);
    } else if (value instanceof Boolean bool) {
      out.append(bool);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        out.append("null");
      } else {
        // six significant digits, written plainly: 123457, 0.0123457
        out.append(new BigDecimal(d).round(SIGNIFICANT).stripTrailingZeros().toPlainString());
      }
    } else if (value instanceof Number number) {
      out.append(number.longValue());
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<?, ?> entry = entries.next();
        pad(out, indent + 1);
        string(out, String.valueOf(entry.getKey()));
        out.append(": ");
        write(out, entry.getValue(), indent + 1);
        out.append(entries.hasNext() ? ",\n" : "\n");
      }
      pad(out, indent);
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      boolean flat = list.stream().noneMatch(v -> v instanceof Map || v instanceof Collection);
      out.append(flat ? "[" : "[\n");
      Iterator<?> items = list.iterator();
      while (items.hasNext()) {
        if (!flat) {
          pad(out, indent + 1);
        }
        write(out, items.next(), indent + 1);
        if (items.hasNext()) {
          out.append(flat ? ", " : ",\n");
        }
      }
      if (!flat) {
        out.append('\n');
        pad(out, indent);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON");
    }
  }

  private static void pad(StringBuilder out, int indent) {
    out.append("  ".repeat(indent));
  }

  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
