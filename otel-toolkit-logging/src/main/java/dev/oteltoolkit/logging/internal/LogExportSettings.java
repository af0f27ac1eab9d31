package dev.oteltoolkit.logging.internal;

import io.opentelemetry.instrumentation.api.config.IncludeExclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Internal, not for public use. Which MDC entries and SLF4J key-value pairs become attributes of
 * exported log records.
 *
 * <p>{@code oteltoolkit.logs.mdc} and {@code oteltoolkit.logs.key_values}: a comma-separated list
 * of keys or glob patterns ({@code *}, {@code ?}); {@code *} (the default) exports every one,
 * {@code none} none. The MDC bridge's own keys ({@code trace_id}, {@code span_id}, {@code
 * trace_flags}, or the names {@code oteltoolkit.mdc.*_key} give them) are never exported as
 * attributes: every record carries the trace and span ids as its own fields already.
 *
 * @param mdc the MDC entries (with Log4j 2, its context data, which also holds SLF4J key-value
 *     pairs) exported
 * @param keyValues the SLF4J 2 key-value pairs exported (Logback)
 */
public record LogExportSettings(IncludeExclude mdc, IncludeExclude keyValues) {

  /** Setting: MDC keys exported as attributes. */
  public static final String MDC = "oteltoolkit.logs.mdc";

  /** Setting: SLF4J key-value pair keys exported as attributes. */
  public static final String KEY_VALUES = "oteltoolkit.logs.key_values";

  /**
   * The settings as {@code setting} answers them (a system property, environment variable or
   * injected property by key; null when unset).
   *
   * @param setting looks a setting up by its property key
   * @return the settings
   */
  public static LogExportSettings from(UnaryOperator<String> setting) {
    List<String> ours = new ArrayList<>(3);
    ours.add(orDefault(setting.apply("oteltoolkit.mdc.trace_id_key"), "trace_id"));
    ours.add(orDefault(setting.apply("oteltoolkit.mdc.span_id_key"), "span_id"));
    ours.add(orDefault(setting.apply("oteltoolkit.mdc.trace_flags_key"), "trace_flags"));
    return new LogExportSettings(
        selector(setting.apply(MDC), ours), selector(setting.apply(KEY_VALUES), List.of()));
  }

  /**
   * The defaults: every MDC entry but the bridge's default keys, every key-value pair.
   *
   * @return the default settings
   */
  public static LogExportSettings defaults() {
    return from(key -> null);
  }

  private static IncludeExclude selector(String value, List<String> alwaysExcluded) {
    String text = value == null ? "*" : value.trim();
    if (text.isEmpty() || text.toLowerCase(Locale.ROOT).equals("none")) {
      return IncludeExclude.builder().build();
    }
    List<String> included = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String key = part.trim();
      if (!key.isEmpty()) {
        included.add(key);
      }
    }
    return IncludeExclude.builder().setIncluded(included).setExcluded(alwaysExcluded).build();
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
