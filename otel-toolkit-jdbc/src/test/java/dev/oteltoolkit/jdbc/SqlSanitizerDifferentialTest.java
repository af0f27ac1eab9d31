package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.jdbc.SqlSanitizer.Dialect;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlDialect;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlQueryAnalyzer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing against the official OpenTelemetry SQL analyzer
 * (opentelemetry-instrumentation-api-incubator 2.31.1-alpha, {@code SqlQueryAnalyzer}, the one
 * opentelemetry-jdbc uses): generated statements, each in the syntax of one dialect and carrying
 * unique secrets where that dialect reads a literal (or a credential), go through our sanitizer
 * with their dialect, through our sanitizer with none ({@code sanitize(String)}, which must mask
 * the union of all readings) and through the official analyzer ({@code analyze}, as
 * opentelemetry-jdbc runs it under the old conventions; with {@code
 * -Doteltoolkit.sql.fuzz.summary=true}, set by the {@code sql-fuzz} profile, also {@code
 * analyzeWithSummary}, its path under the stable ones). A statement leaks when one of its secrets
 * is in the output. A table of leaks by shape is printed.
 *
 * <p>Ours must leak nothing, except in the shape "comment words": bare words inside comments are
 * kept by design (see the module README), and counted there for the record.
 *
 * <p>Reproducible: the seed is printed; {@code -Doteltoolkit.sql.fuzz.seed=N} replays a run and
 * {@code -Doteltoolkit.sql.fuzz.statements=N} changes its size (the {@code sql-fuzz} Maven profile
 * runs two million).
 */
class SqlSanitizerDifferentialTest {

  private static final long SEED = Long.getLong("oteltoolkit.sql.fuzz.seed", 0x5EED_0023L);
  private static final int STATEMENTS =
      Integer.getInteger("oteltoolkit.sql.fuzz.statements", 100_000);

  /** Also through the analyzer that builds the query summary (identical leaks so far). */
  private static final boolean WITH_SUMMARY = Boolean.getBoolean("oteltoolkit.sql.fuzz.summary");

  private static final String KEPT_BY_DESIGN = "comment words";

  private final Random random = new Random(SEED);
  private final List<String> secrets = new ArrayList<>();
  private long secretCounter;
  private Dialect dialect;

  /** A family of inputs: the dialects whose syntax it is written in, and its generator. */
  private interface Shape {
    String generate();
  }

  private final Map<String, ShapeSpec> shapes = new LinkedHashMap<>();

  private record ShapeSpec(Dialect[] dialects, Shape shape) {}

  private static final class Tally {
    long statements;
    long ours;
    long oursNoDialect;
    long official;
    long officialSummary;
    String oursExample;
    String officialExample;
  }

  SqlSanitizerDifferentialTest() {
    Dialect[] all = Dialect.values();
    shape("plain literals", all, this::plainLiterals);
    shape(
        "backslash escapes (MySQL, E'..')",
        dialects(Dialect.MYSQL, Dialect.POSTGRESQL),
        this::backslashEscapes);
    shape(
        "double-quoted literals (MySQL)",
        dialects(Dialect.MYSQL, Dialect.GENERIC),
        this::doubleQuotedLiterals);
    shape("charset introducers (MySQL)", dialects(Dialect.MYSQL), this::charsetIntroducers);
    shape("dollar quotes", dialects(Dialect.POSTGRESQL, Dialect.ANSI), this::dollarQuotes);
    shape("quoted identifiers holding quotes", all, this::quotedIdentifiers);
    shape("SQL Server money", dialects(Dialect.SQLSERVER), this::money);
    shape("Oracle q-quotes", dialects(Dialect.ORACLE), this::alternativeQuotes);
    shape("literals in comments", all, this::literalsInComments);
    shape(
        "comment holding \\''",
        dialects(Dialect.POSTGRESQL, Dialect.ANSI, Dialect.SQLSERVER, Dialect.ORACLE),
        this::commentWithBackslashQuote);
    shape("nested comments", dialects(Dialect.POSTGRESQL, Dialect.SQLSERVER), this::nestedComments);
    shape("MySQL -- and #", dialects(Dialect.MYSQL), this::mysqlComments);
    shape("password clauses", all, this::passwordClauses);
    shape("unterminated", all, this::unterminated);
    shape("several statements", all, this::severalStatements);
    shape("unicode", all, this::unicode);
    shape("JDBC escapes", all, this::jdbcEscapes);
    shape(KEPT_BY_DESIGN, all, this::commentWords);
  }

