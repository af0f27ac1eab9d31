package dev.oteltoolkit.core;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Validates the values the toolkit adds or maps itself, from code or settings alike, so errors name
 * the setting the user wrote and its value ({@code OTEL_SAMPLING_RATE=1.7: must be between 0 and
 * 1}); secrets (header values) are never echoed.
 */
final class ConfigValidation {

  /** Longer durations cannot be held in nanoseconds (Duration.toNanos overflows near 292 years). */
  static final Duration MAX_DURATION = Duration.ofDays(100_000);

  /** The key a single value is parsed under by autoconfigure's parser. */
  private static final String PARSED = "value";

  private ConfigValidation() {}

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
      String example = "http://localhost:4317";
      if (v.matches("[A-Za-z0-9.\\-]+:[0-9]{1,5}(/.*)?")) {
        example = "http://" + v; // host:port without a scheme, the common slip
      }
      throw invalid(
          name,
          value,
          "must be an absolute http:// or https:// URL with a host," + " like " + example);
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
   * OTEL_RESOURCE_ATTRIBUTES}) with autoconfigure's own parser, values still percent-encoded. A
   * malformed entry fails naming the setting and the entry's key: values may be secrets.
   */
  static Map<String, String> parseList(String name, String value) {
    try {
      return DefaultConfigProperties.createFromMap(Map.of(PARSED, value)).getMap(PARSED);
    } catch (ConfigurationException e) {
      throw new IllegalArgumentException(
          name + ": entry '" + firstMalformedKey(value) + "' must be key=value");
    }
  }

  /**
   * Parses a duration with autoconfigure's own parser ({@code 500} is milliseconds; {@code 500ms},
   * {@code 5s}, {@code 1m}, {@code 2h}, {@code 1d}); negative or too long to hold in nanoseconds
   * (over 100 000 days) is {@code problem}.
   */
  static Duration duration(String name, String value, String problem) {
    Duration duration;
    try {
      duration = DefaultConfigProperties.createFromMap(Map.of(PARSED, value)).getDuration(PARSED);
    } catch (ConfigurationException | NumberFormatException e) {
      throw invalid(name, value, problem);
    }
    if (duration == null || duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
      throw invalid(name, value, problem);
    }
    return duration;
  }

  private static String firstMalformedKey(String value) {
    for (String entry : value.split(",", -1)) {
      String trimmed = entry.trim();
      int eq = trimmed.indexOf('=');
      if (!trimmed.isEmpty() && eq <= 0) {
        String key = eq < 0 ? trimmed : trimmed.substring(0, eq);
        return key.length() > 40 ? key.substring(0, 40) + "..." : key;
      }
    }
    return "";
  }

  static void checkHeader(String name, String value) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        throw new IllegalArgumentException(
            "header(\""
                + name
                + "\", ...): the name has a character not allowed in an HTTP"
                + " header name at index "
                + i);
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
}
