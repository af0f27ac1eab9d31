package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.jdbc.SqlSanitizer.Dialect;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sanitizer's rules, one case per line; {@link #cases()} is shared with the comparison. */
class SqlSanitizerTest {

  /** (input, expected with {@link Dialect#GENERIC}). */
  static Stream<Arguments> cases() {
    return Stream.of(
        // plain literals
        Arguments.of("SELECT * FROM users WHERE id = 42", "SELECT * FROM users WHERE id = ?"),
        Arguments.of(
            "SELECT * FROM users WHERE name = 'bob'", "SELECT * FROM users WHERE name = ?"),
        // '' escapes a quote inside a string: the string does not end there
        Arguments.of("SELECT 'it''s' FROM t", "SELECT ? FROM t"),
        // decimals, exponents, hex, negative numbers where the sign starts an operand
        Arguments.of(
            "SELECT 1.5, 2e10, 3.1E-7, .5, 0x1F, 0b101 FROM t", "SELECT ?, ?, ?, ?, ?, ? FROM t"),
        Arguments.of(
            "UPDATE t SET a = -5, b = +3 WHERE c > -0.5", "UPDATE t SET a = ?, b = ? WHERE c > ?"),
        // a minus between two operands is an operator, not a sign
        Arguments.of("SELECT a-1, b - 2 FROM t", "SELECT a-?, b - ? FROM t"),
        // digits inside identifiers are not literals
        Arguments.of("SELECT col1 FROM table2", "SELECT col1 FROM table2"),
        // booleans are literals too
        Arguments.of(
            "SELECT * FROM t WHERE active = TRUE OR deleted = false",
            "SELECT * FROM t WHERE active = ? OR deleted = ?"),
        // NULL is not a value worth hiding, and IS NULL must stay readable
        Arguments.of("SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a IS NULL"),
        // double-quoted text is a literal by default (MySQL without ANSI_QUOTES)
        Arguments.of("SELECT * FROM t WHERE name = \"bob\"", "SELECT * FROM t WHERE name = ?"),
        // backticks quote identifiers (MySQL, MariaDB): kept
        Arguments.of("SELECT `name` FROM `users`", "SELECT `name` FROM `users`"),
        // SQL Server brackets quote identifiers: kept; a number in brackets is still a literal
        Arguments.of(
            "SELECT [name] FROM [dbo].[users] WHERE arr[1] = 2",
            "SELECT [name] FROM [dbo].[users] WHERE arr[?] = ?"),
        // parameter markers stay: JDBC ?, named :name, Oracle :1; with no dialect $1 goes, since
        // SQL Server reads it as a money literal (PostgreSQL keeps it, see dialectCases)
        Arguments.of(
            "SELECT * FROM t WHERE a = ? AND b = $1 AND c = :name AND d = :1",
            "SELECT * FROM t WHERE a = ? AND b = ? AND c = :name AND d = :1"),
        // PostgreSQL casts are not named parameters: the type name stays, the literal goes
        Arguments.of("SELECT '42'::int, x::text FROM t", "SELECT ?::int, x::text FROM t"),
        // IN lists of any length collapse to one marker (literals and ? alike)
        Arguments.of("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (?)"),
        Arguments.of(
            "SELECT * FROM t WHERE id in(?,?,?) AND x NOT IN ('a', 'b')",
            "SELECT * FROM t WHERE id in(?) AND x NOT IN (?)"),
        // an IN subquery is not a list of values
        Arguments.of(
            "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE v = 1)",
            "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE v = ?)"),
        // a dollar quote whose body opens a quote that only PostgreSQL reads as part of it: other
        // databases read a literal from there to the end (see dialectCases for PostgreSQL)
        Arguments.of("SELECT $$it's $5$$ FROM t", "SELECT ?"),
        // a tagged dollar quote whose body's literals close inside it: all readings agree
        Arguments.of(
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 'x'; $1 $body$ LANGUAGE sql",
            "CREATE FUNCTION f() RETURNS int AS ? LANGUAGE sql"),
        // E'..' with a backslash before a quote: PostgreSQL and MySQL read one literal, standard
        // SQL a literal ending there and another from the last quote to the end: the union is
        // everything from the first quote
        Arguments.of("SELECT E'it\\'s secret' FROM t", "SELECT ?"),
        // prefixed literals: national, hex, bit, Unicode escape strings
        Arguments.of(
            "SELECT N'name', X'0A0B', B'0101', U&'d\\0061t' FROM t", "SELECT ?, ?, ?, ? FROM t"),
        // Oracle alternative quoting holding a quote: other databases read a literal from there
        // to the end (see dialectCases for Oracle)
        Arguments.of("SELECT q'[it's secret]' FROM dual", "SELECT ?"),
        // JDBC escape syntax for dates and calls
        Arguments.of(
            "SELECT * FROM t WHERE d > {d '2024-01-31'}", "SELECT * FROM t WHERE d > {d ?}"),
        Arguments.of("{? = call get_user(?, 'x')}", "{? = call get_user(?, ?)}"),
        // comments keep their shape; literals inside them are replaced
        Arguments.of(
            "SELECT /* user 'bob' id 7 */ a FROM t -- 'secret' 42\nWHERE b = 1",
            "SELECT /* user ? id ? */ a FROM t -- ? ?\nWHERE b = ?"),
        // sqlcommenter-style comment: values are quoted, so they go
        Arguments.of(
            "SELECT 1 /*traceparent='00-abc-01',route='%2Fusers'*/",
            "SELECT ? /*traceparent=?,route=?*/"),
        // an apostrophe in a comment must not open a literal that swallows real SQL
        Arguments.of(
            "/* don't */ SELECT * FROM t WHERE a = 'secret'",
            "/* don?*/ SELECT * FROM t WHERE a = ?"),
        // optimizer hints are comments: table names stay, numbers go
        Arguments.of(
            "SELECT /*+ INDEX(t idx1) PARALLEL(4) */ * FROM t",
            "SELECT /*+ INDEX(t idx1) PARALLEL(?) */ * FROM t"),
        // whitespace runs collapse, ends are trimmed
        Arguments.of("  SELECT\n\t a\r\n FROM   t  ", "SELECT a FROM t"),
        // credentials: everything after IDENTIFIED BY goes, quoted or not (Oracle, MySQL)
        Arguments.of(
            "CREATE USER scott IDENTIFIED BY tiger ACCOUNT UNLOCK",
            "CREATE USER scott IDENTIFIED BY ?"),
        Arguments.of(
            "ALTER USER 'app'@'%' IDENTIFIED WITH caching_sha2_password BY 'pw'",
            "ALTER USER ?@? IDENTIFIED WITH caching_sha2_password BY ?"),
        // MariaDB authentication plugins: IDENTIFIED VIA ... USING
        Arguments.of(
            "CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('pw')",
            "CREATE USER u IDENTIFIED VIA ed25519 USING ?"),
        // MySQL 5 GRANT with a password
        Arguments.of(
            "GRANT ALL ON db.* TO u IDENTIFIED BY 'pw'", "GRANT ALL ON db.* TO u IDENTIFIED BY ?"),
        // PostgreSQL and H2 PASSWORD clauses, quoted or not
        Arguments.of(
            "ALTER ROLE app WITH LOGIN PASSWORD 'pw' VALID UNTIL 'infinity'",
            "ALTER ROLE app WITH LOGIN PASSWORD ?"),
        Arguments.of(
            "CREATE USER IF NOT EXISTS app PASSWORD secret ADMIN",
            "CREATE USER IF NOT EXISTS app PASSWORD ?"),
        // SQL Server logins; MySQL SET PASSWORD
        Arguments.of(
            "CREATE LOGIN app WITH PASSWORD = 'pw', CHECK_POLICY = OFF",
            "CREATE LOGIN app WITH PASSWORD ?"),
        Arguments.of("SET PASSWORD FOR 'app'@'%' = PASSWORD('pw')", "SET PASSWORD ?"),
        // CONNECT with an unquoted password (DB2 / embedded SQL)
        Arguments.of(
            "CONNECT TO sample USER app USING s3cret", "CONNECT TO sample USER app USING ?"),
        // a column named password is not a credential clause
        Arguments.of(
            "SELECT password FROM users WHERE login = 'x'",
            "SELECT password FROM users WHERE login = ?"),
        Arguments.of(
            "CREATE TABLE users (login VARCHAR(20), password VARCHAR(60))",
            "CREATE TABLE users (login VARCHAR(?), password VARCHAR(?))"),
        Arguments.of(
            "UPDATE users SET password = 'x' WHERE id = 1",
            "UPDATE users SET password = ? WHERE id = ?"),
        // unterminated literals run to the end and are replaced whole
        Arguments.of(
            "SELECT * FROM t WHERE a = 'unterminated secret", "SELECT * FROM t WHERE a = ?"),
        Arguments.of("SELECT $$never closed", "SELECT ?"),
        Arguments.of("SELECT 1 /* never closed 'x'", "SELECT ? /* never closed ?"),
        // multi-row inserts: every value goes
        Arguments.of(
            "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')",
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"),
        // identifiers with $ and unicode letters stay
        Arguments.of(
            "SELECT * FROM v$session WHERE prénom = 'é'",
            "SELECT * FROM v$session WHERE prénom = ?"),
        Arguments.of("", ""));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void sanitizes(String sql, String expected) {
    assertThat(SqlSanitizer.sanitize(sql)).isEqualTo(expected);
  }

  /** (dialect, input, expected). */
  static Stream<Arguments> dialectCases() {
    return Stream.of(
        // ANSI / PostgreSQL: double quotes quote identifiers, kept
        Arguments.of(
            Dialect.ANSI,
            "SELECT \"Name\" FROM \"Users\" WHERE a = 'x'",
            "SELECT \"Name\" FROM \"Users\" WHERE a = ?"),
        Arguments.of(Dialect.POSTGRESQL, "SELECT \"a\"\"b\" FROM t", "SELECT \"a\"\"b\" FROM t"),
        // an unterminated double quote hides the rest even where it quotes identifiers
        Arguments.of(Dialect.ANSI, "SELECT \"abc", "SELECT ?"),
        // PostgreSQL block comments nest: the inner */ does not end the comment
        Arguments.of(
            Dialect.POSTGRESQL, "SELECT /* a /* b */ 'x' */ 1", "SELECT /* a /* b */ ? */ ?"),
        // MySQL: a backslash escapes the quote, the literal goes on to the real end
        Arguments.of(
            Dialect.MYSQL,
            "SELECT * FROM t WHERE a = 'it\\'s a secret' AND b = 1",
            "SELECT * FROM t WHERE a = ? AND b = ?"),
        Arguments.of(Dialect.MYSQL, "SELECT \"x\\\"y\" FROM t", "SELECT ? FROM t"),
        // MySQL: # starts a comment
        Arguments.of(
            Dialect.MYSQL,
            "SELECT a FROM t # note 'x'\nWHERE b = 2",
            "SELECT a FROM t # note ?\nWHERE b = ?"),
        // without backslash escapes (standard SQL) 'C:\' is a whole literal
        Arguments.of(Dialect.ANSI, "SELECT 'C:\\' , 'x' FROM t", "SELECT ? , ? FROM t"),
        // with no dialect MySQL's reading counts too: a literal up to the last quote, then one
        // that never closes
        Arguments.of(Dialect.GENERIC, "SELECT 'C:\\' , 'x' FROM t", "SELECT ?"),
        // PostgreSQL keeps its $1 markers, reads dollar quotes holding quotes and E'..' escapes
        Arguments.of(
            Dialect.POSTGRESQL,
            "SELECT * FROM t WHERE a = $1 AND b = $23",
            "SELECT * FROM t WHERE a = $1 AND b = $23"),
        Arguments.of(Dialect.POSTGRESQL, "SELECT $$it's $5$$ FROM t", "SELECT ? FROM t"),
        Arguments.of(Dialect.POSTGRESQL, "SELECT E'it\\'s secret' FROM t", "SELECT ? FROM t"),
        // Oracle alternative quoting: the quote inside does not end the literal
        Arguments.of(Dialect.ORACLE, "SELECT q'[it's secret]' FROM dual", "SELECT ? FROM dual"));
  }

  @ParameterizedTest
  @MethodSource("dialectCases")
  void followsTheDialect(Dialect dialect, String sql, String expected) {
    assertThat(SqlSanitizer.sanitize(sql, dialect)).isEqualTo(expected);
  }

  /** (dialect, input, operation, collection, procedure). */
  static Stream<Arguments> structureCases() {
    return Stream.of(
        Arguments.of(Dialect.GENERIC, "SELECT * FROM users WHERE id = 1", "SELECT", "users", null),
        // the operation keeps the application's case (semconv: no normalization)
        Arguments.of(Dialect.GENERIC, "select a from Orders o", "select", "Orders", null),
        // schema-qualified and quoted names are kept as written
        Arguments.of(
            Dialect.ANSI, "SELECT * FROM public.\"Users\"", "SELECT", "public.\"Users\"", null),
        Arguments.of(
            Dialect.MYSQL, "SELECT * FROM `shop`.`orders`", "SELECT", "`shop`.`orders`", null),
        // the first table of a join or list
        Arguments.of(Dialect.GENERIC, "SELECT * FROM a JOIN b ON a.id = b.id", "SELECT", "a", null),
        Arguments.of(Dialect.GENERIC, "SELECT * FROM a, b", "SELECT", "a", null),
        // FROM inside a function call is not the statement's FROM
        Arguments.of(
            Dialect.GENERIC,
            "SELECT EXTRACT(YEAR FROM d), count(*) FROM events",
            "SELECT",
            "events",
            null),
        // a subquery in FROM is an anonymous table: no collection (semconv example)
        Arguments.of(Dialect.GENERIC, "SELECT * FROM (SELECT * FROM t) x", "SELECT", null, null),
        // a table function is not a collection
        Arguments.of(
            Dialect.POSTGRESQL, "SELECT * FROM generate_series(1, 3)", "SELECT", null, null),
        // no FROM at all
        Arguments.of(Dialect.GENERIC, "SELECT 1", "SELECT", null, null),
        Arguments.of(
            Dialect.GENERIC, "INSERT INTO orders (id) VALUES (1)", "INSERT", "orders", null),
        Arguments.of(
            Dialect.MYSQL, "INSERT IGNORE INTO orders VALUES (1)", "INSERT", "orders", null),
        Arguments.of(Dialect.MYSQL, "REPLACE INTO orders VALUES (1)", "REPLACE", "orders", null),
        Arguments.of(Dialect.GENERIC, "UPDATE orders SET a = 1", "UPDATE", "orders", null),
        Arguments.of(Dialect.GENERIC, "DELETE FROM orders WHERE a = 1", "DELETE", "orders", null),
        Arguments.of(
            Dialect.GENERIC, "MERGE INTO orders USING src ON 1 = 1", "MERGE", "orders", null),
        // CTE names are not collections; the main statement's own table is
        Arguments.of(
            Dialect.GENERIC,
            "WITH recent AS (SELECT * FROM orders) SELECT * FROM recent",
            "SELECT",
            null,
            null),
        Arguments.of(
            Dialect.GENERIC,
            "WITH r AS (SELECT 1), s AS (SELECT 2) INSERT INTO audit SELECT * FROM r",
            "INSERT",
            "audit",
            null),
        // parenthesized union: the first SELECT's table
        Arguments.of(
            Dialect.GENERIC, "(SELECT a FROM t) UNION (SELECT b FROM u)", "SELECT", "t", null),
        // DDL names the kind of object in the operation, and the table as collection
        Arguments.of(
            Dialect.GENERIC,
            "CREATE TABLE IF NOT EXISTS orders (id INT)",
            "CREATE TABLE",
            "orders",
            null),
        Arguments.of(
            Dialect.GENERIC, "create temporary table tmp (id int)", "create table", "tmp", null),
        Arguments.of(Dialect.GENERIC, "DROP TABLE IF EXISTS orders", "DROP TABLE", "orders", null),
        Arguments.of(
            Dialect.GENERIC, "CREATE INDEX idx ON orders (id)", "CREATE INDEX", null, null),
        Arguments.of(Dialect.GENERIC, "TRUNCATE TABLE orders", "TRUNCATE TABLE", "orders", null),
        Arguments.of(Dialect.GENERIC, "CREATE USER bob PASSWORD 'x'", "CREATE USER", null, null),
        // calls name the procedure
        Arguments.of(
            Dialect.GENERIC, "{call shop.place_order(?, ?)}", "call", null, "shop.place_order"),
        Arguments.of(Dialect.GENERIC, "EXEC sp_who", "EXEC", null, "sp_who"),
        // leading comments are skipped
        Arguments.of(Dialect.GENERIC, "/* app */ -- x\n SELECT * FROM t", "SELECT", "t", null),
        // several statements in one text: no single operation (semconv)
        Arguments.of(Dialect.GENERIC, "SELECT * FROM a; DELETE FROM b", null, null, null),
        // a trailing semicolon is still one statement
        Arguments.of(Dialect.GENERIC, "SELECT * FROM a;", "SELECT", "a", null),
        // unknown first words leave the operation unknown
        Arguments.of(Dialect.GENERIC, "PRAGMA foreign_keys = ON", null, null, null),
        Arguments.of(Dialect.GENERIC, "COMMIT", "COMMIT", null, null));
  }

  @ParameterizedTest
  @MethodSource("structureCases")
  void extractsOperationAndCollection(
      Dialect dialect, String sql, String operation, String collection, String procedure) {
    AnalyzedSql analyzed = SqlSanitizer.analyze(sql, dialect);
    assertThat(analyzed.operation).as("operation").isEqualTo(operation);
    assertThat(analyzed.collection).as("collection").isEqualTo(collection);
    assertThat(analyzed.procedure).as("procedure").isEqualTo(procedure);
  }

  @Test
  void nullGivesNull() {
    assertThat(SqlSanitizer.sanitize(null)).isNull();
    assertThat(SqlSanitizer.sanitize(null, null)).isNull();
    assertThat(SqlSanitizer.sanitize("SELECT 1", null)).isEqualTo("SELECT ?");
  }

  @Test
  void longStatementsAreCutSanitizedAndNotCached() {
    StringBuilder sql = new StringBuilder("SELECT * FROM t WHERE a IN (");
    for (int i = 0; sql.length() < 1_000_000; i++) {
      sql.append(i).append(", 'value").append(i).append("', ");
    }
    sql.append("0)");
    String input = sql.toString();

    AnalyzedSql analyzed = SqlSanitizer.analyze(input, Dialect.GENERIC);

    assertThat(analyzed.truncated).isTrue();
    assertThat(analyzed.text).endsWith("...").doesNotContain("value").doesNotContainPattern("\\d");
    assertThat(analyzed.text.length()).isLessThanOrEqualTo(SqlSanitizer.MAX_LENGTH + 3);
    assertThat(analyzed.operation).isEqualTo("SELECT");
    assertThat(analyzed.collection).isEqualTo("t");
    assertThat(SqlSanitizer.analyze(input, Dialect.GENERIC)).isNotSameAs(analyzed);
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    StringBuilder sql = new StringBuilder("SELECT ");
    while (sql.length() < SqlSanitizer.MAX_LENGTH - 1) {
      sql.append('a');
    }
    sql.append(emoji).append(" FROM t");

    String sanitized = SqlSanitizer.sanitize(sql.toString());

    assertThat(sanitized).endsWith("a...");
  }

  @Test
  void repeatedStatementsComeFromTheCache() {
    String sql = "SELECT * FROM cached_table WHERE id = " + System.nanoTime();
    AnalyzedSql first = SqlSanitizer.analyze(sql, Dialect.ANSI);
    assertThat(SqlSanitizer.analyze(sql, Dialect.ANSI)).isSameAs(first);
    // one cache per dialect: the same text in another dialect is analyzed by its own rules
    assertThat(SqlSanitizer.analyze(sql, Dialect.MYSQL)).isNotSameAs(first);
  }

  @Test
  void cacheStaysBounded() {
    for (int i = 0; i < SqlSanitizer.CACHE_GENERATION_SIZE * 5; i++) {
      SqlSanitizer.analyze("SELECT * FROM bounded_" + i, Dialect.POSTGRESQL);
    }
    assertThat(SqlSanitizer.cachedEntries(Dialect.POSTGRESQL))
        .isLessThanOrEqualTo(2 * SqlSanitizer.CACHE_GENERATION_SIZE);
    // recently used entries survive a generation change
    String hot = "SELECT * FROM bounded_" + (SqlSanitizer.CACHE_GENERATION_SIZE * 5 - 1);
    AnalyzedSql before = SqlSanitizer.analyze(hot, Dialect.POSTGRESQL);
    assertThat(SqlSanitizer.analyze(hot, Dialect.POSTGRESQL)).isSameAs(before);
  }

  @Test
  void messagesHideEverythingBetweenTheirOuterQuotes() {
    // MariaDB quotes the rest of the statement without escaping its quotes
    String mariadb =
        "(conn=10) You have an error in your SQL syntax; check the manual that "
            + "corresponds to your MariaDB server version for the right syntax to use near "
            + "'WHERE secret = 'hunter2'' at line 1";
    assertThat(SqlSanitizer.sanitizeMessage(mariadb, Dialect.MYSQL))
        .isEqualTo(
            "(conn=?) You have an error in your SQL syntax; check the manual that "
                + "corresponds to your MariaDB server version for the right syntax to use near ? "
                + "at line ?");
    // H2 appends the statement on a line of its own
    String h2 =
        "Table \"OTK_MISSING\" not found; SQL statement:\n"
            + "SELECT * FROM otk_missing WHERE secret = 'hunter2' AND n = 7 [42104-232]";
    assertThat(SqlSanitizer.sanitizeMessage(h2, Dialect.ANSI))
        .isEqualTo(
            "Table ? not found; SQL statement: SELECT * FROM otk_missing WHERE secret = ? "
                + "AND n = ? [?-?]");
    // a lone quote hides the rest
    assertThat(SqlSanitizer.sanitizeMessage("value 'hunter2 is bad", Dialect.GENERIC))
        .isEqualTo("value ?");
  }

  @Test
  void messagesTreatDoubleQuotesAsLiterals() {
    // PostgreSQL quotes the bad value with double quotes in some messages
    String message = "ERROR: invalid input syntax for type integer: \"4111-1111\"";
    assertThat(SqlSanitizer.sanitizeMessage(message, Dialect.POSTGRESQL))
        .isEqualTo("ERROR: invalid input syntax for type integer: ?");
  }
}
