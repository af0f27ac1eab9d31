package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.jdbc.SqlSanitizer.Dialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The sanitizer's cost grows linearly with the input, for every shape of input and every dialect:
 * each shape is timed at 1, 10 and 32 KiB in one run, and the cost per character at the larger
 * sizes may not exceed {@value #MAX_RATIO} times the cost at 1 KiB. A quadratic shape gives 10 and
 * 32 (the repeated {@code SELECT*FROM[;} of issue 23 gave 24).
 *
 * <p>Made robust against the JIT and the collector rather than against a slow machine: every shape
 * is run before anything is measured, each sample sanitizes about {@value #SAMPLE_CHARS} characters
 * (many short texts or a few long ones, so that every sample does the same amount of work), and the
 * minimum of {@value #QUICK_SAMPLES} samples is kept; a shape over the bound is measured again with
 * {@value #SAMPLES} before it fails. Nothing is compared with a clock.
 */
class SqlSanitizerLinearityTest {

  private static final int[] SIZES = {1024, 10 * 1024, 32 * 1024};
  private static final int SAMPLE_CHARS = 32 * 1024;
  private static final int QUICK_SAMPLES = 3;
  private static final int SAMPLES = 15;
  private static final double MAX_RATIO = 5.0;

  /** Shapes: name → the text of a given length. */
  private static final Map<String, IntFunction<String>> SHAPES = new LinkedHashMap<>();

  static {
    // the issue's finding: a collection name opened by a bracket that never closes, per statement
    repeat("SELECT*FROM[;");
    repeat("SELECT*FROM\";");
    repeat("SELECT*FROM`;");
    repeat("SELECT * FROM \"a\".\";");
    repeat("SELECT * FROM [a].[;");
    repeat("SELECT * FROM t WHERE a = 'x' AND b = 1; ");
    repeat("INSERT INTO t VALUES (1, 'a', $$b$$, 2.5e3, x'0f'); ");
    // one literal or comment as long as the text, opened once
    repeat("'");
    repeat("''");
    repeat("\\'");
    repeat("E'\\'");
    repeat("q'[");
    repeat("$a$");
    repeat("$$");
    repeat("/*");
    repeat("/*/*");
    repeat("*/");
    repeat("-- x\n");
    repeat("--x'\n");
    repeat("# 'a\n");
    repeat("#");
    repeat("[");
    repeat("[a");
    repeat("[a]");
    repeat("`a`");
    repeat("`1`");
    repeat("((((");
    repeat("))))");
    repeat("1,");
    repeat("IN (1, 2, 3) ");
    repeat("a.");
    repeat("x ");
    repeat(" \t\n");
    repeat("é€ ");
    repeat("WITH a AS (SELECT 1), ");
    repeat("WITH a AS (SELECT 1) SELECT * FROM a; ");
    repeat("CREATE USER u PASSWORD p; ");
    repeat("SELECT password FROM users; ");
    repeat("/* 'a' \"b\" $$c$$ 1 */ ");
    repeat("$1 ");
    repeat("$1.5 ");
    repeat("-1 ");
    // a dollar quote whose body holds many near matches of a long tag
    SHAPES.put(
        "long tag, near matches",
        length -> {
          String name = "t".repeat(Math.max(1, length / 64));
          StringBuilder sb = new StringBuilder("$").append(name).append('$');
          String nearMiss = "$" + name.substring(1) + "x";
          while (sb.length() < length) {
            sb.append(nearMiss);
          }
          return sb.substring(0, length);
        });
    // a bracket identifier or backtick body full of brackets: checked once, not per bracket
    SHAPES.put("nested brackets", length -> "[".repeat(length - 1) + "]");
    SHAPES.put(
        "qualified name of many parts",
        length -> ("SELECT * FROM " + "a.".repeat(length)).substring(0, length));
  }

  private static void repeat(String unit) {
    SHAPES.put(
        unit.replace("\n", "\\n").replace("\t", "\\t"),
        length -> {
          StringBuilder sb = new StringBuilder(length + unit.length());
          while (sb.length() < length) {
            sb.append(unit);
          }
          return sb.substring(0, length);
        });
  }

  @Test
  void costPerCharacterDoesNotGrowWithTheInput() {
    List<Case> cases = new ArrayList<>();
    for (Map.Entry<String, IntFunction<String>> shape : SHAPES.entrySet()) {
      for (Dialect dialect : Dialect.values()) {
        String[] texts = new String[SIZES.length];
        for (int s = 0; s < SIZES.length; s++) {
          texts[s] = shape.getValue().apply(SIZES[s]);
        }
        cases.add(new Case(shape.getKey(), dialect, texts));
      }
    }
    // warm-up: every path compiled before anything is measured
    for (int round = 0; round < 2; round++) {
      for (Case c : cases) {
        for (String text : c.texts) {
          sample(text, c.dialect);
        }
      }
    }

    List<String> failures = new ArrayList<>();
    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-40s %-10s %12s %12s %12s %8s %8s%n",
                "shape",
                "dialect",
                "ns/char 1K",
                "10K",
                "32K",
                "10K/1K",
                "32K/1K"));
    double worst = 0;
    for (Case c : cases) {
      double[] perChar = measure(c, QUICK_SAMPLES);
      if (ratio(perChar, 1) > MAX_RATIO || ratio(perChar, 2) > MAX_RATIO) {
        // a suspect: measured again, longer, before it counts (a collection or a compilation
        // during the few quick samples is not growth)
        perChar = measure(c, SAMPLES);
      }
      double ratio10 = ratio(perChar, 1);
      double ratio32 = ratio(perChar, 2);
      worst = Math.max(worst, Math.max(ratio10, ratio32));
      String line =
          String.format(
              Locale.ROOT,
              "%-40s %-10s %12.2f %12.2f %12.2f %8.2f %8.2f%n",
              abbreviate(c.shape),
              c.dialect,
              perChar[0],
              perChar[1],
              perChar[2],
              ratio10,
              ratio32);
      table.append(line);
      if (ratio10 > MAX_RATIO || ratio32 > MAX_RATIO) {
        failures.add(line.trim());
      }
    }
    System.out.print(table);
    System.out.printf(
        Locale.ROOT,
        "[sql-linearity] %d shapes x dialects, worst ratio %.2f%n",
        cases.size(),
        worst);
    assertThat(failures).as("shapes whose cost per character grows with the input").isEmpty();
  }

  /** Nanoseconds per character at each size: the minimum over {@code samples} samples. */
  private static double[] measure(Case c, int samples) {
    double[] perChar = new double[SIZES.length];
    for (int s = 0; s < SIZES.length; s++) {
      long best = Long.MAX_VALUE;
      for (int n = 0; n < samples; n++) {
        best = Math.min(best, sample(c.texts[s], c.dialect));
      }
      perChar[s] = (double) best / chars(c.texts[s]);
    }
    return perChar;
  }

  private static double ratio(double[] perChar, int size) {
    return perChar[size] / perChar[0];
  }

  /** Nanoseconds to sanitize about {@link #SAMPLE_CHARS} characters of {@code text}, uncached. */
  private static long sample(String text, Dialect dialect) {
    int repetitions = Math.max(1, SAMPLE_CHARS / text.length());
    long sink = 0;
    long start = System.nanoTime();
    for (int r = 0; r < repetitions; r++) {
      sink += new SqlLexer(text, SqlSanitizer.MAX_LENGTH, dialect, false).run().text.length();
    }
    long elapsed = System.nanoTime() - start;
    if (sink < 0) {
      throw new AssertionError("unreachable");
    }
    return elapsed;
  }

  private static long chars(String text) {
    return (long) Math.max(1, SAMPLE_CHARS / text.length()) * text.length();
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private record Case(String shape, Dialect dialect, String[] texts) {}
}
