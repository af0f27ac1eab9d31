package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the price-table loaders: mutations of valid files in both formats (the shipped
 * table and a LiteLLM file rendered from it), with byte flips, insertions of huge numbers and
 * exponents, deep nesting, long strings and keys, control characters, invalid UTF-8, values of the
 * wrong type, and truncations, fed to {@link PriceTable#load} and {@link PriceTable#loadLiteLlm}
 * (both loaders see both formats).
 *
 * <p>Checked for every input: the load succeeds or throws {@link IllegalArgumentException} (any
 * other throwable fails the test with the seed and input number); a refusal names the source and
 * where the problem is ({@code at line L, column C}) in at most {@value
 * HostilePriceFilesTest#MAX_MESSAGE} characters; a LiteLLM load logs at most one line; and no
 * single input takes longer than {@value #MAX_MILLIS_PER_INPUT} ms. That last bound is a liveness
 * check, not a speed claim: the slowest input seen was 0.3 s (the first inputs, before the JIT, on
 * the shared 2-core build machine at a load average of 11; warm, a load takes about 1 ms), while
 * before the fix single inputs took 15 to 58 s or exhausted the heap.
 *
 * <p>A build checks {@value #INPUTS} inputs, the same ones for a seed whatever the machine's speed.
 * Another seed: {@code -Doteltoolkit.fuzz.seed=N}; more: {@code -Doteltoolkit.fuzz.inputs=N}.
 */
class PriceTableFuzzTest {

  private static final long DEFAULT_SEED = 20261207L;

  /** Inputs per build: a fixed number, so a seed always checks the same inputs. */
  private static final int INPUTS = 2_000;

  private static final long MAX_MILLIS_PER_INPUT = 2_000;

  /** Values that once broke a load, and their relatives. */
  private static final String[] HOSTILE_NUMBERS = {
    "1e999999999",
    "-1e2147483647",
    "1e-2147483648",
    "1e10000000",
    "-1e9999999",
    "1.0e999999999",
    "1e1000",
    "1e-1000",
    "1e1001",
    "9".repeat(100),
    "0." + "0".repeat(97) + "1",
    "1." + "0".repeat(100_000),
    "1" + "0".repeat(100_000) + "e-100000",
    "0." + "0".repeat(29) + "1",
    "0." + "0".repeat(35) + "1",
    "1000000",
    "1000000.000000000000000000000000000001",
    "-0",
    "-0.0e-0",
    "1E+1000",
    "00",
    "1.",
    "-",
    ".5",
    "1e",
    "NaN",
    "Infinity"
  };

  @TempDir Path dir;

  @Test
  void everyMutationLoadsOrFailsWithABoundedLocatedMessageInBoundedTime() throws IOException {
    long seed = Long.getLong("oteltoolkit.fuzz.seed", DEFAULT_SEED);
    int inputs = Integer.getInteger("oteltoolkit.fuzz.inputs", INPUTS);
    String own = shippedTable();
    String liteLlm = liteLlmFile(PriceTable.defaults());
    Random random = new Random(seed);

    List<LogRecord> warnings = new ArrayList<>();
    Logger logger = Logger.getLogger(PriceTable.class.getName());
    Handler capture = capture(warnings);
    logger.addHandler(capture);
    logger.setUseParentHandlers(false);
    Stats stats = new Stats();
    try {
      while (stats.inputs < inputs) {
        boolean liteLlmFormat = random.nextBoolean();
        byte[] bytes = mutate(random, liteLlmFormat ? liteLlm : own);
        // mostly the loader of the format, sometimes the other one
        boolean liteLlmLoader = random.nextInt(10) == 0 ? !liteLlmFormat : liteLlmFormat;
        boolean viaFile = random.nextInt(50) == 0;
        checkOne(bytes, liteLlmLoader, viaFile, warnings, stats, seed);
      }
    } finally {
      logger.removeHandler(capture);
      logger.setUseParentHandlers(true);
    }
    System.err.printf(
        "PriceTableFuzzTest: %d inputs (%d loaded, %d refused, %d LiteLLM loads with skipped"
            + " entries), %.0f ms loading in all, max %.1f ms per input (input %d, %d bytes),"
            + " longest message %d chars, seed %d%n",
        stats.inputs,
        stats.loaded,
        stats.refused,
        stats.skippedWarnings,
        stats.totalNanos / 1e6,
        stats.maxNanos / 1e6,
        stats.slowest,
        stats.slowestSize,
        stats.longestMessage,
        seed);
    assertThat(stats.loaded).as("some mutations still load").isPositive();
    assertThat(stats.refused).as("most mutations are refused").isGreaterThan(stats.loaded);
    assertThat(stats.maxNanos / 1_000_000)
        .as("the slowest single input, ms (input %d)", stats.slowest)
        .isLessThanOrEqualTo(MAX_MILLIS_PER_INPUT);
  }

  private void checkOne(
      byte[] bytes,
      boolean liteLlm,
      boolean viaFile,
      List<LogRecord> warnings,
      Stats stats,
      long seed)
      throws IOException {
    int number = stats.inputs++;
    Path file = null;
    if (viaFile) {
      file = Files.write(dir.resolve("fuzz-" + number + ".json"), bytes);
    }
    String name =
        viaFile ? file.toString() : liteLlm ? "LiteLLM price stream" : "price table stream";
    warnings.clear();
    long start = System.nanoTime();
    try {
      PriceTable table = load(bytes, liteLlm, file);
      stats.loaded++;
      assertThat(table).isNotNull();
      assertThat(warnings).as("input %d, seed %d", number, seed).hasSizeLessThanOrEqualTo(1);
      if (!warnings.isEmpty()) {
        stats.skippedWarnings++;
        assertThat(warnings.get(0).getMessage())
            .startsWith(name + ": skipped ")
            .contains(" at line ")
            .hasSizeLessThanOrEqualTo(HostilePriceFilesTest.MAX_MESSAGE);
      }
    } catch (IllegalArgumentException e) {
      stats.refused++;
      String message = e.getMessage();
      stats.longestMessage = Math.max(stats.longestMessage, message.length());
      if (message.length() > HostilePriceFilesTest.MAX_MESSAGE
          || !message.startsWith(name + ": ")
          || !message.contains(" at line ")) {
        throw new AssertionError(
            "input "
                + number
                + ", seed "
                + seed
                + ": unbounded or unlocated message ("
                + message.length()
                + " chars): "
                + message.substring(0, Math.min(600, message.length())),
            e);
      }
    } catch (Throwable t) {
      throw new AssertionError(
          "input "
              + number
              + ", seed "
              + seed
              + ": "
              + t.getClass().getName()
              + " instead of IllegalArgumentException",
          t);
    } finally {
      long nanos = System.nanoTime() - start;
      stats.totalNanos += nanos;
      if (nanos > stats.maxNanos) {
        stats.maxNanos = nanos;
        stats.slowest = number;
        stats.slowestSize = bytes.length;
      }
      if (file != null) {
        Files.delete(file);
      }
    }
  }

  private static PriceTable load(byte[] bytes, boolean liteLlm, Path file) throws IOException {
    if (file != null) {
      return liteLlm ? PriceTable.loadLiteLlm(file) : PriceTable.load(file);
    }
    InputStream in = new ByteArrayInputStream(bytes);
    return liteLlm ? PriceTable.loadLiteLlm(in) : PriceTable.load(in);
  }

  // ---- input generation -------------------------------------------------------------------

  private static byte[] mutate(Random random, String document) {
    String text = document;
    int mutations = 1 + random.nextInt(3);
    boolean flipBytes = false;
    for (int i = 0; i < mutations; i++) {
      switch (random.nextInt(9)) {
        case 0:
        case 1:
          text =
              replaceNumber(random, text, HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)]);
          break;
        case 2:
          text = insert(random, text, HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)]);
          break;
        case 3:
          text = replaceValue(random, text, nested(random));
          break;
        case 4:
          text = replaceValue(random, text, longString(random));
          break;
        case 5:
          text = replaceValue(random, text, otherType(random));
          break;
        case 6:
          text = insert(random, text, garbage(random));
          break;
        case 7:
          text = text.substring(0, random.nextInt(text.length() + 1));
          break;
        default:
          flipBytes = true;
          break;
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (flipBytes && bytes.length > 0) {
      int flips = 1 + random.nextInt(4);
      for (int i = 0; i < flips; i++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
    }
    return bytes;
  }

  /** Replaces one number literal of the document, so that the mutation reaches the prices. */
  private static String replaceNumber(Random random, String text, String number) {
    for (int attempt = 0; attempt < 20 && !text.isEmpty(); attempt++) {
      int at = random.nextInt(text.length());
      int colon = text.lastIndexOf(':', at);
      if (colon < 0) {
        continue;
      }
      int start = colon + 1;
      while (start < text.length() && text.charAt(start) == ' ') {
        start++;
      }
      int end = start;
      while (end < text.length() && "-+.eE0123456789".indexOf(text.charAt(end)) >= 0) {
        end++;
      }
      if (end > start) {
        return text.substring(0, start) + number + text.substring(end);
      }
    }
    return insert(random, text, number);
  }

  /** Replaces the value after a random member name. */
  private static String replaceValue(Random random, String text, String value) {
    int colon = text.indexOf(':', random.nextInt(text.length() + 1));
    if (colon < 0) {
      return insert(random, text, value);
    }
    int start = colon + 1;
    int end = start;
    while (end < text.length() && ",}\n".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    return text.substring(0, start) + " " + value + text.substring(end);
  }

  private static String insert(Random random, String text, String what) {
    int at = random.nextInt(text.length() + 1);
    return text.substring(0, at) + what + text.substring(at);
  }

  private static String nested(Random random) {
    int depth = random.nextInt(20) == 0 ? 1 + random.nextInt(100_000) : 200 + random.nextInt(100);
    String open = random.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    return open.repeat(depth) + "1" + close.repeat(random.nextInt(depth + 1));
  }

  private static String longString(Random random) {
    int length = random.nextInt(20) == 0 ? 100_000 + random.nextInt(100_000) : random.nextInt(300);
    StringBuilder text = new StringBuilder(length + 2).append('"');
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(40);
      text.append(kind == 0 ? "\\n" : kind == 1 ? "\\u0000" : kind == 2 ? "\ud800" : "x");
    }
    return text.append('"').toString();
  }

  private static String otherType(Random random) {
    String[] values = {
      "\"2.50\"",
      "true",
      "null",
      "[]",
      "{}",
      "[1, 2]",
      "{\"input\": 1}",
      "\"\"",
      "-1",
      "0",
      "\"2026-02-30\"",
      "\"USD\"",
      "\"EUR\"",
      "[\"\"]",
      "[1]"
    };
    return values[random.nextInt(values.length)];
  }

  private static String garbage(Random random) {
    String[] pieces = {
      ",",
      ":",
      "{",
      "}",
      "[",
      "]",
      "\"",
      "\\",
      "\u0000",
      "\t",
      "\r\n",
      "\ufeff",
      "\ud800",
      "\u2028",
      "\"models\"",
      "\"sample_spec\": 1,",
      ", \"x\": 1",
      "/* */",
      "'a'"
    };
    StringBuilder text = new StringBuilder();
    int count = 1 + random.nextInt(4);
    for (int i = 0; i < count; i++) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString();
  }

  private static String shippedTable() throws IOException {
    try (InputStream in = PriceTable.class.getResourceAsStream("prices.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The shipped prices in LiteLLM's shape (per token, scientific notation as LiteLLM writes). */
  private static String liteLlmFile(PriceTable table) {
    StringBuilder json = new StringBuilder("{\n  \"sample_spec\": {\"max_tokens\": \"LEGACY\"},\n");
    AtomicInteger index = new AtomicInteger();
    for (ModelPrice price : table.prices()) {
      json.append(index.getAndIncrement() == 0 ? "" : ",\n")
          .append("  \"")
          .append(price.model())
          .append("\": {\"input_cost_per_token\": ")
          .append(perToken(price.input()))
          .append(", \"output_cost_per_token\": ")
          .append(perToken(price.output()));
      if (price.cachedInput() != null) {
        json.append(", \"cache_read_input_token_cost\": ").append(perToken(price.cachedInput()));
      }
      json.append(", \"litellm_provider\": \"")
          .append(price.provider())
          .append("\", \"mode\": \"chat\", \"supports_vision\": true}");
    }
    return json.append("\n}\n").toString();
  }

  private static String perToken(BigDecimal perMillion) {
    return perMillion.scaleByPowerOfTen(-6).stripTrailingZeros().toString();
  }

  private static Handler capture(List<LogRecord> into) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        into.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  private static final class Stats {
    int inputs;
    int loaded;
    int refused;
    int skippedWarnings;
    long maxNanos;
    long totalNanos;
    int slowest;
    int slowestSize;
    int longestMessage;
  }
}
