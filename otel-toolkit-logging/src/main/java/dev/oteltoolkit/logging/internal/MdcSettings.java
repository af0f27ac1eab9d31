package dev.oteltoolkit.logging.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The bridge's settings, read once when the context storage is created: a system property wins over
 * its environment variable ({@code oteltoolkit.mdc.trace_id_key} over {@code
 * OTELTOOLKIT_MDC_TRACE_ID_KEY}), which wins over the default; a blank value counts as unset. An
 * invalid value never fails: it is reported (naming the setting and the value) and the default is
 * used.
 */
final class MdcSettings {

  static final String ENABLED = "oteltoolkit.mdc.enabled";
  static final String TRACE_ID_KEY = "oteltoolkit.mdc.trace_id_key";
  static final String SPAN_ID_KEY = "oteltoolkit.mdc.span_id_key";
  static final String TRACE_FLAGS_KEY = "oteltoolkit.mdc.trace_flags_key";
  static final String BAGGAGE = "oteltoolkit.mdc.baggage";
  static final String LAZY = "oteltoolkit.mdc.lazy";

  static final String DEFAULT_TRACE_ID_KEY = "trace_id";
  static final String DEFAULT_SPAN_ID_KEY = "span_id";
  static final String DEFAULT_TRACE_FLAGS_KEY = "trace_flags";
  static final String BAGGAGE_PREFIX = "baggage.";

  final boolean enabled;

  /**
   * True (the default) to answer the MDC's reads of the ids from the current context where the
   * backend allows it (Logback), instead of writing them on every scope switch.
   */
  final boolean lazy;

  final String traceIdKey;
  final String spanIdKey;
  final String traceFlagsKey;

  /** True when every baggage entry is copied. */
  final boolean allBaggage;

  /** Baggage key to MDC key, for an explicit list of keys; empty when none or all. */
  final Map<String, String> baggageKeys;

  /** Reads the settings from the system properties and the environment. */
  static MdcSettings fromSystem(Consumer<String> warnings) {
    return from(System::getProperty, System::getenv, warnings);
  }

  /**
   * Reads the settings.
   *
   * @param properties looks up a system property by name
   * @param environment looks up an environment variable by name
   * @param warnings receives one message per invalid value
   */
  static MdcSettings from(
      Function<String, String> properties,
      Function<String, String> environment,
      Consumer<String> warnings) {
    Source source = new Source(properties, environment, warnings);
    boolean enabled = source.bool(ENABLED, true);
    boolean lazy = source.bool(LAZY, true);
    String traceIdKey = source.key(TRACE_ID_KEY, DEFAULT_TRACE_ID_KEY);
    String spanIdKey = source.key(SPAN_ID_KEY, DEFAULT_SPAN_ID_KEY);
    String traceFlagsKey = source.key(TRACE_FLAGS_KEY, DEFAULT_TRACE_FLAGS_KEY);
    if (traceIdKey.equals(spanIdKey)
        || traceIdKey.equals(traceFlagsKey)
        || spanIdKey.equals(traceFlagsKey)) {
      warnings.accept(
          "MDC keys "
              + traceIdKey
              + ", "
              + spanIdKey
              + ", "
              + traceFlagsKey
              + " (from "
              + TRACE_ID_KEY
              + ", "
              + SPAN_ID_KEY
              + ", "
              + TRACE_FLAGS_KEY
              + "): must be three different names; using "
              + DEFAULT_TRACE_ID_KEY
              + ", "
              + DEFAULT_SPAN_ID_KEY
              + ", "
              + DEFAULT_TRACE_FLAGS_KEY);
      traceIdKey = DEFAULT_TRACE_ID_KEY;
      spanIdKey = DEFAULT_SPAN_ID_KEY;
      traceFlagsKey = DEFAULT_TRACE_FLAGS_KEY;
    }

    String baggage = source.get(BAGGAGE);
    boolean allBaggage = false;
    Map<String, String> baggageKeys = Collections.emptyMap();
    if (baggage != null) {
      String value = baggage.trim();
      if (value.equalsIgnoreCase("true") || value.equals("*")) {
        allBaggage = true;
      } else if (!value.equalsIgnoreCase("false")) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String key : value.split(",", -1)) {
          String trimmed = key.trim();
          if (!trimmed.isEmpty()) {
            keys.put(trimmed, BAGGAGE_PREFIX + trimmed);
          }
        }
        baggageKeys = Collections.unmodifiableMap(keys);
      }
    }
    return new MdcSettings(
        enabled, lazy, traceIdKey, spanIdKey, traceFlagsKey, allBaggage, baggageKeys);
  }

  private MdcSettings(
      boolean enabled,
      boolean lazy,
      String traceIdKey,
      String spanIdKey,
      String traceFlagsKey,
      boolean allBaggage,
      Map<String, String> baggageKeys) {
    this.enabled = enabled;
    this.lazy = lazy;
    this.traceIdKey = traceIdKey;
    this.spanIdKey = spanIdKey;
    this.traceFlagsKey = traceFlagsKey;
    this.allBaggage = allBaggage;
    this.baggageKeys = baggageKeys;
  }

  /** True when some baggage entries are copied into the MDC. */
  boolean copiesBaggage() {
    return allBaggage || !baggageKeys.isEmpty();
  }

  /** Looks a setting up by its property name, then by its environment variable. */
  private static final class Source {
    private final Function<String, String> properties;
    private final Function<String, String> environment;
    private final Consumer<String> warnings;

    Source(
        Function<String, String> properties,
        Function<String, String> environment,
        Consumer<String> warnings) {
      this.properties = properties;
      this.environment = environment;
      this.warnings = warnings;
    }

    /** The value, or null when neither source has it; a blank value counts as unset. */
    String get(String property) {
      String value = properties.apply(property);
      if (value != null && !value.trim().isEmpty()) {
        return value;
      }
      value = environment.apply(envName(property));
      return value != null && !value.trim().isEmpty() ? value : null;
    }

    /** The name the value came from, for messages. */
    String nameOf(String property) {
      String value = properties.apply(property);
      return value != null && !value.trim().isEmpty() ? property : envName(property);
    }

    boolean bool(String property, boolean defaultValue) {
      String value = get(property);
      if (value == null) {
        return defaultValue;
      }
      String trimmed = value.trim();
      if (trimmed.equalsIgnoreCase("true")) {
        return true;
      }
      if (trimmed.equalsIgnoreCase("false")) {
        return false;
      }
      warnings.accept(
          nameOf(property) + "=" + value + ": must be true or false; using " + defaultValue);
      return defaultValue;
    }

    String key(String property, String defaultValue) {
      String value = get(property);
      return value == null ? defaultValue : value.trim();
    }

    static String envName(String property) {
      return property.replace('.', '_').toUpperCase(Locale.ROOT);
    }
  }
}