  @Test
  void noSecretLeavesOursWhereverTheOfficialAnalyzerHidesIt() {
    System.out.printf(
        Locale.ROOT,
        "[sql-fuzz] seed %d (-Doteltoolkit.sql.fuzz.seed=%d), %d" + " statements%n",
        SEED,
        SEED,
        STATEMENTS);
    SqlQueryAnalyzer official = SqlQueryAnalyzer.create(true);
    Map<String, Tally> tallies = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(shapes.keySet());
    for (String name : names) {
      tallies.put(name, new Tally());
    }
    for (int n = 0; n < STATEMENTS; n++) {
      String name = names.get(random.nextInt(names.size()));
      ShapeSpec spec = shapes.get(name);
      dialect = spec.dialects[random.nextInt(spec.dialects.length)];
      secrets.clear();
      String sql = spec.shape.generate();
      SqlDialect theirs =
          dialect.doubleQuotedIdentifiers()
              ? SqlDialect.DOUBLE_QUOTES_ARE_IDENTIFIERS
              : SqlDialect.DOUBLE_QUOTES_ARE_STRING_LITERALS;
      String ours = SqlSanitizer.sanitize(sql, dialect);
      String oursNoDialect = SqlSanitizer.sanitize(sql);
      String official1 = official.analyze(sql, theirs).getQueryText();
      String official2 =
          WITH_SUMMARY ? official.analyzeWithSummary(sql, theirs).getQueryText() : null;
      Tally tally = tallies.get(name);
      tally.statements++;
      if (leaks(ours)) {
        tally.ours++;
        if (tally.oursExample == null) {
          tally.oursExample = example(n, sql, ours);
        }
      }
      if (leaks(oursNoDialect)) {
        tally.oursNoDialect++;
        if (tally.oursExample == null) {
          tally.oursExample = example(n, sql, oursNoDialect) + " (no dialect)";
        }
      }
      if (leaks(official1)) {
        tally.official++;
        if (tally.officialExample == null) {
          tally.officialExample = example(n, sql, official1);
        }
      }
      if (WITH_SUMMARY && leaks(official2)) {
        tally.officialSummary++;
      }
    }

    System.out.print(table(tallies));
    Map<String, String> oursLeaking = new LinkedHashMap<>();
    tallies.forEach(
        (name, tally) -> {
          if (!name.equals(KEPT_BY_DESIGN) && (tally.ours > 0 || tally.oursNoDialect > 0)) {
            oursLeaking.put(name, tally.oursExample);
          }
        });
    assertThat(oursLeaking).as("shapes where our sanitizer leaks (seed %d)", SEED).isEmpty();
    assertThat(tallies.values()).allSatisfy(t -> assertThat(t.statements).isPositive());
  }

  private boolean leaks(String output) {
    if (output == null) {
      return false;
    }
    for (String secret : secrets) {
      if (output.contains(secret)) {
        return true;
      }
    }
    return false;
  }

  private String example(int n, String sql, String output) {
    return "#"
        + n
        + " "
        + dialect
        + "\n      in:  "
        + sql.replace("\n", "\\n")
        + "\n      out: "
        + output.replace("\n", "\\n");
  }

