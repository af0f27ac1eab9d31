package dev.oteltoolkit.jdbc;

import static dev.oteltoolkit.jdbc.SqlSanitizer.Dialect.ANSI;
import static dev.oteltoolkit.jdbc.SqlSanitizer.Dialect.GENERIC;
import static dev.oteltoolkit.jdbc.SqlSanitizer.Dialect.MYSQL;
import static dev.oteltoolkit.jdbc.SqlSanitizer.Dialect.ORACLE;
import static dev.oteltoolkit.jdbc.SqlSanitizer.Dialect.POSTGRESQL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.jdbc.SqlSanitizer.Dialect;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlDialect;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlQueryAnalyzer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Runs the official OpenTelemetry SQL sanitizer (opentelemetry-instrumentation-api-incubator
 * 2.31.1-alpha, {@code SqlQueryAnalyzer}, the one opentelemetry-jdbc uses) on the same table as
 * {@link SqlSanitizerTest} and checks that the two differ exactly where listed below, each
 * difference with its reason. A change on either side (a fix upstream, a regression here) fails
 * this test until the list is updated.
 *
 * <p>Differences marked LEAK are cases where the official sanitizer lets literal content through.
 */
class OfficialSanitizerComparisonTest {

  /** Input → why our output differs from the official one. */
  private static final Map<String, String> JUSTIFIED = new LinkedHashMap<>();

  static {
    justify(
        GENERIC,
        "SELECT 1.5, 2e10, 3.1E-7, .5, 0x1F, 0b101 FROM t",
        "binary literal 0b101: official keeps 'b101' after the '0'; we replace the whole token");
    justify(
        GENERIC,
        "SELECT a-1, b - 2 FROM t",
        "official eats the operator ('a?'); we keep the minus between two operands ('a-?')"
            + " and only fold a sign that starts an operand");
    justify(
        GENERIC,
        "SELECT * FROM t WHERE active = TRUE OR deleted = false",
        "booleans are literals for us (issue: 'booleans where literal'); official keeps them");
    justify(
        GENERIC,
        "SELECT * FROM t WHERE a = ? AND b = $1 AND c = :name AND d = :1",
        "LEAK (SQL Server reading): $1 is a money literal there; with no dialect we replace it;"
            + " Oracle positional marker :1 is a parameter, not a literal: we keep it, official"
            + " makes it ':?'");
    justify(
        GENERIC,
        "SELECT $$it's $5$$ FROM t",
        "LEAK: official's $$...$$ rule fails when the body holds a '$' and keeps the whole"
            + " literal; with no dialect we also replace the rest, which MySQL reads as a literal"
            + " opened by the quote in the body");
    justify(
        GENERIC,
        "SELECT E'it\\'s secret' FROM t",
        "LEAK: official ignores E'' backslash escapes and lets 's secret' through; with no"
            + " dialect we replace the rest, which standard SQL reads as a literal");
    justify(
        GENERIC,
        "SELECT N'name', X'0A0B', B'0101', U&'d\\0061t' FROM t",
        "the prefix is part of the literal: we print '?', official 'N?', 'X?' (no leak)");
    justify(
        GENERIC,
        "SELECT q'[it's secret]' FROM dual",
        "LEAK: official does not know Oracle alternative quoting and lets 's secret]' through;"
            + " with no dialect we replace the rest, which standard SQL reads as a literal");
    justify(
        GENERIC,
        "SELECT /* user 'bob' id 7 */ a FROM t -- 'secret' 42\nWHERE b = 1",
        "LEAK: official copies line comments verbatim ('secret' 42); we sanitize inside every"
            + " comment and keep the newline that ends a line comment");
    justify(
        GENERIC,
        "/* don't */ SELECT * FROM t WHERE a = 'secret'",
        "LEAK: official lexes quotes inside comments across the comment's end, so the"
            + " apostrophe swallows the statement and 'secret' leaks; ours stops at */");
    justify(
        GENERIC,
        "  SELECT\n\t a\r\n FROM   t  ",
        "we trim leading/trailing whitespace (one text per statement); official keeps a space");
    justify(
        GENERIC,
        "CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('pw')",
        "both mask; we mask from USING (MariaDB's IDENTIFIED VIA ... USING), official from"
            + " PASSWORD");
    justify(
        GENERIC,
        "SET PASSWORD FOR 'app'@'%' = PASSWORD('pw')",
        "both hide the secret; we mask everything after PASSWORD in a SET statement, official"
            + " sanitizes the literals one by one");
    justify(
        GENERIC,
        "CONNECT TO sample USER app USING s3cret",
        "LEAK: official keeps the unquoted password after CONNECT ... USING");
    justify(
        GENERIC,
        "SELECT * FROM t WHERE a = 'unterminated secret",
        "LEAK: official copies an unterminated string verbatim; we replace it to the end");
    justify(
        GENERIC,
        "SELECT $$never closed",
        "LEAK: official copies an unterminated dollar quote verbatim");
    justify(
        GENERIC,
        "SELECT 'C:\\' , 'x' FROM t",
        "LEAK (MySQL reading): with backslash escapes the first literal runs to the second"
            + " quote and the last quote opens one to the end; with no dialect we replace both");
    // dialect table (ANSI, POSTGRESQL, ORACLE mapped to DOUBLE_QUOTES_ARE_IDENTIFIERS)
    justify(
        ANSI,
        "SELECT \"abc",
        "LEAK (identifiers dialect): official copies an unterminated double quote verbatim");
    justify(
        MYSQL,
        "SELECT * FROM t WHERE a = 'it\\'s a secret' AND b = 1",
        "LEAK (MySQL): official ignores backslash escapes and lets 's a secret' through");
    justify(
        MYSQL,
        "SELECT \"x\\\"y\" FROM t",
        "LEAK (MySQL): backslash-escaped double quote, official lets 'y' through");
    justify(
        MYSQL,
        "SELECT a FROM t # note 'x'\nWHERE b = 2",
        "MySQL # comments: we keep the newline that ends the comment (otherwise the sanitized"
            + " text would comment out the rest); official turns it into a space");
    justify(
        POSTGRESQL,
        "SELECT $$it's $5$$ FROM t",
        "LEAK: official's $$...$$ rule fails when the body holds a '$' and keeps the whole"
            + " literal; we scan to the closing $$");
    justify(
        POSTGRESQL,
        "SELECT E'it\\'s secret' FROM t",
        "LEAK: official ignores PostgreSQL E'' backslash escapes and lets 's secret' through");
    justify(
        ORACLE,
        "SELECT q'[it's secret]' FROM dual",
        "LEAK: official does not know Oracle alternative quoting and lets 's secret]' through");
  }

