package dev.oteltoolkit.core;

import dev.oteltoolkit.core.ConfigSource.ConfigValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry's configuration file ({@code OTEL_CONFIG_FILE} / {@code otel.config.file}, {@code
 * file_format: "1.0"}): checks that the optional artifact that reads it is on the class path and
 * that the file can be read, then hands it to {@link ConfigFileSdk}. This class names no type of
 * that artifact, so it loads without it and can say what is missing.
 *
 * <p>Precedence (docs/CONFIGURATION.md, "Configuration file"): what the file sets wins; the
 * builder's resource and sampling calls fill in what the file leaves out; its OTLP and Prometheus
 * calls do not apply (one warning names them); what the toolkit adds (forced sampling, tail
 * keeping, console view, added exporters and readers, export-outcome counting) is always added.
 */
final class ConfigFile {

  /** The setting, as a system property; {@code OTEL_CONFIG_FILE} as a variable. */
  static final String PROPERTY = "otel.config.file";

  /** A class of {@code io.opentelemetry:opentelemetry-sdk-extension-declarative-config}. */
  static final String ARTIFACT_CLASS =
      "io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfiguration";

  static final String ARTIFACT = "io.opentelemetry:opentelemetry-sdk-extension-declarative-config";

  /** Configuration files are small; a larger one is a mistake (a log, a binary). */
  static final int MAX_BYTES = 1 << 20;

  /** Problems quoted from the parser are cut to this many characters. */
  static final int MAX_PROBLEM_LENGTH = 400;

  private static final Logger logger = Logger.getLogger(ConfigFile.class.getName());

  private ConfigFile() {}

  /** Builds the telemetry from the file {@code setting} names, with what the toolkit adds. */
  static Telemetry create(
      ConfigValue setting, TelemetryOptions options, ResolvedConfig config, boolean global) {
    requireArtifact(ARTIFACT_CLASS, setting);
    byte[] yaml = read(setting);
    warnAboutIgnoredCalls(setting, options);
    return ConfigFileSdk.create(setting, yaml, options, config, global);
  }

  /** Fails when the artifact that reads configuration files is not on the class path. */
  static void requireArtifact(String className, ConfigValue setting) {
    try {
      Class.forName(className, false, ConfigFile.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw invalid(
          setting,
          "reading a configuration file needs "
              + ARTIFACT
              + " on the class path (an optional dependency of otel-toolkit-core; add it,"
              + " version 1.65.0-alpha, or unset "
              + setting.name()
              + ")");
    }
  }

  /** The file's bytes, at most {@link #MAX_BYTES}. */
  static byte[] read(ConfigValue setting) {
    Path path;
    try {
      path = Paths.get(setting.value().trim());
    } catch (InvalidPathException e) {
      throw invalid(setting, "not a valid path (" + e.getReason() + ")");
    }
    if (Files.isDirectory(path)) {
      throw invalid(setting, "is a directory, not a file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw invalid(setting, "larger than " + MAX_BYTES + " bytes: not a configuration file");
      }
      return bytes;
    } catch (IOException e) {
      throw invalid(
          setting,
          "cannot be read (" + e.getClass().getSimpleName() + ": " + bounded(e.getMessage()) + ")");
    }
  }

  /** An error naming the setting, the file and the problem, bounded in length. */
  static IllegalArgumentException invalid(ConfigValue setting, String problem) {
    return new IllegalArgumentException(
        setting.name() + "=" + bounded(setting.value()) + ": " + problem);
  }

  /** {@code text} cut to {@link #MAX_PROBLEM_LENGTH} characters. */
  static String bounded(@Nullable String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_PROBLEM_LENGTH
        ? text
        : text.substring(0, MAX_PROBLEM_LENGTH) + "...";
  }

  /** The builder calls the file replaces: named once, so nobody wonders why they do nothing. */
  private static void warnAboutIgnoredCalls(ConfigValue setting, TelemetryOptions options) {
    List<String> ignored = new ArrayList<>();
    if (options.endpoint() != null) {
      ignored.add("endpoint");
    }
    if (options.protocol() != null) {
      ignored.add("protocol");
    }
    if (!options.headers().isEmpty()) {
      ignored.add("header");
    }
    if (options.timeout() != null) {
      ignored.add("timeout");
    }
    if (options.compression() != null) {
      ignored.add("compression");
    }
    if (Boolean.FALSE.equals(options.otlp())) { // a Boolean on main (null: not called)
      ignored.add("otlp(false)");
    }
    if (options.prometheusPort() != null) {
      ignored.add("prometheus");
    }
    if (!ignored.isEmpty()) {
      logger.warning(
          "otel-toolkit: "
              + setting.name()
              + "="
              + bounded(setting.value())
              + " lists the"
              + " exporters; these builder calls do not apply: "
              + String.join(", ", ignored));
    }
  }
}
