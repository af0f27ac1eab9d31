package dev.oteltoolkit.jdbc;

import dev.oteltoolkit.jdbc.SqlSanitizer.Dialect;
import dev.oteltoolkit.jdbc.SqlSanitizer.Reading;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over a SQL text: copies it with every literal replaced by {@code ?} and finds the
 * operation, the first collection and the stored procedure on the way. The rules are listed on
 * {@link SqlSanitizer}; the reasoning is in docs/RELIABILITY.md ("SQL sanitizer").
 *
 * <p>Not thread-safe: one instance per text. Never throws. Linear: a look-ahead either consumes
 * what it scanned or ends the pass, and a region checked once is not checked again. Never
 * resynchronises: an unterminated literal, or one whose end the dialect's readings disagree on,
 * replaces everything from there to the end of the text by one {@code ?}.
 */
// per-dialect tables indexed by Dialect.ordinal(): a fixed enum, read on every statement
@SuppressWarnings("EnumOrdinal")
final class SqlLexer {

  /** Words between INSERT/REPLACE/UPSERT and the table: {@code INSERT IGNORE INTO t}. */
  private static final String[] INSERT_SKIP = {
    "INTO", "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "OR", "REPLACE", "ABORT", "FAIL",
    "ROLLBACK", "OVERWRITE", "TABLE"
  };
  private static final String[] UPDATE_SKIP = {
    "LOW_PRIORITY", "IGNORE", "ONLY", "OR", "ROLLBACK", "ABORT", "REPLACE", "FAIL"
  };
  private static final String[] DELETE_SKIP = {"FROM", "LOW_PRIORITY", "QUICK", "IGNORE", "ONLY"};
  private static final String[] MERGE_SKIP = {"INTO"};
  private static final String[] FROM_SKIP = {"ONLY", "LATERAL"};
  private static final String[] TABLE_SKIP = {"IF", "NOT", "EXISTS", "ONLY", "TABLE"};

  /** Words between CREATE/ALTER/DROP and the kind of object. */
  private static final String[] DDL_MODIFIERS = {
    "OR", "REPLACE", "TEMPORARY", "TEMP", "GLOBAL", "LOCAL", "UNIQUE", "UNLOGGED", "CLUSTERED",
    "NONCLUSTERED", "EXTERNAL", "IF", "NOT", "EXISTS", "VOLATILE", "CACHED", "MEMORY"
  };

  /** Kinds of object named in the operation: {@code CREATE TABLE}, {@code DROP INDEX}. */
  private static final String[] DDL_REFINED = {
    "TABLE", "INDEX", "VIEW", "DATABASE", "SCHEMA", "PROCEDURE", "FUNCTION", "SEQUENCE", "TRIGGER",
    "USER", "ROLE"
  };

  /**
   * Kinds of object whose DDL may name a column or hold a query, where {@code password} is a
   * name. DDL of any other kind (user, role, login, database, system, key, certificate, server)
   * treats it as a credential clause.
   */
  private static final String[] DATA_OBJECTS = {
    "TABLE", "INDEX", "VIEW", "MATERIALIZED", "TRIGGER", "FUNCTION", "PROCEDURE", "PACKAGE",
    "TYPE", "SCHEMA", "EVENT", "RULE", "POLICY"
  };

  /** Main statements after a {@code WITH} clause. */
  private static final String[] WITH_MAIN = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"};

  /** Words after which {@code -1} is a negative number, not a subtraction. */
  private static final String[] UNARY_CONTEXT = {
    "SELECT", "WHERE", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "IN", "IS", "LIKE", "ILIKE",
    "BETWEEN", "VALUES", "SET", "BY", "LIMIT", "OFFSET", "RETURN", "ON", "HAVING", "AS", "CASE",
    "DEFAULT", "TOP", "ESCAPE", "INTERVAL"
  };

  /** ASCII characters that may continue a word: letters, digits, {@code _}, {@code $}. */
  private static final boolean[] ASCII_WORD_PART = new boolean[0x80];

  /** Each dialect's rules, by ordinal. */
  private static final Rules[] RULES = new Rules[Dialect.values().length];

