package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.oteltoolkit.jdbc.SqlSanitizer.Dialect;
import dev.oteltoolkit.jdbc.SqlSanitizer.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 100,000 generated statements with random literals embedded, seeded so that a failure is
 * reproducible: the sanitizer must never throw, and no literal value may survive.
 *
 * <p>The statements are built so that digits only ever occur inside literals (identifiers and
 * markers have none), which makes "no digit in the output" a complete check for numbers; string
 * literals carry a unique random secret each, looked for in the output.
 */
class SqlSanitizerFuzzTest {

  private static final long SEED = 0x5EED_2026L;
  private static final int STATEMENTS = 100_000;
  private static final String SECRET_ALPHABET = "bcdfghjkmnpqvwxz0123456789";

  private final Random random = new Random(SEED);
  private final List<String> secrets = new ArrayList<>();
  private Dialect dialect;

  @Test
  void noLiteralSurvivesAndNothingThrows() {
    Dialect[] dialects = Dialect.values();
    for (int n = 0; n < STATEMENTS; n++) {
      dialect = dialects[random.nextInt(dialects.length)];
      secrets.clear();
      String sql = statement();
      String sanitized;
      try {
        sanitized = SqlSanitizer.sanitize(sql, dialect);
      } catch (RuntimeException e) {
        throw new AssertionError("statement " + n + " (seed " + SEED + ") threw: " + sql, e);
      }
      for (String secret : secrets) {
        if (sanitized.contains(secret)) {
          fail(
              "statement %d (seed %d, %s) leaked %s%n  in:  %s%n  out: %s",
              n, SEED, dialect, secret, sql, sanitized);
        }
      }
      if (sanitized.contains("TRUE") || sanitized.contains("false")) {
        fail(
            "statement %d (seed %d, %s) leaked a boolean%n  in:  %s%n  out: %s",
            n, SEED, dialect, sql, sanitized);
      }
      for (int i = 0; i < sanitized.length(); i++) {
        if (Character.isDigit(sanitized.charAt(i))) {
          fail(
              "statement %d (seed %d, %s) leaked a number%n  in:  %s%n  out: %s",
              n, SEED, dialect, sql, sanitized);
        }
      }
    }
  }

