package dev.oteltoolkit.core;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where settings come from: {@code otel.*} system properties, then {@code OTEL_*} environment
 * variables (or a map standing in for both). Each value found carries the name the user wrote it
 * under, so errors can name it.
 */
final class ConfigSource {

  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;

  private ConfigSource(
      Function<String, String> systemProperties, Function<String, String> environment) {
    this.systemProperties = systemProperties;
    this.environment = environment;
  }

  /** Settings from the process: {@code otel.*} system properties, then {@code OTEL_*} variables. */
  static ConfigSource fromProcess() {
    return new ConfigSource(System::getProperty, System::getenv);
  }

  /**
   * Settings from a map standing in for the process: keys written like environment variables
   * ({@code OTEL_SERVICE_NAME}) are read at the environment's level, the others ({@code
   * otel.service.name}) at the system properties' level.
   */
  static ConfigSource fromMap(Map<String, String> properties) {
    Map<String, String> copy = new LinkedHashMap<>(properties);
    return new ConfigSource(
        key -> isEnvironmentStyle(key) ? null : copy.get(key), key -> copy.get(key));
  }

  static boolean isEnvironmentStyle(String key) {
    return key.equals(key.toUpperCase(Locale.ROOT)) && key.indexOf('.') < 0;
  }

  /** {@code otel.bsp.schedule.delay} → {@code OTEL_BSP_SCHEDULE_DELAY}. */
  static String environmentName(String propertyKey) {
    return propertyKey.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Returns the setting for {@code propertyKey}: its system property, else its variable. */
  @Nullable ConfigValue get(String propertyKey) {
    ConfigValue property = systemProperty(propertyKey);
    return property != null ? property : environmentVariable(propertyKey);
  }

  /** The system property {@code propertyKey} alone, or null when unset or empty. */
  @Nullable ConfigValue systemProperty(String propertyKey) {
    String value = systemProperties.apply(propertyKey);
    return value == null || value.isEmpty() ? null : new ConfigValue(propertyKey, value);
  }

  /** The environment variable for {@code propertyKey} alone, or null when unset or empty. */
  @Nullable ConfigValue environmentVariable(String propertyKey) {
    String variable = environmentName(propertyKey);
    String value = environment.apply(variable);
    return value == null || value.isEmpty() ? null : new ConfigValue(variable, value);
  }

  /**
   * A setting's value and the name it was given under (property or variable).
   *
   * @param name the system property or environment variable, as the user wrote it
   * @param value its value, not empty
   */
  record ConfigValue(String name, String value) {}
}