  static {
    for (char c = 0; c < 0x80; c++) {
      ASCII_WORD_PART[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
          || (c >= '0' && c <= '9') || c == '$';
    }
    for (Dialect dialect : Dialect.values()) {
      RULES[dialect.ordinal()] = Rules.of(dialect);
    }
  }

  /** Longest collection or procedure name recorded; longer ones are not names but garbage. */
  private static final int MAX_NAME_LENGTH = 256;

  /** Returned by the quote scanners: no closing quote before the limit. */
  private static final int UNTERMINATED = -1;
  /** Returned by the quote scanners: the dialect's readings disagree on the closing quote. */
  private static final int AMBIGUOUS = -2;
  /** Returned by {@link #prefixedString}: the word is not a string prefix. */
  private static final int NOT_A_PREFIX = -3;

  private final String sql;
  private final int end;
  private final boolean truncated;
  private final StringBuilder out;

  private final boolean doubleQuotedIdentifiers;
  private final Rules rules;

  private boolean pendingSpace;
  private boolean pendingNewline;
  private Prev prev = Prev.START;
  private int prevWordStart;
  private int prevWordEnd;
  private boolean masked;
  private boolean backslashSeen;
  /** Quote and bracket characters before this index were checked to be plain punctuation. */
  private int plainUntil;
  /** The rest of the line up to this index was checked to hold no quote or comment opener. */
  private int inertUntil;

  private InList inList = InList.NONE;
  private int inListOpen;
  private int inCount;

  private int depth;
  private boolean statementStarted;
  private boolean statementEnded;
  private boolean multiStatement;
  private int stmtDepth;
  private Verb verb;
  private int opStart = -1;
  private int opEnd;
  private String operation;
  private Expect expect = Expect.NONE;
  private String[] targetSkip;
  private boolean targetIsFrom;
  private boolean credentialContext;
  private boolean identifiedSeen;
  private boolean withMode;
  private int withDepth;
  private boolean expectCteName;
  private List<String> cteNames;

  /** The collection or procedure name being read, {@code null} when none. */
  private NameKind nameKind;
  private int nameStart;
  private int nameEnd;
  /** Where the next part of the name starts, after a {@code .} or {@code @}; -1 when none. */
  private int namePartAt = -1;
  private int collectionStart = -1;
  private int collectionEnd;
  private int procedureStart = -1;
  private int procedureEnd;

  SqlLexer(String sql, int limit, Dialect dialect, boolean literalDoubleQuotes) {
    this.sql = sql;
    int length = sql.length();
    int cut = Math.min(length, limit);
    if (cut < length && cut > 0 && Character.isHighSurrogate(sql.charAt(cut - 1))) {
      cut--;
    }
    this.end = cut;
    this.truncated = cut < length;
    this.out = new StringBuilder(Math.min(cut + 8, limit + 8));
    this.doubleQuotedIdentifiers = dialect.doubleQuotedIdentifiers() && !literalDoubleQuotes;
    this.rules = RULES[dialect.ordinal()];
  }

  AnalyzedSql run() {
    int i = 0;
    while (i < end && !masked) {
      char c = sql.charAt(i);
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || Character.isWhitespace(c)) {
        i++;
        while (i < end && Character.isWhitespace(sql.charAt(i))) {
          i++;
        }
        pendingSpace = out.length() > 0;
        continue;
      }
      if (nameKind != null) {
        followName(c, i);
      }
      i = token(c, i);
    }
    if (nameKind != null) {
      finishName(false);
    }
    if (truncated) {
      out.append("...");
    }
    String collection = null;
    String procedure = null;
    String op = operation;
    if (multiStatement) {
      op = null;
    } else {
      if (collectionStart >= 0) {
        collection = sql.substring(collectionStart, collectionEnd);
      }
      if (procedureStart >= 0) {
        procedure = sql.substring(procedureStart, procedureEnd);
      }
    }
    return new AnalyzedSql(out.toString(), op, collection, procedure, truncated);
  }

  /** Lexes the token starting with {@code c} at {@code i}; returns the index after it. */
  private int token(char c, int i) {
    switch (c) {
      case '\'':
        return quoted(i, rules.backslash());
      case '"':
        return doubleQuoted(i);
      case '`':
        return backtick(i);
      case '[':
        return bracket(i);
      case '$':
        return dollar(i);
      case '?':
        emitValue();
        return i + 1;
      case '-':
        if (i + 1 < end && sql.charAt(i + 1) == '-') {
          return dashes(i);
        }
        return sign(i);
      case '+':
        return sign(i);
      case '/':
        if (i + 1 < end && sql.charAt(i + 1) == '*') {
          return blockComment(i);
        }
        return punct(c, i);
      case '#':
        return hash(i);
      case '.':
        if (i + 1 < end && isDigit(sql.charAt(i + 1))
            && (i == 0 || !isIdentifierEnd(sql.charAt(i - 1)))) {
          return literal(scanNumber(i));
        }
        return punct(c, i);
      case ':':
        if (i + 1 < end && isDigit(sql.charAt(i + 1)) && prev != Prev.OPERAND) {
          // Oracle-style positional bind marker :1, kept like ? and $1
          int j = i + 1;
          while (j < end && isDigit(sql.charAt(j))) {
            j++;
          }
          emitVerbatim(i, j);
          return j;
        }
        return punct(c, i);
      default:
        if (isDigit(c)) {
          return literal(scanNumber(i));
        }
        if (isWordStart(c)) {
          return word(i);
        }
        return punct(c, i);
    }
  }

  // ---------------------------------------------------------------- tokens

  private int word(int start) {
    int j = start + 1;
    boolean ascii = sql.charAt(start) < 0x80;
    while (j < end) {
      char c = sql.charAt(j);
      if (c < 0x80) {
        if (!ASCII_WORD_PART[c]) {
          break;
        }
      } else if (isWordPart(c)) {
        ascii = false;
      } else {
        break;
      }
      j++;
    }
    if (!ascii && rules.nonAsciiAmbiguous() && !plainWord(start, j)) {
      return maskRest();
    }
    int length = j - start;
    if (j < end && length <= 2) {
      char next = sql.charAt(j);
      if (next == '\'') {
        int literalEnd = prefixedString(start, j);
        if (literalEnd != NOT_A_PREFIX) {
          return literalEnd;
        }
      } else if (next == '&' && length == 1 && (sql.charAt(start) | 0x20) == 'u'
          && j + 1 < end && sql.charAt(j + 1) == '\'') {
        // standard Unicode escape string U&'d\0061t'
        return quoted(j + 1, rules.backslash());
      }
    }
    if (is(start, j, "TRUE") || is(start, j, "FALSE")) {
      return literal(j);
    }
    beforeToken();
    out.append(sql, start, j);
    prev = Prev.WORD;
    prevWordStart = start;
    prevWordEnd = j;
    inList = is(start, j, "IN") ? InList.AFTER_IN : InList.NONE;
    if (!continueName(start, j)) {
      onWord(start, j);
    }
    return j;
  }