  private static void justify(Dialect dialect, String input, String reason) {
    JUSTIFIED.put(key(dialect, input), reason);
  }

  private static String key(Dialect dialect, String input) {
    return dialect + " | " + input;
  }

  @Test
  void differsExactlyWhereJustified() {
    SqlQueryAnalyzer official = SqlQueryAnalyzer.create(true);
    Map<String, String> differences = new TreeMap<>();
    for (Arguments arguments : (Iterable<Arguments>) SqlSanitizerTest.cases()::iterator) {
      compare(official, (String) arguments.get()[0], GENERIC, differences);
    }
    for (Arguments arguments : (Iterable<Arguments>) SqlSanitizerTest.dialectCases()::iterator) {
      compare(official, (String) arguments.get()[1], (Dialect) arguments.get()[0], differences);
    }

    differences.forEach(
        (input, outputs) ->
            System.out.println(
                "[official sanitizer differs] "
                    + input.replace("\n", "\\n")
                    + "\n    "
                    + outputs
                    + "\n    because: "
                    + JUSTIFIED.get(input)));
    assertThat(differences.keySet())
        .as("every difference from the official sanitizer is listed and justified")
        .containsExactlyInAnyOrderElementsOf(JUSTIFIED.keySet());
  }

  private static void compare(
      SqlQueryAnalyzer official, String sql, Dialect dialect, Map<String, String> differences) {
    String ours = SqlSanitizer.sanitize(sql, dialect);
    SqlDialect theirDialect =
        dialect.doubleQuotedIdentifiers()
            ? SqlDialect.DOUBLE_QUOTES_ARE_IDENTIFIERS
            : SqlDialect.DOUBLE_QUOTES_ARE_STRING_LITERALS;
    String theirs = official.analyze(sql, theirDialect).getQueryText();
    if (!ours.equals(theirs)) {
      differences.put(
          key(dialect, sql),
          "ours: "
              + ours.replace("\n", "\\n")
              + "  |  official: "
              + String.valueOf(theirs).replace("\n", "\\n"));
    }
  }
}
