package dev.oteltoolkit.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Internal, not for public use: the toolkit's version, as instrumentation scope version. */
public final class ToolkitVersion {

  private static final String VERSION = load();

  private ToolkitVersion() {}

  /**
   * Returns the version of otel-toolkit-core, e.g. {@code 0.1.0}.
   *
   * @return the version, {@code unknown} when the build did not record it
   */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = ToolkitVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "unknown");
      return version.startsWith("${") ? "unknown" : version;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
