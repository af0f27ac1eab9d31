package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.jdbc.SqlSanitizer.Dialect;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlDialect;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlQueryAnalyzer;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inputs that OpenTelemetry's own analyzer tests mask (opentelemetry-java-instrumentation 2.31,
 * {@code SqlQueryAnalyzerTest} and the literal-bearing inputs of {@code
 * SqlQuerySummaryEdgeCasesTest}), with what our sanitizer makes of them. Each input is also run
 * through the official analyzer to prove it is one that analyzer masks: ours must mask it too.
 * Where the two outputs differ the comment says why.
 */
class SqlSanitizerOfficialVectorsTest {

  private static final SqlQueryAnalyzer OFFICIAL = SqlQueryAnalyzer.create(true);

  /** (dialect, input, our output). GENERIC stands for the official string-literals dialect. */
  static Stream<Arguments> vectors() {
    Dialect g = Dialect.GENERIC;
    return Stream.of(
        // numbers: integers, signs that start an operand, decimals, exponents, hex
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD=1234", "SELECT * FROM TABLE WHERE FIELD=?"),
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD = 1234", "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD>=-1234", "SELECT * FROM TABLE WHERE FIELD>=?"),
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD<-1234", "SELECT * FROM TABLE WHERE FIELD<?"),
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD <.1234", "SELECT * FROM TABLE WHERE FIELD <?"),
        Arguments.of(g, "SELECT 1.2", "SELECT ?"),
        Arguments.of(g, "SELECT -1.2", "SELECT ?"),
        Arguments.of(g, "SELECT -1.2e-9", "SELECT ?"),
        Arguments.of(g, "SELECT 2E+9", "SELECT ?"),
        Arguments.of(g, "SELECT +0.2", "SELECT ?"),
        Arguments.of(g, "SELECT .2", "SELECT ?"),
        Arguments.of(g, "7", "?"),
        Arguments.of(g, ".7", "?"),
        Arguments.of(g, "-7", "?"),
        Arguments.of(g, "+7", "?"),
        Arguments.of(g, "SELECT 0x0af764", "SELECT ?"),
        Arguments.of(g, "SELECT 0xdeadBEEF", "SELECT ?"),
        Arguments.of(
            g,
            "SELECT FIELD2 FROM TABLE_123 WHERE X<>7",
            "SELECT FIELD2 FROM TABLE_123 WHERE X<>?"),
        // a minus between operands is an operator: each number goes, the operators stay
        Arguments.of(g, "SELECT 123-45-6789", "SELECT ?-?-?"),
        Arguments.of(g, "SELECT 1/2/34", "SELECT ?/?/?"),
        Arguments.of(g, "select 12345678", "select ?"),
        Arguments.of(g, "delete from 12345678", "delete from ?"),
        // double-quoted text is a literal when double quotes are not identifiers (MySQL)
        Arguments.of(g, "SELECT * FROM \"TABLE\"", "SELECT * FROM ?"),
        Arguments.of(g, "insert into \"db table\" where lalala", "insert into ? where lalala"),
        Arguments.of(
            g,
            "delete from \"my table\" where something something",
            "delete from ? where something something"),
        Arguments.of(g, "update \"my table\" set answer=42", "update ? set answer=?"),
        Arguments.of(g, "merge into \"my table\"", "merge into ?"),
        Arguments.of(
            g, "UPDATE users SET password = \"Password1\"", "UPDATE users SET password = ?"),
        // ... and an identifier, kept, where they quote identifiers (standard SQL)
        Arguments.of(
            Dialect.ANSI, "update \"my table\" set answer=42", "update \"my table\" set answer=?"),
        // single-quoted strings: empty, doubled quotes, other quote characters inside
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD = ''", "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = 'words and spaces'",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = ' an escaped '' quote mark inside'",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        // two backslashes: one escaped backslash in MySQL, two characters elsewhere; the literal
        // ends at the same quote in both readings
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD = '\\\\'", "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = '\"inside doubles\"'",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = '\"$$$$\"'",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = 'a single \" doublequote inside'",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g, "SELECT * FROM TABLEओ7 WHERE FIELD = 'ɣ'", "SELECT * FROM TABLEओ7 WHERE FIELD = ?"),
        // PostgreSQL dollar quotes, empty, plain, holding quotes and backslashes, tagged, and a
        // tagged one holding another tag
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD = $$$$", "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = $$words and spaces$$",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        // an unclosed quote inside: other databases read a literal to the end, hidden as well
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = $$quotes '\" inside$$",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = $$\"''\"$$",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g, "SELECT * FROM TABLE WHERE FIELD = $$\\\\$$", "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = $tag$hello world$tag$",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        Arguments.of(
            g,
            "SELECT * FROM TABLE WHERE FIELD = $a$nested $b$value$b$ here$a$",
            "SELECT * FROM TABLE WHERE FIELD = ?"),
        // whitespace runs collapse (ours also keeps no trailing or leading space)
        Arguments.of(
            g,
            "SELECT    *    \t\r\nFROM  TABLE WHERE FIELD1 = 12344 AND FIELD2 = 5678",
            "SELECT * FROM TABLE WHERE FIELD1 = ? AND FIELD2 = ?"),
        // HQL/JPQL without SELECT
        Arguments.of(g, "from TABLE WHERE FIELD=1234", "from TABLE WHERE FIELD=?"),
        // SAP HANA: unquoted passwords after PASSWORD in user, connection, validation, database,
        // system, export/import and key recovery statements
        Arguments.of(
            g, "CREATE USER new_user PASSWORD Password1", "CREATE USER new_user PASSWORD ?"),
        Arguments.of(g, "ALTER USER user PASSWORD Password1", "ALTER USER user PASSWORD ?"),
        Arguments.of(g, "CONNECT user PASSWORD Password1", "CONNECT user PASSWORD ?"),
        Arguments.of(g, "VALIDATE USER user PASSWORD Password1", "VALIDATE USER user PASSWORD ?"),
        Arguments.of(g, "CHECK USER user PASSWORD \"Password1\"", "CHECK USER user PASSWORD ?"),
        Arguments.of(
            g,
            "CREATE DATABASE db SYSTEM USER PASSWORD Password1",
            "CREATE DATABASE db SYSTEM USER PASSWORD ?"),
        Arguments.of(
            g,
            "ALTER SYSTEM SET SECURE STORE BACKUP PASSWORD \"Password1\"",
            "ALTER SYSTEM SET SECURE STORE BACKUP PASSWORD ?"),
        Arguments.of(
            g,
            "EXPORT table AS BINARY ENCRYPTION PASSWORD Password1",
            "EXPORT table AS BINARY ENCRYPTION PASSWORD ?"),
        Arguments.of(
            g,
            "IMPORT MY_SCHEMA1.T1 FROM '/backup/export_dir' WITH ENCRYPTION PASSWORD Password1",
            "IMPORT MY_SCHEMA1.T1 FROM ? WITH ENCRYPTION PASSWORD ?"),
        Arguments.of(
            g,
            "RECOVER ENCRYPTION ROOT KEYS USING 'backup' PASSWORD Password1",
            "RECOVER ENCRYPTION ROOT KEYS USING ? PASSWORD ?"),
        // a user called "password": everything after the first credential keyword goes (the
        // official analyzer keeps the name and masks after the second)
        Arguments.of(g, "CREATE USER password PASSWORD Password1", "CREATE USER password ?"),
        // Oracle and MySQL: IDENTIFIED BY, unquoted, in CREATE/ALTER USER and GRANT
        Arguments.of(
            g,
            "CREATE USER new_user IDENTIFIED BY Password1",
            "CREATE USER new_user IDENTIFIED BY ?"),
        Arguments.of(
            g,
            "ALTER USER user IDENTIFIED BY Password1 REPLACE Password2",
            "ALTER USER user IDENTIFIED BY ?"),
        Arguments.of(
            g,
            "GRANT ALL PRIVILEGES ON database.* TO user IDENTIFIED BY Password1",
            "GRANT ALL PRIVILEGES ON database.* TO user IDENTIFIED BY ?"),
        Arguments.of(
            g,
            "SELECT 1; GRANT ALL PRIVILEGES ON database.* TO user IDENTIFIED BY Password1",
            "SELECT ?; GRANT ALL PRIVILEGES ON database.* TO user IDENTIFIED BY ?"),
        // MySQL account names 'user'@'host'
        Arguments.of(
            g,
            "GRANT ALL PRIVILEGES ON database.* TO 'user'@'host'",
            "GRANT ALL PRIVILEGES ON database.* TO ?@?"),
        Arguments.of(
            g,
            "REVOKE ALL PRIVILEGES ON database.* FROM 'user'@'host'",
            "REVOKE ALL PRIVILEGES ON database.* FROM ?@?"),
        // a table or column named password is not a credential clause
        Arguments.of(g, "REPLACE password VALUES (1)", "REPLACE password VALUES (?)"),
        Arguments.of(
            g,
            "CREATE TABLE users (password VARCHAR(255))",
            "CREATE TABLE users (password VARCHAR(?))"),
        Arguments.of(
            g,
            "create table users (password VARCHAR(255))",
            "create table users (password VARCHAR(?))"),
        Arguments.of(
            g,
            "ALTER TABLE users ADD COLUMN password VARCHAR(255)",
            "ALTER TABLE users ADD COLUMN password VARCHAR(?)"),
        Arguments.of(
            g,
            "alter table users ADD COLUMN password VARCHAR(255)",
            "alter table users ADD COLUMN password VARCHAR(?)"),
        Arguments.of(
            g,
            "ALTER TABLE user ADD COLUMN name VARCHAR(255)",
            "ALTER TABLE user ADD COLUMN name VARCHAR(?)"),
        Arguments.of(
            g,
            "ALTER TABLE users ADD COLUMN email VARCHAR(255), DROP COLUMN legacy_id,"
                + " MODIFY COLUMN status INT",
            "ALTER TABLE users ADD COLUMN email VARCHAR(?), DROP COLUMN legacy_id,"
                + " MODIFY COLUMN status INT"),
        // DML
        Arguments.of(
            g,
            "insert into metrics.users (id) values (1)",
            "insert into metrics.users (id) values (?)"),
        Arguments.of(g, "update table set answer=42", "update table set answer=?"),
        Arguments.of(g, "SELECT * FROM insert WHERE x = 1", "SELECT * FROM insert WHERE x = ?"),
        // PostgreSQL ONLY
        Arguments.of(
            g, "SELECT * FROM ONLY parent WHERE id = 1", "SELECT * FROM ONLY parent WHERE id = ?"),
        Arguments.of(
            g, "DELETE FROM ONLY parent WHERE id = 1", "DELETE FROM ONLY parent WHERE id = ?"),
        Arguments.of(g, "UPDATE ONLY parent SET x = 1", "UPDATE ONLY parent SET x = ?"),
        // MySQL REPLACE
        Arguments.of(
            g, "REPLACE INTO users VALUES (1, 'name')", "REPLACE INTO users VALUES (?, ?)"),
        Arguments.of(g, "REPLACE users SET name = 'foo'", "REPLACE users SET name = ?"),
        Arguments.of(
            g, "REPLACE INTO db.table (col) VALUES (1)", "REPLACE INTO db.table (col) VALUES (?)"),
        // IN lists collapse to one marker, whatever their length and spacing
        Arguments.of(g, "delete from foo where x IN (1,2,3)", "delete from foo where x IN (?)"),
        Arguments.of(
            g,
            "select col from table where col in (1, 2, 3)",
            "select col from table where col in (?)"),
        Arguments.of(
            g,
            "update `my table` set answer=42 where x IN('a', 'b') AND y In ('a',  'b')",
            "update `my table` set answer=? where x IN(?) AND y In (?)"),
        // a list holding a column is not a list of values: not collapsed
        Arguments.of(
            g,
            "select 'a' IN(x, 'b') from table where col in (1) and z IN( '3', '4' )",
            "select ? IN(x, ?) from table where col in (?) and z IN(?)"),
        Arguments.of(
            g,
            "SELECT * FROM sales PIVOT (SUM(amount) FOR quarter IN ('Q1', 'Q2', 'Q3'," + " 'Q4'))",
            "SELECT * FROM sales PIVOT (SUM(amount) FOR quarter IN (?))"),
        // VALUES lists, standalone, in FROM, in a CTE
        Arguments.of(g, "VALUES (1)", "VALUES (?)"),
        Arguments.of(g, "VALUES (1, 'a'), (2, 'b')", "VALUES (?, ?), (?, ?)"),
        Arguments.of(
            g,
            "SELECT * FROM (VALUES (1,2), (3,4)) AS t(a, b)",
            "SELECT * FROM (VALUES (?,?), (?,?)) AS t(a, b)"),
        Arguments.of(
            g,
            "WITH cte AS (VALUES (1, 'a'), (2, 'b')) SELECT * FROM cte",
            "WITH cte AS (VALUES (?, ?), (?, ?)) SELECT * FROM cte"),
        // SQL Server EXECUTE with named parameters
        Arguments.of(g, "EXECUTE db.my_procedure @param=1", "EXECUTE db.my_procedure @param=?"),
        // line comments before the statement: kept with their newline (official: a space)
        Arguments.of(
            g,
            "-- This query will DELETE old records\nSELECT * FROM users WHERE active = 1",
            "-- This query will DELETE old records\nSELECT * FROM users WHERE active = ?"),
        // "--" with no space: a comment except in MySQL, where it is two minus signs; the rest of
        // the line holds no quote, so both readings agree there is no literal in it
        Arguments.of(
            g,
            "--This query will DELETE old records\nSELECT * FROM users WHERE active = 1",
            "--This query will DELETE old records\nSELECT * FROM users WHERE active = ?"),
        // literals in function arguments, CASE, LIMIT/OFFSET/FETCH, TOP, DECIMAL(p, s), sampling
        Arguments.of(g, "SELECT * FROM dbo.fn_split(?, ',')", "SELECT * FROM dbo.fn_split(?, ?)"),
        Arguments.of(
            g,
            "SELECT * FROM GENERATE_SERIES(1, 10) AS gs",
            "SELECT * FROM GENERATE_SERIES(?, ?) AS gs"),
        Arguments.of(
            g,
            "SELECT COALESCE((SELECT name FROM t1 WHERE id = ?), 'default') FROM dual",
            "SELECT COALESCE((SELECT name FROM t1 WHERE id = ?), ?) FROM dual"),
        Arguments.of(
            g,
            "SELECT CAST(price AS DECIMAL(10,2)) FROM products",
            "SELECT CAST(price AS DECIMAL(?,?)) FROM products"),
        Arguments.of(
            g,
            "SELECT CASE WHEN status = ? THEN 'Active' ELSE 'Inactive' END FROM users",
            "SELECT CASE WHEN status = ? THEN ? ELSE ? END FROM users"),
        Arguments.of(
            g,
            "SELECT * FROM users ORDER BY created_at OFFSET 10 ROWS FETCH FIRST 20 ROWS ONLY",
            "SELECT * FROM users ORDER BY created_at OFFSET ? ROWS FETCH FIRST ? ROWS ONLY"),
        Arguments.of(
            g, "SELECT * FROM users LIMIT 10 OFFSET 5", "SELECT * FROM users LIMIT ? OFFSET ?"),
        Arguments.of(g, "SELECT TOP 10 PERCENT * FROM users", "SELECT TOP ? PERCENT * FROM users"),
        Arguments.of(
            g,
            "SELECT * FROM large_table TABLESAMPLE BERNOULLI (1) REPEATABLE (42)",
            "SELECT * FROM large_table TABLESAMPLE BERNOULLI (?) REPEATABLE (?)"),
        // Oracle MODEL clause: string subscripts in brackets. With no dialect the brackets might
        // be SQL Server identifiers; their quotes close inside, so both readings agree
        Arguments.of(
            g,
            "SELECT * FROM t MODEL DIMENSION BY (p) MEASURES (amount) RULES"
                + " (amount['Total'] = amount['A'] + amount['B'])",
            "SELECT * FROM t MODEL DIMENSION BY (p) MEASURES (amount) RULES"
                + " (amount[?] = amount[?] + amount[?])"));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void masksWhatTheOfficialAnalyzerMasks(Dialect dialect, String input, String expected) {
    SqlDialect theirs =
        dialect.doubleQuotedIdentifiers()
            ? SqlDialect.DOUBLE_QUOTES_ARE_IDENTIFIERS
            : SqlDialect.DOUBLE_QUOTES_ARE_STRING_LITERALS;
    assertThat(OFFICIAL.analyze(input, theirs).getQueryText())
        .as("the official analyzer masks this vector")
        .isNotEqualTo(input);
    assertThat(SqlSanitizer.sanitize(input, dialect)).isEqualTo(expected);
  }