  @Test
  void garbageNeverThrows() {
    char[] interesting = {
      '\'', '"', '`', '$', '-', '/', '*', '#', '[', ']', '(', ')', ';', '?', ':', '\\', '\n', ' ',
      '0', '9', 'e', 'E', 'x', 'q', 'N', 'U', '&', '.', '+', '@', '\u0000', '\uD83D', '\uDE00',
      '\u00e9'
    };
    for (int n = 0; n < 10_000; n++) {
      int length = random.nextInt(120);
      StringBuilder sb = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        sb.append(
            random.nextBoolean()
                ? interesting[random.nextInt(interesting.length)]
                : (char) random.nextInt(0x10000));
      }
      String input = sb.toString();
      for (Dialect d : Dialect.values()) {
        String out;
        try {
          out = SqlSanitizer.sanitize(input, d);
          SqlSanitizer.sanitizeMessage(input, d);
        } catch (RuntimeException e) {
          throw new AssertionError("garbage " + n + " (seed " + SEED + ") threw", e);
        }
        assertThat(out.length()).isLessThanOrEqualTo(input.length() + 3);
      }
    }
  }

  private String statement() {
    switch (random.nextInt(9)) {
      case 0:
        return kw("SELECT")
            + " a, b"
            + ws()
            + kw("FROM")
            + " t"
            + ws()
            + kw("WHERE")
            + " c ="
            + lit()
            + ws()
            + kw("AND")
            + " d "
            + kw("IN")
            + " ("
            + lit()
            + ","
            + lit()
            + ","
            + lit()
            + ")"
            + ws()
            + kw("OR")
            + " e "
            + kw("LIKE")
            + " "
            + lit();
      case 1:
        return kw("INSERT INTO")
            + " t (a, b, c)"
            + ws()
            + kw("VALUES")
            + " ("
            + lit()
            + ","
            + lit()
            + ","
            + lit()
            + "), ("
            + lit()
            + ","
            + lit()
            + ","
            + lit()
            + ")";
      case 2:
        return kw("UPDATE")
            + " t "
            + kw("SET")
            + " a ="
            + lit()
            + ", b="
            + lit()
            + ws()
            + kw("WHERE")
            + " id ="
            + lit();
      case 3:
        return kw("DELETE FROM")
            + " t "
            + kw("WHERE")
            + " a "
            + kw("BETWEEN")
            + " "
            + lit()
            + ws()
            + kw("AND")
            + " "
            + lit();
      case 4:
        return kw("SELECT")
            + " *"
            + ws()
            + "/*"
            + commentLit()
            + " note "
            + commentLit()
            + " */"
            + ws()
            + kw("FROM")
            + " t "
            + kw("WHERE")
            + " a ="
            + lit()
            + " --"
            + commentLit()
            + " rest "
            + commentLit()
            + "\n"
            + kw("AND")
            + " b ="
            + lit();
      case 5:
        // SQL Server reads [..] as an identifier, not an array
        String array = dialect == Dialect.SQLSERVER ? "(" : "ARRAY[";
        String close = dialect == Dialect.SQLSERVER ? ")" : "]";
        return kw("SELECT")
            + " "
            + lit()
            + ", x "
            + kw("FROM")
            + " t "
            + kw("WHERE")
            + " y = ANY("
            + array
            + lit()
            + ","
            + lit()
            + close
            + ")"
            + ws()
            + kw("AND")
            + " z <>"
            + lit();
      case 6:
        return kw("CREATE USER")
            + " app "
            + kw("IDENTIFIED BY")
            + " "
            + secret()
            + ws()
            + kw("ACCOUNT UNLOCK");
      case 7:
        return kw("ALTER USER")
            + " app "
            + kw("WITH PASSWORD")
            + " "
            + (random.nextBoolean() ? secret() : lit())
            + ws()
            + kw("VALID UNTIL")
            + " "
            + lit();
      default:
        return kw("SELECT")
            + " f("
            + lit()
            + ")"
            + ws()
            + kw("FROM")
            + " t "
            + kw("WHERE")
            + " a ="
            + lit()
            + ";"
            + ws()
            + kw("SELECT")
            + " "
            + lit();
    }
  }

  /**
   * A literal inside a comment. One holding {@code *\/} would end a block comment in the database
   * too (and {@code /*} open a nested one in PostgreSQL), turning the rest into SQL, so it is not a
   * literal there; and booleans are words there, kept like the rest of the comment's prose.
   */
  private String commentLit() {
    String literal;
    do {
      literal = lit();
    } while (literal.contains("*/")
        || literal.contains("/*")
        || literal.contains("TRUE")
        || literal.contains("false"));
    return literal;
  }

  /** One literal, preceded by random whitespace, in a form the current dialect understands. */
  private String lit() {
    String ws = random.nextInt(4) == 0 ? "" : ws();
    int kind = random.nextInt(12);
    switch (kind) {
      case 0:
        return ws + (random.nextBoolean() ? "-" : "") + random.nextInt(1_000_000);
      case 1:
        return ws + random.nextInt(1000) + "." + random.nextInt(1000);
      case 2:
        return ws + random.nextInt(100) + (random.nextBoolean() ? "e" : "E-") + random.nextInt(30);
      case 3:
        return ws + "0x" + Integer.toHexString(random.nextInt());
      case 4:
        return ws + (random.nextBoolean() ? "TRUE" : "false");
      case 5:
        return ws + "'" + stringBody('\'') + "'";
      case 6:
        return ws + "N'" + stringBody('\'') + "'";
      case 7:
        if (dialect.doubleQuotedIdentifiers()) {
          return ws + "'" + stringBody('\'') + "'";
        }
        return ws + "\"" + stringBody('"') + "\"";
      case 8:
        if (dialect.dollarQuotes() == Reading.NO) {
          return ws + "'" + stringBody('\'') + "'";
        }
        return ws + "$$" + dollarBody("$$") + "$$";
      case 9:
        if (dialect.dollarQuotes() == Reading.NO) {
          return ws + "X'" + Integer.toHexString(random.nextInt()) + "'";
        }
        return ws + "$fn$" + dollarBody("$fn$") + "$fn$";
      case 10:
        // backslash escapes: PostgreSQL's E-strings, MySQL's every string; the other dialects
        // have neither (an E there is a word before a standard string)
        if (dialect == Dialect.MYSQL
            || dialect == Dialect.POSTGRESQL
            || dialect == Dialect.GENERIC) {
          String escaped = "it\\'s " + secret() + " \\\\ " + random.nextInt(99);
          return ws + (dialect == Dialect.MYSQL ? "'" : "E'") + escaped + "'";
        }
        return ws + "'it''s " + secret() + " \\ " + random.nextInt(99) + "'";
      default:
        if (dialect.alternativeQuotes() == Reading.NO) {
          return ws + "'" + stringBody('\'') + "'";
        }
        return ws + "q'[" + secret() + " it's ]" + random.nextInt(9) + "]'";
    }
  }

  private String stringBody(char quote) {
    StringBuilder sb = new StringBuilder();
    int parts = 1 + random.nextInt(4);
    for (int i = 0; i < parts; i++) {
      switch (random.nextInt(9)) {
        case 0:
          sb.append(quote).append(quote);
          break;
        case 1:
          sb.append(" -- ");
          break;
        case 2:
          sb.append(" /* ");
          break;
        case 3:
          sb.append(" */ ; ");
          break;
        case 4:
          sb.append(random.nextInt(100000));
          break;
        case 5:
          sb.append(quote == '\'' ? "\"" : "'");
          break;
        case 6:
          sb.append(dialect == Dialect.MYSQL ? "\\" + quote : " SELECT ");
          break;
        case 7:
          sb.append(dialect == Dialect.MYSQL ? " " : "\\");
          break;
        default:
          sb.append(' ');
      }
      sb.append(secret());
    }
    return sb.toString();
  }

  private String dollarBody(String tag) {
    String body;
    do {
      body = stringBody('\'') + " $ " + random.nextInt(100) + " ; ";
    } while (body.contains(tag));
    return body;
  }

  private String secret() {
    StringBuilder sb = new StringBuilder("zk");
    for (int i = 0; i < 8; i++) {
      sb.append(SECRET_ALPHABET.charAt(random.nextInt(SECRET_ALPHABET.length())));
    }
    String secret = sb.toString();
    secrets.add(secret);
    return secret;
  }

  private String kw(String keyword) {
    switch (random.nextInt(3)) {
      case 0:
        return keyword.toLowerCase(java.util.Locale.ROOT);
      case 1:
        return keyword.replace(" ", ws());
      default:
        return keyword;
    }
  }

  private String ws() {
    switch (random.nextInt(5)) {
      case 0:
        return "\n";
      case 1:
        return "\t ";
      case 2:
        return "  ";
      default:
        return " ";
    }
  }
}
