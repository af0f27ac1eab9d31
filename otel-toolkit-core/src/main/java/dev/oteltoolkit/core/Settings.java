package dev.oteltoolkit.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads settings from system properties and environment variables (or a map standing in for
 * both) and validates the values the toolkit adds or maps itself, so errors name the setting the
 * user wrote.
 */
final class Settings {

  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;

  private Settings(Function<String, String> systemProperties, Function<String, String> environment) {
    this.systemProperties = systemProperties;
    this.environment = environment;
  }

  /** Settings from the process: {@code otel.*} system properties, then {@code OTEL_*} variables. */
  static Settings fromProcess() {
    return new Settings(System::getProperty, System::getenv);
  }

  /**
   * Settings from a map standing in for the process: keys written like environment variables
   * ({@code OTEL_SERVICE_NAME}) are read at the environment's level, the others ({@code
   * otel.service.name}) at the system properties' level.
   */
  static Settings fromMap(Map<String, String> properties) {
    Map<String, String> copy = new LinkedHashMap<>(properties);
    return new Settings(
        key -> isEnvironmentStyle(key) ? null : copy.get(key),
        key -> copy.get(key));
  }

  static boolean isEnvironmentStyle(String key) {
    return key.equals(key.toUpperCase(Locale.ROOT)) && key.indexOf('.') < 0;
  }

  static String environmentName(String propertyKey) {
    return propertyKey.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Returns the setting for {@code propertyKey}: its system property, else its variable. */
  Setting get(String propertyKey) {
    String value = systemProperties.apply(propertyKey);
    if (value != null && !value.isEmpty()) {
      return new Setting(propertyKey, value);
    }
    String variable = environmentName(propertyKey);
    value = environment.apply(variable);
    if (value != null && !value.isEmpty()) {
      return new Setting(variable, value);
    }
    return null;
  }

  /** The system property {@code propertyKey} alone, or null when unset or empty. */
  Setting systemProperty(String propertyKey) {
    String value = systemProperties.apply(propertyKey);
    return value == null || value.isEmpty() ? null : new Setting(propertyKey, value);
  }

  /** The environment variable for {@code propertyKey} alone, or null when unset or empty. */
  Setting environmentVariable(String propertyKey) {
    String variable = environmentName(propertyKey);
    String value = environment.apply(variable);
    return value == null || value.isEmpty() ? null : new Setting(variable, value);
  }

  // ---- validation shared by builder values and settings -------------------------------------

  static IllegalArgumentException invalid(String name, Object value, String problem) {
    return new IllegalArgumentException(name + "=" + value + ": " + problem);
  }

  static double ratio(String name, String value) {
    double ratio;
    try {
      ratio = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(name, value, "not a number; must be between 0 and 1");
    }
    if (Double.isNaN(ratio) || ratio < 0.0 || ratio > 1.0) {
      throw invalid(name, value, "must be between 0 and 1");
    }
    return ratio;
  }

  static double checkRatio(String name, double ratio) {
    if (Double.isNaN(ratio) || ratio < 0.0 || ratio > 1.0) {
      throw invalid(name, ratio, "must be between 0 and 1");
    }
    return ratio;
  }

  static boolean bool(String name, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw invalid(name, value, "must be true or false");
  }

  static String protocol(String name, String value) {
    String v = value.trim();
    if (v.equals("grpc") || v.equals("http/protobuf")) {
      return v;
    }
    throw invalid(name, value, "must be grpc or http/protobuf");
  }

  static String compression(String name, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("gzip") || v.equals("none")) {
      return v;
    }
    throw invalid(name, value, "must be gzip or none");
  }

  static String endpoint(String name, String value) {
    String v = value.trim();
    URI uri;
    try {
      uri = new URI(v);
    } catch (URISyntaxException e) {
      throw invalid(name, value, "not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw invalid(name, value, "must be an absolute http:// or https:// URL with a host,"
          + " like http://localhost:4317");
    }
    return v;
  }

  static String notBlank(String name, String value) {
    if (value.trim().isEmpty()) {
      throw invalid(name, "'" + value + "'", "must not be blank");
    }
    return value;
  }

  /**
   * Parses a {@code key=value,key=value} list ({@code OTEL_EXPORTER_OTLP_HEADERS}, {@code
   * OTEL_RESOURCE_ATTRIBUTES}) into raw (still percent-encoded) values, failing on a malformed
   * entry. Values are never echoed in the error: they may be secrets.
   */
  static Map<String, String> parseList(String name, String value) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String entry : value.split(",", -1)) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            name + ": entry '" + abbreviateKey(trimmed) + "' must be key=value");
      }
      result.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
    }
    return result;
  }

  private static String abbreviateKey(String entry) {
    int eq = entry.indexOf('=');
    String key = eq < 0 ? entry : entry.substring(0, eq);
    return key.length() > 40 ? key.substring(0, 40) + "..." : key;
  }

  static void checkHeader(String name, String value) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        throw new IllegalArgumentException(
            "header(\"" + name + "\", ...): the name has a character not allowed in an HTTP"
                + " header name at index " + i);
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            "header(\"" + name + "\", <value hidden>): the value contains a line break or NUL");
      }
    }
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  static String joinList(Map<String, String> rawValues) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> entry : rawValues.entrySet()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(entry.getKey()).append('=').append(entry.getValue());
    }
    return out.toString();
  }

  /** A setting's value and the name it was given under (property or variable). */
  static final class Setting {
    final String name;
    final String value;

    Setting(String name, String value) {
      this.name = name;
      this.value = value;
    }
  }
}
