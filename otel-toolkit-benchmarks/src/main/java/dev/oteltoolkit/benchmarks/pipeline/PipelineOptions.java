package dev.oteltoolkit.benchmarks.pipeline;

import dev.oteltoolkit.tests.OtlpReceiver.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The command line of a pipeline main: {@code --out FILE} (required), {@code --quick}, and the
 * main's own {@code --name value} options, each with a full-run and a quick default. Bad input
 * fails with a message naming the option and the value.
 */
final class PipelineOptions {

  private final String mainName;
  private final Map<String, Option> options = new LinkedHashMap<>();
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> given = new LinkedHashMap<>();
  private Path out;
  private boolean quick;

  PipelineOptions(String mainName) {
    this.mainName = mainName;
  }

  /** Declares {@code --name value} with its default in a full run and in a quick run. */
  PipelineOptions option(String name, String fullDefault, String quickDefault, String help) {
    options.put(name, new Option(name, fullDefault, quickDefault, help));
    return this;
  }

  /**
   * Parses the arguments; prints the usage and exits with status 2 on {@code --help} or bad input.
   */
  PipelineOptions parse(String[] arguments) {
    args.addAll(List.of(arguments));
    try {
      for (int i = 0; i < arguments.length; i++) {
        String arg = arguments[i];
        switch (arg) {
          case "--quick" -> quick = true;
          case "-h", "--help" -> {
            System.out.println(usage());
            System.exit(0);
          }
          case "--out" -> out = Path.of(value(arguments, ++i, arg));
          default -> {
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            if (name == null || !options.containsKey(name)) {
              throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            given.put(name, value(arguments, ++i, arg));
          }
        }
      }
      if (out == null) {
        throw new IllegalArgumentException("--out FILE is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(mainName + ": " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
    }
    return this;
  }

  /**
   * Builds a main from its options; an invalid option value prints its message and exits with
   * status 2, like a parse error.
   */
  static <T> T orExit(String mainName, Supplier<T> main) {
    try {
      return main.get();
    } catch (IllegalArgumentException e) {
      System.err.println(mainName + ": " + e.getMessage());
      System.exit(2);
      throw e; // not reached
    }
  }

  private static String value(String[] arguments, int index, String option) {
    if (index >= arguments.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return arguments[index];
  }

  Path out() {
    return out;
  }

  boolean quick() {
    return quick;
  }

  /** The arguments as given, for the report. */
  List<String> args() {
    return List.copyOf(args);
  }

  String string(String name) {
    Option option = options.get(name);
    if (option == null) {
      throw new IllegalStateException("undeclared option " + name);
    }
    String value = given.get(name);
    return value != null ? value : quick ? option.quickDefault : option.fullDefault;
  }

  double positiveDouble(String name) {
    String value = string(name);
    try {
      double parsed = Double.parseDouble(value);
      if (parsed > 0 && Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, "must be a positive number");
  }

  int positiveInt(String name) {
    String value = string(name);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, "must be a positive integer");
  }

  /**
   * A comma-separated list of OTLP transports: {@code grpc}, {@code http/protobuf} (or {@code
   * http}).
   */
  List<Transport> transports(String name) {
    String names = string(name);
    List<Transport> transports = new ArrayList<>();
    for (String item : names.split(",")) {
      String trimmed = item.trim();
      Transport match = null;
      for (Transport transport : Transport.values()) {
        if (transport.protocol().equals(trimmed)
            || (trimmed.equals("http") && transport == Transport.HTTP_PROTOBUF)) {
          match = transport;
        }
      }
      if (match == null) {
        throw invalid(name, names, "'" + trimmed + "' is not grpc or http/protobuf");
      }
      transports.add(match);
    }
    return transports;
  }

  /** A duration written as seconds ({@code 2.5}) or with a unit ({@code 500ms}, {@code 3s}). */
  Duration duration(String name) {
    String value = string(name).trim().toLowerCase(Locale.ROOT);
    try {
      if (value.endsWith("ms")) {
        return positive(
            Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2))), name, value);
      }
      String seconds = value.endsWith("s") ? value.substring(0, value.length() - 1) : value;
      return positive(Duration.ofNanos((long) (Double.parseDouble(seconds) * 1e9)), name, value);
    } catch (NumberFormatException e) {
      throw invalid(name, value, "must be a duration like 500ms, 3s or 2.5");
    }
  }

  private Duration positive(Duration duration, String name, String value) {
    if (duration.isNegative() || duration.isZero()) {
      throw invalid(name, value, "must be positive");
    }
    return duration;
  }

  private IllegalArgumentException invalid(String name, String value, String why) {
    return new IllegalArgumentException("--" + name + " " + value + ": " + why);
  }

  String usage() {
    StringBuilder text = new StringBuilder();
    text.append("usage: java -cp otel-toolkit-benchmarks/target/benchmarks.jar ")
        .append(PipelineOptions.class.getPackageName())
        .append('.')
        .append(mainName)
        .append(" --out FILE.json [--quick] [options]\n");
    text.append("  --out FILE      where the JSON results go (required)\n");
    text.append("  --quick         a smoke run of under a minute; numbers are meaningless\n");
    for (Option option : options.values()) {
      text.append(
          String.format(
              Locale.ROOT,
              "  --%-13s %s (default %s, quick %s)%n",
              option.name + " V",
              option.help,
              option.fullDefault,
              option.quickDefault));
    }
    return text.toString();
  }

  private record Option(String name, String fullDefault, String quickDefault, String help) {}
}