  private static String table(Map<String, Tally> tallies) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-36s %9s %9s %11s %9s %9s%n",
                "shape",
                "stmts",
                "ours",
                "ours(none)",
                "official",
                WITH_SUMMARY ? "off+summ" : ""));
    long[] total = new long[5];
    tallies.forEach(
        (name, t) -> {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "%-36s %9d %9d %11d %9d %9s%n",
                  name,
                  t.statements,
                  t.ours,
                  t.oursNoDialect,
                  t.official,
                  WITH_SUMMARY ? t.officialSummary : ""));
          total[0] += t.statements;
          total[1] += t.ours;
          total[2] += t.oursNoDialect;
          total[3] += t.official;
          total[4] += t.officialSummary;
        });
    sb.append(
        String.format(
            Locale.ROOT,
            "%-36s %9d %9d %11d %9d %9s%n",
            "total",
            total[0],
            total[1],
            total[2],
            total[3],
            WITH_SUMMARY ? total[4] : ""));
    tallies.forEach(
        (name, t) -> {
          if (t.oursExample != null) {
            sb.append("  ours leaks, ")
                .append(name)
                .append(": ")
                .append(t.oursExample)
                .append('\n');
          }
          if (t.officialExample != null) {
            sb.append("  official leaks, ")
                .append(name)
                .append(": ")
                .append(t.officialExample)
                .append('\n');
          }
        });
    return sb.toString();
  }

  private void shape(String name, Dialect[] dialects, Shape shape) {
    shapes.put(name, new ShapeSpec(dialects, shape));
  }

  private static Dialect[] dialects(Dialect... dialects) {
    return dialects;
  }

  // ---------------------------------------------------------------- shapes

  private String plainLiterals() {
    switch (random.nextInt(5)) {
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
            + string();
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
            + lit()
            + " "
            + kw("OR")
            + " b <> "
            + lit();
      default:
        return kw("SELECT")
            + " CASE "
            + kw("WHEN")
            + " a >"
            + lit()
            + " "
            + kw("THEN")
            + " "
            + lit()
            + " "
            + kw("ELSE")
            + " "
            + lit()
            + " END, f("
            + lit()
            + ")"
            + ws()
            + kw("FROM")
            + " t "
            + kw("WHERE")
            + " x = -"
            + digits();
    }
  }

  private String backslashEscapes() {
    if (dialect == Dialect.POSTGRESQL) {
      String e = random.nextBoolean() ? "E" : "e";
      switch (random.nextInt(3)) {
        case 0:
          return "SELECT "
              + e
              + "'it\\'s "
              + secret()
              + " \\\\ x' , 'b' FROM t WHERE c = "
              + string();
        case 1:
          return "SELECT * FROM t WHERE a = "
              + e
              + "'\\\\' AND b = '"
              + secret()
              + "' AND c = "
              + e
              + "'"
              + secret()
              + "\\'' || '\\'";
        default:
          return "UPDATE t SET a = " + e + "'\\x41\\n" + secret() + "\\'\\'' WHERE b = " + lit();
      }
    }
    switch (random.nextInt(4)) {
      case 0:
        return "SELECT 'it\\'s " + secret() + " \\\\ x' , 'b' FROM t WHERE c = " + string();
      case 1:
        return "SELECT * FROM t WHERE a = 'C:\\\\' AND b = '" + secret() + "\\'' AND c = 'x\\\\'";
      case 2:
        return "INSERT INTO t VALUES ('a\\'b', '"
            + secret()
            + "', \"q\\\""
            + secret()
            + "\\\"\", 'z\\\\')";
      default:
        return "SELECT 1 FROM t WHERE a LIKE '%\\_" + secret() + "\\%' ESCAPE '\\\\' OR b = '\\''";
    }
  }

  private String doubleQuotedLiterals() {
    String body = secret() + (random.nextBoolean() ? "\"\"" : " ' ") + secret();
    if (dialect == Dialect.MYSQL && random.nextBoolean()) {
      body = body + "\\\"" + secret();
    }
    return "SELECT \"" + body + "\", a FROM t WHERE b = \"" + secret() + "\" OR c = " + lit();
  }

  private String charsetIntroducers() {
    String[] charsets = {"_utf8mb4", "_latin1", "_binary", "_utf8"};
    String charset = charsets[random.nextInt(charsets.length)];
    String space = random.nextBoolean() ? "" : " ";
    return "SELECT "
        + charset
        + space
        + "'it\\'s "
        + secret()
        + "' AS a, "
        + charset
        + "'"
        + secret()
        + "' COLLATE utf8mb4_bin FROM t WHERE b = "
        + lit();
  }

  private String dollarQuotes() {
    if (dialect == Dialect.ANSI) {
      // H2 reads $$..$$ as a string; its body may hold quotes, $ and comment markers
      return "SELECT $$it's "
          + secret()
          + " $ -- /* "
          + secret()
          + "$$ AS a FROM t WHERE b = "
          + lit();
    }
    String[] tags = {"", "fn", "body_1", "€", "a€b", "é1", "_", "ℵ", "数据", "\u00a0x"};
    String tag = "$" + tags[random.nextInt(tags.length)] + "$";
    String body;
    do {
      body =
          string().replace("'", random.nextBoolean() ? "'" : "''")
              + " $ "
              + secret()
              + (random.nextBoolean() ? "\n-- x ' /* \"" : " $1 ")
              + secret();
    } while (body.contains(tag));
    switch (random.nextInt(3)) {
      case 0:
        return "SELECT " + tag + body + tag + " AS a, " + lit() + " FROM t";
      case 1:
        return "CREATE FUNCTION f() RETURNS text AS "
            + tag
            + " SELECT '"
            + secret()
            + "'; "
            + body
            + tag
            + " LANGUAGE sql";
      default:
        return "DO " + tag + " BEGIN RAISE NOTICE '" + secret() + "'; END " + tag;
    }
  }

  private String quotedIdentifiers() {
    String id;
    switch (dialect) {
      case MYSQL:
        id = random.nextBoolean() ? "`it's`" : "`a``b'c`";
        break;
      case SQLSERVER:
        id = random.nextBoolean() ? "[it's]" : "[a]]b's \"c]";
        break;
      case GENERIC:
        // SQLite reads all three as identifiers
        id = new String[] {"`it's`", "[it's]", "\"it's\""}[random.nextInt(3)];
        break;
      default:
        id = random.nextBoolean() ? "\"it's\"" : "\"a\"\"b'c\"";
    }
    return "SELECT " + id + ", b FROM t " + id + " WHERE c = " + string() + " AND d = " + lit();
  }

  private String money() {
    String amount = "$" + digits() + (random.nextBoolean() ? "." + digits() : "");
    return "SELECT "
        + amount
        + " AS price, "
        + lit()
        + " FROM t WHERE total > $"
        + digits()
        + " OR fee = -$"
        + digits();
  }

  private String alternativeQuotes() {
    String[][] delimiters = {
      {"[", "]"}, {"{", "}"}, {"<", ">"}, {"(", ")"}, {"!", "!"}, {"#", "#"}
    };
    String[] d = delimiters[random.nextInt(delimiters.length)];
    String prefix = new String[] {"q", "Q", "nq", "NQ"}[random.nextInt(4)];
    return "SELECT "
        + prefix
        + "'"
        + d[0]
        + "it's "
        + secret()
        + " '' "
        + secret()
        + d[1]
        + "' FROM dual WHERE a = "
        + lit();
  }

  private String literalsInComments() {
    String inComment = commentLiteral() + " note " + commentLiteral();
    switch (random.nextInt(4)) {
      case 0:
        return "SELECT a /* " + inComment + " */ FROM t WHERE b = " + lit();
      case 1:
        // MySQL runs the body of /*! .. */ as SQL; hints /*+ .. */ are read by the optimizer
        return "SELECT a "
            + (random.nextBoolean() ? "/*!50000 " : "/*+ ")
            + inComment
            + " */ FROM t WHERE b = "
            + lit();
      case 2:
        return "SELECT a FROM t " + lineComment() + inComment + "\nWHERE b = " + lit();
      default:
        // sqlcommenter: the values are quoted
        return "SELECT a FROM t WHERE b = "
            + lit()
            + " /*controller='"
            + secret()
            + "',traceparent='00-"
            + secret()
            + "-01'*/";
    }
  }

  private String commentWithBackslashQuote() {
    // standard SQL (no backslash escapes): 'x\'' is not closed by its last quote, the quoted
    // text runs on to the next quote and holds the secret
    return "SELECT a /* 'x\\'' " + secret() + "' */ FROM t WHERE b = " + lit();
  }

  private String nestedComments() {
    // nested reading: the comment ends at the second */, then a literal; a flat reading ends the
    // comment at the first */ and reads the secret as SQL between two literals
    return "SELECT 1 /* x /* y */ ' */ '" + secret() + "' AS a FROM t WHERE b = " + lit();
  }

  private String mysqlComments() {
    switch (random.nextInt(3)) {
      case 0:
        // "--" without a space is two minus signs in MySQL: the next line's literal is real
        return "SELECT a--x\n, '" + secret() + "' FROM t WHERE b = " + lit();
      case 1:
        return "SELECT a # it's\n, '" + secret() + "' FROM t WHERE b = " + lit();
      default:
        return "SELECT a FROM t -- it's\nWHERE b = '" + secret() + "' # \"x\n AND c = " + lit();
    }
  }

  private String passwordClauses() {
    String s = secret();
    String quoted = random.nextBoolean() ? s : "'" + s + "'";
    String[] statements = {
      "CREATE USER app PASSWORD " + s,
      "ALTER USER app PASSWORD " + s + " NO FORCE_FIRST_PASSWORD_CHANGE",
      "CREATE USER app IDENTIFIED BY " + s + " ACCOUNT UNLOCK",
      "ALTER USER app IDENTIFIED BY " + s + " REPLACE " + secret(),
      "CONNECT app PASSWORD " + s,
      "VALIDATE USER app PASSWORD " + s,
      "CHECK USER app PASSWORD \"" + s + "\"",
      "CREATE DATABASE tenant1 SYSTEM USER PASSWORD " + s,
      "ALTER SYSTEM SET SECURE STORE BACKUP PASSWORD \"" + s + "\"",
      "EXPORT t AS BINARY INTO '/tmp/x' WITH ENCRYPTION PASSWORD " + s,
      "IMPORT s.t FROM '/backup' WITH ENCRYPTION PASSWORD " + s,
      "RECOVER ENCRYPTION ROOT KEYS USING 'backup' PASSWORD " + s,
      "BACKUP ENCRYPTION ROOT KEYS PASSWORD " + s,
      "SCRIPT TO '/tmp/dump.sql' CIPHER AES PASSWORD " + quoted,
      "RUNSCRIPT FROM '/tmp/dump.sql' CIPHER AES PASSWORD " + quoted,
      "GRANT ALL PRIVILEGES ON db.* TO app IDENTIFIED BY " + quoted,
      "GRANT CONNECT TO app IDENTIFIED BY " + s,
      "CREATE DATABASE LINK remote CONNECT TO app IDENTIFIED BY " + s + " USING 'tns'",
      "ADMINISTER KEY MANAGEMENT SET KEY IDENTIFIED BY " + s + " WITH BACKUP",
      "CONNECT TO sample USER app USING " + s,
      "ALTER LOGIN app WITH PASSWORD = '" + s + "' OLD_PASSWORD = '" + secret() + "'",
      "OPEN MASTER KEY DECRYPTION BY PASSWORD = '" + s + "'",
      "ALTER USER 'app'@'%' IDENTIFIED WITH caching_sha2_password BY '" + s + "'",
      "SET PASSWORD FOR app = " + quoted,
      "ALTER ROLE app WITH LOGIN PASSWORD " + quoted + " VALID UNTIL 'infinity'",
    };
    String statement = statements[random.nextInt(statements.length)];
    // a comment, or a line break, between the keyword and the secret
    if (random.nextInt(3) == 0) {
      String gap = new String[] {" /* note */ ", " -- note\n ", "\n", "/**/"}[random.nextInt(4)];
      statement =
          statement.replaceFirst(
              "(PASSWORD|BY|USING) (?=('|\")?" + s + ")", "$1" + gap.replace("$", "\\$"));
      if (random.nextBoolean()) {
        statement = statement.replaceFirst("IDENTIFIED BY", "IDENTIFIED /* x */ BY");
      }
    }
    return random.nextBoolean()
        ? statement
        : statement.toLowerCase(Locale.ROOT).replace(s.toLowerCase(Locale.ROOT), s);
  }

  private String unterminated() {
    String open;
    switch (random.nextInt(4)) {
      case 0:
        open = "'" + secret() + " it''s";
        break;
      case 1:
        open = dialect == Dialect.POSTGRESQL ? "$$ " + secret() : "'x'' " + secret();
        break;
      case 2:
        open =
            dialect == Dialect.MYSQL || dialect == Dialect.GENERIC
                ? "\"" + secret()
                : "N'" + secret();
        break;
      default:
        open = dialect == Dialect.ORACLE ? "q'[" + secret() + "'" : "'" + secret() + "\n;";
    }
    return kw("SELECT") + " a FROM t WHERE b = " + lit() + " AND c = " + open;
  }

  private String severalStatements() {
    StringBuilder sb = new StringBuilder();
    int count = 2 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sb.append(random.nextBoolean() ? "; " : ";\n");
      }
      sb.append(plainLiterals());
    }
    return sb.toString();
  }

  private String unicode() {
    String[] fragments = {"é", "€", "数据", "\uD83D\uDE00", "ℵ", "\u00a0", "\u2028"};
    String f = fragments[random.nextInt(fragments.length)];
    return "SELECT prénom, "
        + (f.equals("\u2028") ? "x" : "a" + f)
        + " FROM t WHERE nom = '"
        + f
        + secret()
        + f
        + "' AND c = "
        + lit();
  }

  private String jdbcEscapes() {
    switch (random.nextInt(3)) {
      case 0:
        return "SELECT * FROM t WHERE d > {d '" + secret() + "'} AND e = {ts '" + secret() + "'}";
      case 1:
        return "{call shop.place_order(?, '" + secret() + "', " + number() + ")}";
      default:
        return "{? = call f('" + secret() + "')}";
    }
  }

  private String commentWords() {
    switch (random.nextInt(3)) {
      case 0:
        return "SELECT a /* " + secret() + " */ FROM t WHERE b = " + lit();
      case 1:
        return "SELECT /*+ INDEX(t " + secret() + ") */ a FROM t";
      default:
        return "SELECT a FROM t " + lineComment() + secret() + "\nWHERE b = " + lit();
    }
  }

  // ---------------------------------------------------------------- literals

  /** One literal, preceded by random whitespace, in a form the current dialect reads as one. */
  private String lit() {
    String ws = random.nextInt(4) == 0 ? "" : ws();
    switch (random.nextInt(8)) {
      case 0:
      case 1:
        return ws + number();
      case 2:
        return ws + random.nextInt(1000) + "." + digits();
      case 3:
        return ws + digits() + (random.nextBoolean() ? "e" : "E-") + random.nextInt(30);
      case 4:
        String hex = Long.toHexString(random.nextLong() | Long.MIN_VALUE);
        secrets.add(hex);
        return ws + (random.nextBoolean() ? "0x" + hex : "X'" + hex + "'");
      case 5:
        return ws + (random.nextBoolean() ? "N" : "U&") + string();
      default:
        return ws + string();
    }
  }

  /** A string literal of the current dialect, holding a secret and characters that mislead. */
  private String string() {
    StringBuilder sb = new StringBuilder("'");
    int parts = 1 + random.nextInt(3);
    for (int i = 0; i < parts; i++) {
      switch (random.nextInt(10)) {
        case 0:
          sb.append("''");
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
          sb.append("\" $$ $1 [ ` #");
          break;
        case 5:
          // a backslash: an escape in MySQL, an ordinary character elsewhere
          sb.append(dialect == Dialect.MYSQL ? "\\'\\\\" : "\\");
          break;
        case 6:
          sb.append('\n');
          break;
        default:
          sb.append(' ');
      }
      sb.append(secret());
    }
    if (dialect != Dialect.MYSQL && random.nextInt(8) == 0) {
      sb.append('\\');
    }
    return sb.append('\'').toString();
  }

  /** A literal as it may appear inside a comment. */
  private String commentLiteral() {
    switch (random.nextInt(3)) {
      case 0:
        return "'" + secret() + "'";
      case 1:
        return "\"" + secret() + "\"";
      default:
        return dialect == Dialect.POSTGRESQL ? "$$" + secret() + "$$" : number();
    }
  }

  private String lineComment() {
    if (dialect == Dialect.MYSQL && random.nextBoolean()) {
      return "# ";
    }
    return random.nextBoolean() || dialect == Dialect.MYSQL ? "-- " : "--";
  }

  private String number() {
    String digits = digits();
    return random.nextBoolean() ? digits : "-" + digits;
  }

  /** Nine digits, registered as a secret. */
  private String digits() {
    String digits = Integer.toString(100_000_000 + random.nextInt(900_000_000));
    secrets.add(digits);
    return digits;
  }

  private String secret() {
    StringBuilder sb = new StringBuilder("zq").append(Long.toString(secretCounter++, 36));
    for (int i = 0; i < 6; i++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    String secret = sb.toString();
    secrets.add(secret);
    return secret;
  }

  private String kw(String keyword) {
    switch (random.nextInt(3)) {
      case 0:
        return keyword.toLowerCase(Locale.ROOT);
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
