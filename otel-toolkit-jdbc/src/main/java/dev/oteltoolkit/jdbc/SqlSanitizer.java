package dev.oteltoolkit.jdbc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Replaces every literal of a SQL statement with {@code ?}, so that the text can be recorded as
 * {@code db.query.text} without the values it carried: {@code SELECT * FROM users WHERE email =
 * 'bob@example.com' AND age > 30} becomes {@code SELECT * FROM users WHERE email = ? AND age > ?}.
 *
 * <p>Rules, in one pass over the text, by the lexical rules of a {@link Dialect}:
 *
 * <ul>
 *   <li>Single-quoted strings ({@code ''} escapes a quote; a backslash too in MySQL), with or
 *       without a prefix ({@code N'..'}, {@code E'..'}, {@code X'..'}, {@code B'..'}, {@code
 *       U&'..'}, MySQL's {@code _utf8mb4'..'}, Oracle's {@code q'[..]'}), dollar-quoted strings
 *       ({@code $$..$$}, {@code $tag$..$tag$}), SQL Server money ({@code $12.50}), numbers
 *       (integer, decimal, exponent, hex, negative where a sign starts an operand) and the booleans
 *       {@code TRUE} / {@code FALSE} become {@code ?}.
 *   <li>Double-quoted text is a literal and becomes {@code ?}, except in the dialects where it
 *       quotes identifiers, where it is kept, as are backtick (MySQL) and bracket (SQL Server)
 *       identifiers.
 *   <li>Parameter markers stay: {@code ?}, {@code :name}, {@code :1}, PostgreSQL's {@code $1}.
 *   <li>{@code IN (?, ?, ?)} collapses to {@code IN (?)}, so that statements differing only by the
 *       length of a list are one statement.
 *   <li>Comments keep their delimiters and words (optimizer hints, query tags); quoted text, dollar
 *       quotes and numbers inside them become {@code ?}, and a quote that does not close inside a
 *       comment hides the rest of the comment.
 *   <li>Credentials: everything after {@code IDENTIFIED BY} (also {@code IDENTIFIED WITH plugin
 *       BY/AS}, MariaDB's {@code IDENTIFIED VIA .. USING}, {@code CONNECT .. USING}) is replaced by
 *       a single {@code ?}, quoted or not, comments between included; so is everything after a word
 *       {@code PASSWORD} in any statement but those about data ({@code SELECT}, {@code INSERT},
 *       {@code UPDATE}, {@code DELETE}, {@code MERGE}, DDL of tables, indexes, views, routines...),
 *       where it names a column.
 *   <li>Where the dialect's plausible readings disagree on where a literal ends (a backslash before
 *       a quote with no dialect, a nested comment where nesting depends on the database, a dollar
 *       quote or bracket whose body opens a quote), and after an unterminated quote or comment, the
 *       rest of the text becomes one {@code ?}: the sanitizer never guesses.
 *   <li>Runs of whitespace become one space; leading and trailing whitespace is dropped.
 *   <li>Statements longer than {@value #MAX_LENGTH} characters are cut there, sanitized, and end
 *       with {@code ...}. The cost is linear in the length of the text.
 * </ul>
 *
 * <p>The sanitizer never throws: {@code null} gives {@code null}, and any other input (binary
 * garbage, unterminated quotes, megabytes of text) gives a string. Results of statements up to
 * {@value #MAX_CACHED_LENGTH} characters are kept in a bounded cache (at most {@value
 * #CACHE_GENERATION_SIZE} × 2 entries per dialect), so repeated statements cost one lookup.
 *
 * <p>Thread-safe; all methods are static.
 */
// per-dialect caches indexed by Dialect.ordinal(): a fixed enum, read on every statement
@SuppressWarnings("EnumOrdinal")
public final class SqlSanitizer {

  /** Longest statement sanitized in full; longer ones are cut and end with {@code ...}. */
  public static final int MAX_LENGTH = 32 * 1024;

  /** Longest statement whose result is cached. */
  static final int MAX_CACHED_LENGTH = 4096;

  /** Entries per cache generation; the cache holds at most two generations. */
  static final int CACHE_GENERATION_SIZE = 512;

  private static final Logger logger = Logger.getLogger(SqlSanitizer.class.getName());
  private static final AnalyzedSql FAILED = new AnalyzedSql("?", null, null, null, false);
  private static final Cache[] CACHES = new Cache[Dialect.values().length];
  private static volatile boolean failureLogged;

  static {
    for (int i = 0; i < CACHES.length; i++) {
      CACHES[i] = new Cache();
    }
  }

  private SqlSanitizer() {}

  /**
   * Returns {@code sql} with every literal replaced by {@code ?}, by the rules of {@link
   * Dialect#GENERIC}: whatever any dialect reads as a literal is replaced.
   *
   * @param sql a SQL statement, or {@code null}
   * @return the sanitized statement, {@code null} when {@code sql} is {@code null}
   */
  public static String sanitize(String sql) {
    return sanitize(sql, Dialect.GENERIC);
  }

  /**
   * Returns {@code sql} with every literal replaced by {@code ?}, following the quoting rules of
   * {@code dialect}.
   *
   * @param sql a SQL statement, or {@code null}
   * @param dialect the quoting rules; {@code null} means {@link Dialect#GENERIC}
   * @return the sanitized statement, {@code null} when {@code sql} is {@code null}
   */
  public static String sanitize(String sql, Dialect dialect) {
    return analyze(sql, dialect == null ? Dialect.GENERIC : dialect).text;
  }

  /** Sanitizes and analyzes a statement, through the cache. Never throws. */
  static AnalyzedSql analyze(String sql, Dialect dialect) {
    if (sql == null) {
      return AnalyzedSql.EMPTY;
    }
    if (sql.length() > MAX_CACHED_LENGTH) {
      return analyzeUncached(sql, dialect, false);
    }
    Cache cache = CACHES[dialect.ordinal()];
    AnalyzedSql cached = cache.get(sql);
    if (cached != null) {
      return cached;
    }
    AnalyzedSql analyzed = analyzeUncached(sql, dialect, false);
    if (analyzed != FAILED) {
      cache.put(sql, analyzed);
    }
    return analyzed;
  }

  /**
   * Sanitizes a text that is not a statement but may quote one, such as a driver's exception
   * message. Drivers quote statements without escaping them ({@code near 'WHERE a = 'x'' at line
   * 1}), which flips the parity of the quotes inside, so everything from the first single quote to
   * the last one becomes one {@code ?} before the statement rules apply, and double-quoted text is
   * always a literal (drivers quote values with it). Not cached.
   */
  static String sanitizeMessage(String message, Dialect dialect) {
    if (message == null) {
      return null;
    }
    String text = message;
    int first = text.indexOf('\'');
    if (first >= 0) {
      int last = text.lastIndexOf('\'');
      text =
          last == first
              ? text.substring(0, first) + "?"
              : text.substring(0, first) + "?" + text.substring(last + 1);
    }
    return analyzeUncached(text, dialect, true).text;
  }

  /** Entries cached for {@code dialect} (for tests). */
  static int cachedEntries(Dialect dialect) {
    Cache cache = CACHES[dialect.ordinal()];
    return cache.current.size() + cache.previous.size();
  }

  static AnalyzedSql analyzeUncached(String sql, Dialect dialect, boolean literalDoubleQuotes) {
    try {
      return new SqlLexer(sql, MAX_LENGTH, dialect, literalDoubleQuotes).run();
    } catch (RuntimeException | StackOverflowError e) {
      // a bug in the lexer must not reach the application, nor let a literal through
      if (!failureLogged) {
        failureLogged = true;
        logger.log(
            Level.WARNING,
            "otel-toolkit-jdbc: could not sanitize a SQL statement; "
                + "recording '?' instead (further failures are logged at FINE)",
            e);
      } else {
        logger.log(Level.FINE, "otel-toolkit-jdbc: could not sanitize a SQL statement", e);
      }
      return FAILED;
    }
  }

  /**
   * The lexical rules of a family of databases: how literals are quoted and escaped, what quotes
   * identifiers, how comments are written. Where a family's members, or the settings of one server,
   * read a construct in more than one way, the sanitizer checks that the readings agree on where
   * every literal ends; where they do not, it replaces the rest of the text by one {@code ?} rather
   * than pick one reading.
   */
  public enum Dialect {
    /**
     * The database is unknown: the union of the other dialects. Everything any of them reads as a
     * literal is replaced: double-quoted text, text that a backslash escape would extend (MySQL),
     * dollar quotes, {@code $} followed by digits (a SQL Server money literal; a PostgreSQL {@code
     * $1} marker elsewhere), numbers inside SQL Server brackets.
     */
    GENERIC,
    /**
     * Standard SQL as H2, HSQLDB, Derby, DB2, SAP HANA, Trino read it: double quotes quote
     * identifiers, which are kept; backslash is an ordinary character; H2's {@code $$..$$} strings
     * are literals.
     */
    ANSI,
    /**
     * PostgreSQL: double-quoted identifiers, {@code E'..'} strings with backslash escapes, dollar
     * quotes ({@code $$..$$}, {@code $tag$..$tag$}, tags of any non-ASCII characters), {@code $1}
     * markers, nested block comments.
     */
    POSTGRESQL,
    /**
     * MySQL and MariaDB with their default settings: double-quoted text is a literal, a backslash
     * escapes the next character inside literals, backticks quote identifiers, {@code #} and {@code
     * -- } (with a space) start comments.
     */
    MYSQL,
    /**
     * Microsoft SQL Server: double quotes and brackets ({@code [it's]}) quote identifiers, {@code
     * $12.50} is a money literal, block comments nest.
     */
    SQLSERVER,
    /** Oracle: double-quoted identifiers and alternative quoting ({@code q'[it's]'}). */
    ORACLE;

    /** Whether double quotes delimit identifiers (kept) rather than literals (replaced). */
    boolean doubleQuotedIdentifiers() {
      return this != GENERIC && this != MYSQL;
    }

    /** Backslash escapes inside {@code '..'} (and double-quoted literals). */
    Reading backslashEscapes() {
      return this == MYSQL ? Reading.YES : this == GENERIC ? Reading.EITHER : Reading.NO;
    }

    /** Backslash escapes inside {@code E'..'}. */
    Reading escapeStrings() {
      return this == POSTGRESQL ? Reading.YES : backslashEscapes();
    }

    /** {@code $$..$$} and {@code $tag$..$tag$} literals. */
    Reading dollarQuotes() {
      return this == POSTGRESQL
          ? Reading.YES
          : this == GENERIC || this == ANSI ? Reading.EITHER : Reading.NO;
    }

    /** {@code [..]} identifiers. */
    Reading bracketIdentifiers() {
      return this == SQLSERVER ? Reading.YES : this == GENERIC ? Reading.EITHER : Reading.NO;
    }

    /** {@code `..`} identifiers. */
    Reading backtickIdentifiers() {
      return this == MYSQL
          ? Reading.YES
          : this == GENERIC || this == ANSI ? Reading.EITHER : Reading.NO;
    }

    /** Oracle's {@code q'[..]'}. */
    Reading alternativeQuotes() {
      return this == ORACLE ? Reading.YES : this == GENERIC ? Reading.EITHER : Reading.NO;
    }

    /** Block comments nest: a comment opened inside one must close before it does. */
    Reading nestedComments() {
      return this == POSTGRESQL || this == SQLSERVER
          ? Reading.YES
          : this == GENERIC || this == ANSI ? Reading.EITHER : Reading.NO;
    }

    /** {@code #} line comments. */
    Reading hashComments() {
      return this == MYSQL ? Reading.YES : this == GENERIC ? Reading.EITHER : Reading.NO;
    }

    /** {@code --} starts a comment only when whitespace follows (MySQL). */
    Reading spaceAfterDashes() {
      return this == MYSQL ? Reading.YES : this == GENERIC ? Reading.EITHER : Reading.NO;
    }

    /** {@code $} followed by digits is a literal (SQL Server money) rather than a marker. */
    boolean dollarNumbers() {
      return this == SQLSERVER || this == GENERIC;
    }

    /** {@code $} may start an identifier (MySQL). */
    boolean dollarIdentifiers() {
      return this == MYSQL;
    }

    /**
     * Every non-ASCII character may be part of an identifier (PostgreSQL, MySQL), not only letters.
     */
    boolean nonAsciiIdentifiers() {
      return this == POSTGRESQL || this == MYSQL || this == GENERIC;
    }
  }

  /** How the members of a dialect read one construct. */
  enum Reading {
    /** None reads it so. */
    NO,
    /** All read it so. */
    YES,
    /** Some do, some do not: the two readings must agree, or the rest of the text is replaced. */
    EITHER
  }

  /**
   * A bounded cache in two generations: new entries go to the current one; when it is full it
   * becomes the previous one (the older previous is dropped) and a hit there is copied forward.
   * Recently used entries survive, memory stays bounded, and there is no lock on reads.
   */
  private static final class Cache {
    private final Object lock = new Object();
    private volatile Map<String, AnalyzedSql> current = new ConcurrentHashMap<>();
    private volatile Map<String, AnalyzedSql> previous = new ConcurrentHashMap<>();

    AnalyzedSql get(String sql) {
      AnalyzedSql value = current.get(sql);
      if (value != null) {
        return value;
      }
      value = previous.get(sql);
      if (value != null) {
        put(sql, value);
      }
      return value;
    }

    void put(String sql, AnalyzedSql value) {
      Map<String, AnalyzedSql> map = current;
      if (map.size() >= CACHE_GENERATION_SIZE) {
        synchronized (lock) {
          map = current;
          if (map.size() >= CACHE_GENERATION_SIZE) {
            previous = map;
            map = new ConcurrentHashMap<>();
            current = map;
          }
        }
      }
      map.put(sql, value);
    }
  }
}