  /**
   * Whether a word of the GENERIC dialect reads the same everywhere: a non-letter non-ASCII
   * character is part of a PostgreSQL or MySQL identifier, but ends the word elsewhere, where a
   * {@code $} or digit after it starts a dollar quote or a number.
   */
  private boolean plainWord(int start, int wordEnd) {
    for (int k = start; k + 1 < wordEnd; k++) {
      char c = sql.charAt(k);
      if (c >= 0x80 && !Character.isLetter(c)) {
        char next = sql.charAt(k + 1);
        if (next == '$' || isDigit(next)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Lexes a string literal with a prefix ({@code N'..'}, {@code E'..'}, {@code X'..'}, {@code
   * B'..'}, Oracle's {@code q'[..]'}) whose quote is at {@code quote}; returns the index after it,
   * or {@link #NOT_A_PREFIX} when the word is no such prefix.
   */
  private int prefixedString(int start, int quote) {
    char first = (char) (sql.charAt(start) | 0x20);
    if (quote - start == 1) {
      switch (first) {
        case 'n':
        case 'x':
        case 'b':
          return quoted(quote, rules.backslash());
        case 'e':
          return quoted(quote, rules.escapeStrings());
        case 'q':
          return alternativeQuoted(quote);
        default:
          return NOT_A_PREFIX;
      }
    }
    if (first == 'n' && (sql.charAt(start + 1) | 0x20) == 'q') {
      return alternativeQuoted(quote);
    }
    return NOT_A_PREFIX;
  }

  /** A literal whose opening quote is at {@code quote}. */
  private int quoted(int quote, Reading escapes) {
    int close = quoteEnd(sql.charAt(quote), quote + 1, end, escapes);
    return close < 0 ? maskRest() : literal(close);
  }

  /** Oracle's alternative quoting {@code q'[it's]'}, the quote at {@code quote}. */
  private int alternativeQuoted(int quote) {
    if (rules.alternativeQuotes() == Reading.NO) {
      return NOT_A_PREFIX;
    }
    if (quote + 1 >= end || Character.isWhitespace(sql.charAt(quote + 1))) {
      return quoted(quote, rules.backslash());
    }
    int close = alternativeQuoteEnd(quote, end);
    if (rules.alternativeQuotes() == Reading.EITHER
        && close != quoteEnd('\'', quote + 1, end, rules.backslash())) {
      return maskRest();
    }
    return close < 0 ? maskRest() : literal(close);
  }

  /** The index after Oracle's alternative quote opened at {@code quote}; -1 if not before to. */
  private int alternativeQuoteEnd(int quote, int to) {
    if (quote + 1 >= to) {
      return UNTERMINATED;
    }
    char open = sql.charAt(quote + 1);
    char close;
    switch (open) {
      case '[':
        close = ']';
        break;
      case '(':
        close = ')';
        break;
      case '{':
        close = '}';
        break;
      case '<':
        close = '>';
        break;
      default:
        close = open;
    }
    for (int k = quote + 2; k + 1 < to; k++) {
      if (sql.charAt(k) == close && sql.charAt(k + 1) == '\'') {
        return k + 2;
      }
    }
    return UNTERMINATED;
  }

  private int doubleQuoted(int start) {
    if (!doubleQuotedIdentifiers) {
      return quoted(start, rules.backslash());
    }
    int close = closeQuote('"', start + 1, end, false);
    if (close < 0) {
      return maskRest();
    }
    emitVerbatim(start, close);
    onNameToken(start, close);
    return close;
  }

  private int backtick(int start) {
    if (rules.backticks() == Reading.NO || start < plainUntil) {
      return punct('`', start);
    }
    int close = closeQuote('`', start + 1, end, false);
    return identifier(start, close, rules.backticks());
  }

  private int bracket(int start) {
    if (rules.brackets() == Reading.NO || start < plainUntil) {
      return punct('[', start);
    }
    int close = UNTERMINATED;
    for (int k = start + 1; k < end; k++) {
      if (sql.charAt(k) == ']') {
        if (k + 1 < end && sql.charAt(k + 1) == ']') {
          k++;
        } else {
          close = k + 1;
          break;
        }
      }
    }
    return identifier(start, close, rules.brackets());
  }

  /**
   * A quoted identifier from {@code start} to {@code close}. Where only some readings take it for
   * one, its body must hold nothing the others could read as a literal: a body with numbers is
   * lexed as SQL, one with a quote or comment opener ends the pass.
   */
  private int identifier(int start, int close, Reading reading) {
    if (close < 0) {
      return maskRest();
    }
    if (reading == Reading.EITHER) {
      Body body = classify(start + 1, close - 1, Region.IDENTIFIER_BODY);
      if (body == Body.UNSAFE) {
        return maskRest();
      }
      if (body == Body.LITERALS) {
        plainUntil = close;
        return punct(sql.charAt(start), start);
      }
    }
    emitVerbatim(start, close);
    onNameToken(start, close);
    return close;
  }

  private int dollar(int start) {
    int next = start + 1;
    char c = next < end ? sql.charAt(next) : ' ';
    if (isDigit(c) || (c == '.' && next + 1 < end && isDigit(sql.charAt(next + 1)))) {
      if (rules.dollarNumbers()) {
        // SQL Server money literal $12.50
        return literal(scanNumber(next));
      }
      if (isDigit(c)) {
        // PostgreSQL positional parameter $1, kept
        int j = next;
        while (j < end && isDigit(sql.charAt(j))) {
          j++;
        }
        emitVerbatim(start, j);
        return j;
      }
    }
    if (rules.dollarQuotes() != Reading.NO && (c == '$' || isTagStart(c))) {
      int tagEnd = next;
      if (c != '$') {
        tagEnd++;
        while (tagEnd < end && isTagPart(sql.charAt(tagEnd))) {
          tagEnd++;
        }
      }
      if (tagEnd < end && sql.charAt(tagEnd) == '$') {
        int tagLength = tagEnd + 1 - start;
        int close = findDelimiter(start, tagLength, tagEnd + 1, end);
        if (close < 0
            || (rules.dollarQuotes() == Reading.EITHER
                && classify(tagEnd + 1, close, Region.DOLLAR_BODY) == Body.UNSAFE)) {
          return maskRest();
        }
        return literal(close + tagLength);
      }
    }
    if (rules.dollarIdentifiers()) {
      return word(start);
    }
    return punct('$', start);
  }

  /** A sign: part of the number when it stands where an operand is expected ({@code = -5}). */
  private int sign(int i) {
    int next = i + 1;
    if (next < end && unaryPosition()) {
      char c = sql.charAt(next);
      if (isDigit(c) || (c == '.' && next + 1 < end && isDigit(sql.charAt(next + 1)))) {
        return literal(scanNumber(next));
      }
    }
    return punct(sql.charAt(i), i);
  }

  /** {@code --}: a comment, except in MySQL when no whitespace follows. */
  private int dashes(int start) {
    if (rules.spaceAfterDashes() == Reading.NO) {
      return lineComment(start, 2, false);
    }
    char after = start + 2 < end ? sql.charAt(start + 2) : ' ';
    if (after <= ' ' || Character.isWhitespace(after)) {
      return lineComment(start, 2, false);
    }
    if (rules.spaceAfterDashes() == Reading.YES) {
      return sign(start);
    }
    // a comment, or two minus signs: comment and SQL must agree on the rest of the line
    if (classify(start + 2, lineEnd(start + 2), Region.LINE) == Body.UNSAFE) {
      return maskRest();
    }
    return lineComment(start, 2, true);
  }

  /** {@code #}: a comment in MySQL, an operator or identifier character elsewhere. */
  private int hash(int start) {
    if (rules.hashComments() == Reading.YES) {
      return lineComment(start, 1, false);
    }
    if (rules.hashComments() == Reading.EITHER && start >= inertUntil) {
      int lineEnd = lineEnd(start + 1);
      if (classify(start + 1, lineEnd, Region.LINE) == Body.UNSAFE) {
        return maskRest();
      }
      inertUntil = lineEnd;
    }
    return punct('#', start);
  }

  private int lineEnd(int from) {
    int j = from;
    while (j < end && sql.charAt(j) != '\n' && sql.charAt(j) != '\r') {
      j++;
    }
    return j;
  }

  private int lineComment(int start, int markerLength, boolean booleansAreLiterals) {
    int j = lineEnd(start + markerLength);
    beforeToken();
    out.append(sql, start, start + markerLength);
    commentBody(start + markerLength, j, booleansAreLiterals);
    inList = InList.NONE;
    pendingNewline = j < end;
    return j;
  }

  private int blockComment(int start) {
    int closeStart = end;
    if (rules.nestedComments() == Reading.YES) {
      int level = 1;
      int j = start + 2;
      while (j + 1 < end) {
        char c = sql.charAt(j);
        char n = sql.charAt(j + 1);
        if (c == '*' && n == '/') {
          if (--level == 0) {
            closeStart = j;
            break;
          }
          j += 2;
        } else if (c == '/' && n == '*') {
          level++;
          j += 2;
        } else {
          j++;
        }
      }
    } else {
      boolean either = rules.nestedComments() == Reading.EITHER;
      for (int j = start + 2; j + 1 < end; j++) {
        char c = sql.charAt(j);
        if (c == '*') {
          if (sql.charAt(j + 1) == '/') {
            closeStart = j;
            break;
          }
        } else if (c == '/' && either && sql.charAt(j + 1) == '*') {
          // nested in some readings, not in others: they disagree on where SQL resumes
          return maskRest();
        }
      }
    }
    beforeToken();
    out.append("/*");
    commentBody(start + 2, closeStart, false);
    inList = InList.NONE;
    if (closeStart < end) {
      out.append("*/");
      return closeStart + 2;
    }
    return end;
  }

  /**
   * Copies a comment's text keeping its words but not what looks like a literal: quoted text,
   * dollar quotes and numbers become {@code ?} (booleans too when asked); a quote that does not
   * close inside the comment, or whose end the readings disagree on, hides the rest of it.
   */
  private void commentBody(int from, int to, boolean booleansAreLiterals) {
    boolean space = false;
    int k = from;
    while (k < to) {
      char c = sql.charAt(k);
      if (Character.isWhitespace(c)) {
        space = true;
        k++;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      int literalEnd = commentLiteralEnd(c, k, from, to);
      if (literalEnd < 0) {
        out.append('?');
        return;
      }
      if (literalEnd == k && booleansAreLiterals && isWordStart(c)
          && (k == from || !isWordPart(sql.charAt(k - 1)))) {
        int w = k + 1;
        while (w < to && isWordPart(sql.charAt(w))) {
          w++;
        }
        if (is(k, w, "TRUE") || is(k, w, "FALSE")) {
          literalEnd = w;
        }
      }
      if (literalEnd > k) {
        out.append('?');
        k = literalEnd;
      } else {
        out.append(c);
        k++;
      }
    }
    if (space) {
      out.append(' ');
    }
  }

  /**
   * The end of a literal-looking token at {@code k} inside a comment [from, to): {@code k} when
   * there is none, a negative value when it hides the rest of the comment.
   */
  private int commentLiteralEnd(char c, int k, int from, int to) {
    switch (c) {
      case '\'':
      case '"':
        return quoteEnd(c, k + 1, to, rules.backslash());
      case '`':
        return closeQuote(c, k + 1, to, false);
      case '$':
        if (rules.dollarQuotes() != Reading.NO && k + 1 < to) {
          char n = sql.charAt(k + 1);
          if (n == '$' || isTagStart(n)) {
            int tagEnd = k + 1;
            if (n != '$') {
              tagEnd++;
              while (tagEnd < to && isTagPart(sql.charAt(tagEnd))) {
                tagEnd++;
              }
            }
            if (tagEnd < to && sql.charAt(tagEnd) == '$') {
              int tagLength = tagEnd + 1 - k;
              int close = findDelimiter(k, tagLength, tagEnd + 1, to);
              return close < 0 ? UNTERMINATED : close + tagLength;
            }
          }
        }
        return k;
      default:
        break;
    }
    boolean letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    if ((!isDigit(c) && !letter) || (k > from && isWordPart(sql.charAt(k - 1)))) {
      return k;
    }
    if (isDigit(c)) {
      int j = k + 1;
      while (j < to && (isWordPart(sql.charAt(j)) || sql.charAt(j) == '.')) {
        j++;
      }
      return j;
    }
    // prefixed strings: E'..' with its own escapes, q'[..]' and nq'[..]'
    char lower = (char) (c | 0x20);
    int quote = k + 1;
    if (lower == 'n' && quote + 1 < to && (sql.charAt(quote) | 0x20) == 'q') {
      lower = 'q';
      quote++;
    }
    if (quote < to && sql.charAt(quote) == '\'') {
      if (lower == 'e') {
        return quoteEnd('\'', quote + 1, to, rules.escapeStrings());
      }
      if (lower == 'q' && rules.alternativeQuotes() != Reading.NO) {
        int close = alternativeQuoteEnd(quote, to);
        if (rules.alternativeQuotes() == Reading.EITHER
            && close != quoteEnd('\'', quote + 1, to, rules.backslash())) {
          return AMBIGUOUS;
        }
        return close;
      }
    }
    return k;
  }

  private int punct(char c, int i) {
    beforeToken();
    out.append(c);
    switch (c) {
      case '(':
        if (expect == Expect.TARGET && depth == stmtDepth) {
          // FROM (subquery) alias: an anonymous table, no collection name
          expect = Expect.NONE;
        }
        depth++;
        if (inList == InList.AFTER_IN) {
          inList = InList.VALUE_EXPECTED;
          inListOpen = out.length();
          inCount = 0;
        } else {
          inList = InList.NONE;
        }
        prev = Prev.PUNCT;
        break;
      case ')':
        if (depth > 0) {
          depth--;
        }
        if (inList == InList.AFTER_VALUE && inCount > 1) {
          out.setLength(inListOpen);
          out.append("?)");
        }
        inList = InList.NONE;
        prev = Prev.OPERAND;
        break;
      case ',':
        inList = inList == InList.AFTER_VALUE ? InList.VALUE_EXPECTED : InList.NONE;
        prev = Prev.PUNCT;
        if (withMode && depth == withDepth) {
          expectCteName = true;
        }
        break;
      case ';':
        inList = InList.NONE;
        prev = Prev.PUNCT;
        if (depth == 0) {
          endStatement();
        }
        break;
      case ']':
      case '`':
        inList = InList.NONE;
        prev = Prev.OPERAND;
        break;
      default:
        inList = InList.NONE;
        prev = Prev.PUNCT;
        if (expect == Expect.TARGET && depth == stmtDepth && c != '.') {
          expect = Expect.NONE;
        }
    }
    return i + 1;
  }

  /** Emits {@code ?} for a literal that ends at {@code literalEnd}; returns that index. */
  private int literal(int literalEnd) {
    emitValue();
    return literalEnd;
  }

  /** Replaces everything from here to the end of the text by one {@code ?}. */
  private int maskRest() {
    emitValue();
    masked = true;
    return end;
  }

  /** Emits {@code ?}: a literal, or a JDBC placeholder. */
  private void emitValue() {
    beforeToken();
    out.append('?');
    prev = Prev.OPERAND;
    if (inList == InList.VALUE_EXPECTED) {
      inList = InList.AFTER_VALUE;
      inCount++;
    } else {
      inList = InList.NONE;
    }
    if (expect == Expect.TARGET && depth == stmtDepth) {
      expect = Expect.NONE;
    }
  }

  private void emitVerbatim(int start, int tokenEnd) {
    beforeToken();
    out.append(sql, start, tokenEnd);
    prev = Prev.OPERAND;
    inList = InList.NONE;
  }

  private void beforeToken() {
    if (pendingNewline) {
      out.append('\n');
      pendingNewline = false;
      pendingSpace = false;
    } else if (pendingSpace) {
      out.append(' ');
      pendingSpace = false;
    }
  }

  /** Replaces everything after a credential keyword by one {@code ?} and stops. */
  private void maskCredential() {
    out.append(" ?");
    masked = true;
  }

  // ---------------------------------------------------------------- statement structure

  private void onWord(int start, int wordEnd) {
    if (identifiedSeen
        && (is(start, wordEnd, "BY") || is(start, wordEnd, "AS") || is(start, wordEnd, "USING"))) {
      maskCredential();
      return;
    }
    if (is(start, wordEnd, "IDENTIFIED")) {
      identifiedSeen = true;
      return;
    }
    if (credentialContext
        && (is(start, wordEnd, "PASSWORD")
            || (verb == Verb.CONNECT && is(start, wordEnd, "USING")))) {
      maskCredential();
      return;
    }
    if (!statementStarted) {
      startStatement(start, wordEnd);
      return;
    }
    if (depth != stmtDepth) {
      return;
    }
    // if-chains rather than a switch: a switch on an enum reads a lookup table on every word
    Expect e = expect;
    if (e == Expect.NONE) {
      return;
    }
    if (e == Expect.FROM) {
      if (is(start, wordEnd, "FROM")) {
        expectTarget(FROM_SKIP, true);
      }
    } else if (e == Expect.TARGET) {
      if (verb == Verb.TRUNCATE && is(start, wordEnd, "TABLE")) {
        refineOperation(start, wordEnd);
      } else if (!in(start, wordEnd, targetSkip)) {
        beginName(NameKind.COLLECTION, start, wordEnd);
      }
    } else if (e == Expect.PROCEDURE) {
      beginName(NameKind.PROCEDURE, start, wordEnd);
    } else {
      ddlType(start, wordEnd);
    }
  }

  /** A quoted identifier ({@code "t"}, {@code `t`}, {@code [t]}) where a name may stand. */
  private void onNameToken(int start, int tokenEnd) {
    if (continueName(start, tokenEnd) || !statementStarted || depth != stmtDepth) {
      return;
    }
    if (expect == Expect.TARGET) {
      beginName(NameKind.COLLECTION, start, tokenEnd);
    } else if (expect == Expect.PROCEDURE) {
      beginName(NameKind.PROCEDURE, start, tokenEnd);
    }
  }

  private void startStatement(int start, int wordEnd) {
    if (withMode) {
      if (depth != withDepth) {
        return;
      }
      if (in(start, wordEnd, WITH_MAIN)) {
        withMode = false;
        beginOperation(start, wordEnd);
      } else if (expectCteName && !is(start, wordEnd, "RECURSIVE")) {
        if (cteNames == null) {
          cteNames = new ArrayList<>(2);
        }
        cteNames.add(sql.substring(start, wordEnd));
        expectCteName = false;
      }
      return;
    }
    if (is(start, wordEnd, "WITH")) {
      withMode = true;
      withDepth = depth;
      expectCteName = true;
      return;
    }
    beginOperation(start, wordEnd);
  }

  private void beginOperation(int start, int wordEnd) {
    statementStarted = true;
    boolean first = !statementEnded;
    if (!first) {
      multiStatement = true;
    }
    stmtDepth = depth;
    verb = verbOf(start, wordEnd);
    expect = Expect.NONE;
    credentialContext = verb == null || !verb.aboutData;
    if (verb == null) {
      return;
    }
    if (first) {
      opStart = start;
      opEnd = wordEnd;
      operation = sql.substring(start, wordEnd);
    }
    switch (verb) {
      case SELECT:
        expect = Expect.FROM;
        break;
      case INSERT:
      case UPSERT:
      case REPLACE:
        expectTarget(INSERT_SKIP, false);
        break;
      case UPDATE:
        expectTarget(UPDATE_SKIP, false);
        break;
      case DELETE:
        expectTarget(DELETE_SKIP, false);
        break;
      case MERGE:
        expectTarget(MERGE_SKIP, false);
        break;
      case TRUNCATE:
        expectTarget(TABLE_SKIP, false);
        break;
      case CALL:
      case EXEC:
      case EXECUTE:
        expect = Expect.PROCEDURE;
        break;
      case CREATE:
      case ALTER:
      case DROP:
        expect = Expect.DDL_TYPE;
        break;
      default:
        break;
    }
  }

  private void ddlType(int start, int wordEnd) {
    if (in(start, wordEnd, DDL_MODIFIERS)) {
      return;
    }
    expect = Expect.NONE;
    if (in(start, wordEnd, DDL_REFINED)) {
      refineOperation(start, wordEnd);
    }
    if (is(start, wordEnd, "TABLE")) {
      expectTarget(TABLE_SKIP, false);
    }
    if (in(start, wordEnd, DATA_OBJECTS)) {
      credentialContext = false;
    }
  }

  private void refineOperation(int start, int wordEnd) {
    if (!statementEnded && opStart >= 0) {
      operation = sql.substring(opStart, opEnd) + ' ' + sql.substring(start, wordEnd);
    }
  }

  private void expectTarget(String[] skip, boolean fromClause) {
    expect = Expect.TARGET;
    targetSkip = skip;
    targetIsFrom = fromClause;
  }

  private void beginName(NameKind kind, int start, int tokenEnd) {
    expect = Expect.NONE;
    if (tokenEnd - start <= MAX_NAME_LENGTH) {
      nameKind = kind;
      nameStart = start;
      nameEnd = tokenEnd;
      namePartAt = -1;
    }
  }

  /**
   * Called before each token while a name is being read: a {@code .} or {@code @} right after it
   * announces another part; anything else ends it.
   */
  private void followName(char c, int i) {
    if (namePartAt == i) {
      return;
    }
    if (namePartAt < 0 && i == nameEnd && (c == '.' || c == '@') && i + 1 < end
        && startsNamePart(sql.charAt(i + 1))) {
      namePartAt = i + 1;
      return;
    }
    finishName(c == '(' && namePartAt < 0);
  }

  /** Adds the token at {@code start} to the name being read, if it is the announced part. */
  private boolean continueName(int start, int tokenEnd) {
    if (nameKind == null || namePartAt != start) {
      return false;
    }
    namePartAt = -1;
    nameEnd = tokenEnd;
    if (nameEnd - nameStart > MAX_NAME_LENGTH) {
      nameKind = null;
    }
    return true;
  }

  /** Records the name just read; {@code FROM f(..)} is a table function, not a collection. */
  private void finishName(boolean callFollows) {
    NameKind kind = nameKind;
    nameKind = null;
    namePartAt = -1;
    if (statementEnded) {
      return;
    }
    if (kind == NameKind.PROCEDURE) {
      if (procedureStart < 0) {
        procedureStart = nameStart;
        procedureEnd = nameEnd;
      }
      return;
    }
    if (collectionStart >= 0 || (callFollows && targetIsFrom) || isCteName()) {
      return;
    }
    collectionStart = nameStart;
    collectionEnd = nameEnd;
  }

  private boolean isCteName() {
    if (cteNames != null) {
      int length = nameEnd - nameStart;
      for (String cte : cteNames) {
        if (cte.length() == length && sql.regionMatches(true, nameStart, cte, 0, length)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean startsNamePart(char c) {
    return isWordStart(c)
        || (c == '"' && doubleQuotedIdentifiers)
        || (c == '`' && rules.backticks() != Reading.NO)
        || (c == '[' && rules.brackets() != Reading.NO);
  }

  private void endStatement() {
    if (statementStarted || withMode) {
      statementEnded = true;
    }
    statementStarted = false;
    withMode = false;
    expect = Expect.NONE;
    credentialContext = false;
    identifiedSeen = false;
    verb = null;
    if (cteNames != null) {
      cteNames.clear();
    }
  }

  private Verb verbOf(int start, int wordEnd) {
    for (Verb candidate : Verb.ALL) {
      if (is(start, wordEnd, candidate.name())) {
        return candidate;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- scanning helpers

  /**
   * The index after the quote closing a literal whose body starts at {@code from}, by the given
   * reading of backslashes (doubled quotes always escape); {@link #UNTERMINATED} or, when the
   * readings with and without backslash escapes disagree, {@link #AMBIGUOUS}.
   */
  private int quoteEnd(char quote, int from, int to, Reading escapes) {
    if (escapes == Reading.YES) {
      return closeQuote(quote, from, to, true);
    }
    int plain = closeQuote(quote, from, to, false);
    if (escapes == Reading.NO || !backslashSeen) {
      return plain;
    }
    return closeQuote(quote, from, to, true) == plain ? plain : AMBIGUOUS;
  }

  /** Index after the closing {@code quote}, or {@link #UNTERMINATED}; sets backslashSeen. */
  private int closeQuote(char quote, int from, int to, boolean escapes) {
    backslashSeen = false;
    int j = from;
    while (j < to) {
      char c = sql.charAt(j);
      if (c == '\\') {
        backslashSeen = true;
        if (escapes) {
          j += 2;
          continue;
        }
      } else if (c == quote) {
        if (j + 1 < to && sql.charAt(j + 1) == quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return UNTERMINATED;
  }

  /**
   * The index of the dollar-quote delimiter {@code sql[tagStart, tagStart + length)} in [from,
   * to), or -1. Linear: the delimiter holds no {@code $} but its ends, so after a partial match
   * of m characters the next candidate is at least m further.
   */
  private int findDelimiter(int tagStart, int length, int from, int to) {
    int k = from;
    int last = to - length;
    while (k <= last) {
      if (sql.charAt(k) != '$') {
        k++;
        continue;
      }
      int m = 1;
      while (m < length && sql.charAt(k + m) == sql.charAt(tagStart + m)) {
        m++;
      }
      if (m == length) {
        return k;
      }
      k += m;
    }
    return -1;
  }

  /**
   * What [from, to) holds, read as SQL by the readings that do not share the construct around
   * it: quotes must close inside, comments must not open.
   */
  private Body classify(int from, int to, Region region) {
    Body body = Body.CLEAN;
    for (int k = from; k < to; k++) {
      char c = sql.charAt(k);
      char n = k + 1 < to ? sql.charAt(k + 1) : ' ';
      switch (c) {
        case '\'':
        case '"':
        case '`': {
          // a literal (or identifier) that closes inside: all readings agree on its end
          int close =
              c == '`' ? closeQuote(c, k + 1, to, false) : quoteEnd(c, k + 1, to, rules.backslash());
          if (close < 0) {
            return Body.UNSAFE;
          }
          body = Body.LITERALS;
          k = close - 1;
          continue;
        }
        case '-':
          if (n == '-' && region != Region.LINE) {
            return Body.UNSAFE;
          }
          break;
        case '/':
          if (n == '*') {
            return Body.UNSAFE;
          }
          break;
        case '*':
          if (n == '/') {
            return Body.UNSAFE;
          }
          break;
        case '#':
          if (rules.hashComments() != Reading.NO && region != Region.LINE) {
            return Body.UNSAFE;
          }
          break;
        case '$':
          if (rules.dollarQuotes() != Reading.NO && region != Region.DOLLAR_BODY) {
            return Body.UNSAFE;
          }
          break;
        case '[':
          if (rules.brackets() != Reading.NO && region != Region.IDENTIFIER_BODY) {
            return Body.UNSAFE;
          }
          break;
        default:
          break;
      }
      if (body == Body.CLEAN && (k == from || !isWordPart(sql.charAt(k - 1)))
          && (isDigit(c) || startsBoolean(k, to))) {
        body = Body.LITERALS;
      }
    }
    return body;
  }

  private boolean startsBoolean(int k, int to) {
    char c = (char) (sql.charAt(k) | 0x20);
    if (c != 't' && c != 'f') {
      return false;
    }
    int w = k + 1;
    while (w < to && isWordPart(sql.charAt(w))) {
      w++;
    }
    return is(k, w, "TRUE") || is(k, w, "FALSE");
  }

  /**
   * Index after a number starting at {@code from}: digits and dots, an exponent, then any letters
   * glued to it (hex {@code 0x1F}, binary {@code 0b101}, suffixes such as {@code 1.5f}).
   */
  private int scanNumber(int from) {
    int j = from;
    while (j < end) {
      char c = sql.charAt(j);
      if (isDigit(c) || c == '.') {
        j++;
      } else if ((c == 'e' || c == 'E') && j + 1 < end) {
        char n = sql.charAt(j + 1);
        if (isDigit(n)) {
          j += 2;
        } else if ((n == '+' || n == '-') && j + 2 < end && isDigit(sql.charAt(j + 2))) {
          j += 3;
        } else {
          break;
        }
      } else {
        break;
      }
    }
    while (j < end && isWordPart(sql.charAt(j))) {
      j++;
    }
    return j;
  }

  private boolean unaryPosition() {
    Prev p = prev;
    if (p == Prev.WORD) {
      return in(prevWordStart, prevWordEnd, UNARY_CONTEXT);
    }
    return p != Prev.OPERAND;
  }

  private boolean is(int start, int wordEnd, String keyword) {
    int length = keyword.length();
    return wordEnd - start == length && sql.regionMatches(true, start, keyword, 0, length);
  }

  private boolean in(int start, int wordEnd, String[] keywords) {
    for (String keyword : keywords) {
      if (is(start, wordEnd, keyword)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private boolean isWordStart(char c) {
    if (c < 0x80) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
    return rules.nonAsciiIdentifiers() ? !Character.isWhitespace(c) : Character.isLetter(c);
  }

  private boolean isWordPart(char c) {
    return c < 0x80 ? ASCII_WORD_PART[c] : isWordStart(c);
  }

  /** PostgreSQL: a dollar-quote tag is ASCII letters, underscores and any non-ASCII character. */
  private static boolean isTagStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean isTagPart(char c) {
    return isTagStart(c) || isDigit(c);
  }

  private boolean isIdentifierEnd(char c) {
    return isWordPart(c) || c == '"' || c == '`' || c == ']';
  }

  /** First words of the statements recognized; any other leaves the operation unknown. */
  private enum Verb {
    SELECT(true),
    INSERT(true),
    UPDATE(true),
    DELETE(true),
    MERGE(true),
    UPSERT(true),
    REPLACE(true),
    CALL(false),
    EXEC(false),
    EXECUTE(false),
    CREATE(false),
    ALTER(false),
    DROP(true),
    TRUNCATE(true),
    VALUES(true),
    EXPLAIN(true),
    BEGIN(false),
    START(false),
    COMMIT(false),
    ROLLBACK(false),
    SAVEPOINT(false),
    RELEASE(false),
    GRANT(false),
    REVOKE(true),
    SHOW(true),
    USE(true),
    SET(false),
    LOCK(true),
    CONNECT(false);

    private static final Verb[] ALL = values();

    /**
     * A statement about data, where a word {@code PASSWORD} names a column or a table. In every
     * other statement (users, logins, keys, exports, vendor commands, unknown ones) it starts a
     * credential, and the rest of the statement is replaced.
     */
    final boolean aboutData;

    Verb(boolean aboutData) {
      this.aboutData = aboutData;
    }
  }

  /** What the next word of the statement is expected to be. */
  private enum Expect {
    NONE,
    /** SELECT: the FROM that introduces the collection. */
    FROM,
    /** The collection, after optional words of the skip list. */
    TARGET,
    PROCEDURE,
    /** CREATE / ALTER / DROP: the kind of object. */
    DDL_TYPE
  }

  /** The kind of the previous token, for telling a sign from a minus. */
  private enum Prev {
    START,
    OPERAND,
    PUNCT,
    WORD
  }

  /** Where an {@code IN (?, ?, ?)} list being collapsed stands. */
  private enum InList {
    NONE,
    AFTER_IN,
    VALUE_EXPECTED,
    AFTER_VALUE
  }

  private enum NameKind {
    COLLECTION,
    PROCEDURE
  }

  /** The body of a construct some readings of the dialect do not share. */
  private enum Region {
    /** The rest of a line after {@code #} or {@code --x}: a comment in some readings. */
    LINE,
    /** Between dollar-quote delimiters: SQL in the readings without dollar quotes. */
    DOLLAR_BODY,
    /** Inside brackets or backticks: an identifier in some readings, SQL in others. */
    IDENTIFIER_BODY
  }

  /** What a {@link Region} holds. */
  private enum Body {
    /** Nothing any reading takes for a literal: an identifier can be kept as written. */
    CLEAN,
    /** Numbers or booleans, but nothing that opens a quote or a comment. */
    LITERALS,
    /** A quote or comment opener: the readings may disagree on where a literal ends. */
    UNSAFE
  }

  /**
   * A dialect's rules, as the lexer reads them: one instance per dialect. {@code
   * nonAsciiAmbiguous}: GENERIC, where a non-letter non-ASCII character is an identifier character
   * in some readings only.
   */
  private record Rules(
      Reading backslash,
      Reading escapeStrings,
      Reading dollarQuotes,
      Reading brackets,
      Reading backticks,
      Reading alternativeQuotes,
      Reading nestedComments,
      Reading hashComments,
      Reading spaceAfterDashes,
      boolean dollarNumbers,
      boolean dollarIdentifiers,
      boolean nonAsciiIdentifiers,
      boolean nonAsciiAmbiguous) {

    static Rules of(Dialect d) {
      return new Rules(d.backslashEscapes(), d.escapeStrings(), d.dollarQuotes(),
          d.bracketIdentifiers(), d.backtickIdentifiers(), d.alternativeQuotes(),
          d.nestedComments(), d.hashComments(), d.spaceAfterDashes(), d.dollarNumbers(),
          d.dollarIdentifiers(), d.nonAsciiIdentifiers(), d == Dialect.GENERIC);
    }
  }
}