  /** Official: veryLongSelectStatementsAreOk. Cut at 32 KiB, every number replaced before. */
  @Test
  void veryLongSelect() {
    StringBuilder sb = new StringBuilder("SELECT * FROM table WHERE");
    for (int i = 0; i < 2000; i++) {
      sb.append(" column").append(i).append("=123 and");
    }
    String sanitized = SqlSanitizer.sanitize(sb.toString());
    assertThat(sanitized)
        .startsWith("SELECT * FROM table WHERE column0=? and column1=? and")
        .endsWith("...")
        .doesNotContain("=123");
    assertThat(sanitized.length()).isLessThanOrEqualTo(SqlSanitizer.MAX_LENGTH + 3);
  }

  /** Official: test32kTruncation. */
  @Test
  void truncationAt32KiBKeepsNoLiteral() {
    String sql = "SELECT * FROM TABLE WHERE FIELD = 1234 AND ".repeat(10_000);
    assertThat(SqlSanitizer.sanitize(sql)).doesNotContain("1234").endsWith("...");
  }

  /** Official: veryLongNumbersAreOk. */
  @Test
  void veryLongNumber() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      sb.append(i);
    }
    assertThat(SqlSanitizer.sanitize(sb.toString())).isEqualTo("?...");
  }

  /** Official: longInStatementDoesntCauseStackOverflow. */
  @Test
  void longInListOfMarkers() {
    String sql = "select col from table where col in (" + "?,".repeat(10_000) + "?)";
    assertThat(SqlSanitizer.sanitize(sql)).isEqualTo("select col from table where col in (?)");
  }

  /** Official: lotsOfTicksDontCauseStackOverflowOrLongRuntimes and randomBytes..., seeded. */
  @Test
  void quotesAndRandomCharactersNeverThrow() {
    StringBuilder ticks = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      ticks.append('\'');
      assertThat(SqlSanitizer.sanitize(ticks.toString(), Dialect.GENERIC)).isNotNull();
    }
    Random random = new Random(0);
    for (int i = 0; i < 1000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < 1000; c++) {
        sb.append((char) random.nextInt(Character.MAX_VALUE));
      }
      for (Dialect dialect : Dialect.values()) {
        assertThat(SqlSanitizer.sanitize(sb.toString(), dialect)).isNotNull();
      }
    }
  }
}
