package dev.oteltoolkit.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * One pass over a SQL text: copies it to the output with every literal replaced by {@code ?}
 * and, on the way, finds the operation, the first collection and the stored procedure.
 *
 * <p>Not thread-safe: one instance per text. The rules are documented on {@link SqlSanitizer}.
 * The lexer never throws for any input: every scan is bounded by {@link #end} and an
 * unterminated construct (quote, comment, dollar quote) runs to the end of the text and is
 * replaced as a whole.
 */
final class SqlLexer {

  /** Names that start the statements we recognize; anything else leaves the operation unknown. */
  private static final String[] OPERATIONS = {
    "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "CALL", "EXEC",
    "EXECUTE", "CREATE", "ALTER", "DROP", "TRUNCATE", "VALUES", "EXPLAIN", "BEGIN", "START",
    "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "GRANT", "REVOKE", "SHOW", "USE", "SET", "LOCK",
    "CONNECT"
  };

  private static final int OP_UNKNOWN = -1;
  private static final int OP_SELECT = 0;
  private static final int OP_INSERT = 1;
  private static final int OP_UPDATE = 2;
  private static final int OP_DELETE = 3;
  private static final int OP_MERGE = 4;
  private static final int OP_UPSERT = 5;
  private static final int OP_REPLACE = 6;
  private static final int OP_CALL = 7;
  private static final int OP_EXEC = 8;
  private static final int OP_EXECUTE = 9;
  private static final int OP_CREATE = 10;
  private static final int OP_ALTER = 11;
  private static final int OP_DROP = 12;
  private static final int OP_TRUNCATE = 13;
  private static final int OP_GRANT = 20;
  private static final int OP_SET = 26;
  private static final int OP_CONNECT = 28;

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

  /** Kinds of object whose DDL holds no credential: a {@code password} there is a column. */
  private static final String[] DATA_OBJECTS = {
    "TABLE", "INDEX", "VIEW", "MATERIALIZED", "SEQUENCE", "TRIGGER", "SCHEMA", "FUNCTION",
    "PROCEDURE", "TYPE", "DOMAIN", "EXTENSION", "DATABASE", "ALIAS", "SYNONYM", "CONSTANT"
  };

  /** Main statements after a {@code WITH} clause. */
  private static final String[] WITH_MAIN = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"};

  /** Words after which {@code -1} is a negative number, not a subtraction. */
  private static final String[] UNARY_CONTEXT = {
    "SELECT", "WHERE", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "IN", "IS", "LIKE", "ILIKE",
    "BETWEEN", "VALUES", "SET", "BY", "LIMIT", "OFFSET", "RETURN", "ON", "HAVING", "AS", "CASE",
    "DEFAULT", "TOP", "ESCAPE", "INTERVAL"
  };

  /** Longest collection or procedure name recorded; longer ones are not names but garbage. */
  private static final int MAX_NAME_LENGTH = 256;

  private static final int PREV_START = 0;
  private static final int PREV_OPERAND = 1;
  private static final int PREV_PUNCT = 2;
  private static final int PREV_WORD = 3;

  private static final int EXPECT_NONE = 0;
  private static final int EXPECT_FROM = 1;
  private static final int EXPECT_TARGET = 2;
  private static final int EXPECT_PROCEDURE = 3;
  private static final int EXPECT_DDL_TYPE = 4;

  private final String sql;
  private final int end;
  private final boolean truncated;
  private final boolean doubleQuotedIdentifiers;
  private final boolean backslashEscapes;
  private final boolean hashComments;
  private final boolean nestedComments;
  private final StringBuilder out;

  private boolean pendingSpace;
  private boolean pendingNewline;
  private int prevKind = PREV_START;
  private int prevWordStart;
  private int prevWordEnd;

  // IN (?, ?, ?) collapse: 1 = after IN, 2 = in the list expecting a value, 3 = after a value
  private int inState;
  private int inListOpen;
  private int inCount;

  private int depth;
  private boolean statementStarted;
  private boolean statementEnded;
  private boolean multiStatement;
  private int stmtDepth;
  private int opKind = OP_UNKNOWN;
  private int opStart = -1;
  private int opEnd;
  private String operation;
  private int expect;
  private String[] targetSkip;
  private boolean targetIsFrom;
  private int collectionStart = -1;
  private int collectionEnd;
  private int procedureStart = -1;
  private int procedureEnd;
  private boolean credentialContext;
  private boolean identifiedSeen;
  private boolean withMode;
  private int withDepth;
  private boolean expectCteName;
  private List<String> cteNames;
  private boolean masked;
  private boolean quoteTerminated;

  SqlLexer(String sql, int limit, SqlSanitizer.Dialect dialect, boolean literalDoubleQuotes) {
    this.sql = sql;
    int length = sql.length();
    int cut = Math.min(length, limit);
    if (cut < length && cut > 0 && Character.isHighSurrogate(sql.charAt(cut - 1))) {
      cut--;
    }
    this.end = cut;
    this.truncated = cut < length;
    this.doubleQuotedIdentifiers = dialect.doubleQuotedIdentifiers && !literalDoubleQuotes;
    this.backslashEscapes = dialect.backslashEscapes;
    this.hashComments = dialect.hashComments;
    this.nestedComments = dialect.nestedComments;
    this.out = new StringBuilder(Math.min(cut + 8, limit + 8));
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
      i = token(c, i);
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
        return literal(scanQuoted('\'', i + 1, backslashEscapes));
      case '"':
        return doubleQuoted(i);
      case '`':
        return backtick(i);
      case '$':
        return dollar(i);
      case '?':
        emitValue();
        return i + 1;
      case '-':
        if (i + 1 < end && sql.charAt(i + 1) == '-') {
          return lineComment(i, 2);
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
        if (hashComments) {
          return lineComment(i, 1);
        }
        return punct(c, i);
      case '.':
        if (i + 1 < end && isDigit(sql.charAt(i + 1))
            && (i == 0 || !isIdentifierEnd(sql.charAt(i - 1)))) {
          return literal(scanNumber(i));
        }
        return punct(c, i);
      case ':':
        if (i + 1 < end && isDigit(sql.charAt(i + 1)) && prevKind != PREV_OPERAND) {
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
    while (j < end && isWordPart(sql.charAt(j))) {
      j++;
    }
    int length = j - start;
    if (j < end && length <= 2) {
      char next = sql.charAt(j);
      if (next == '\'') {
        int literalEnd = prefixedString(start, j);
        if (literalEnd > 0) {
          return literal(literalEnd);
        }
      } else if (next == '&' && length == 1 && (sql.charAt(start) | 0x20) == 'u'
          && j + 1 < end && sql.charAt(j + 1) == '\'') {
        // PostgreSQL / standard Unicode escape string U&'d\0061t\+000061'
        return literal(scanQuoted('\'', j + 2, false));
      }
    }
    if (is(start, j, "TRUE") || is(start, j, "FALSE")) {
      return literal(j);
    }
    beforeToken();
    out.append(sql, start, j);
    prevKind = PREV_WORD;
    prevWordStart = start;
    prevWordEnd = j;
    inState = is(start, j, "IN") ? 1 : 0;
    onWord(start, j);
    return j;
  }

  /**
   * Returns the end of a string literal with a prefix ({@code N'..'}, {@code E'..'}, {@code
   * X'..'}, {@code B'..'}, Oracle's {@code q'[..]'}), or -1 when the word is not such a prefix.
   */
  private int prefixedString(int start, int quote) {
    char first = (char) (sql.charAt(start) | 0x20);
    if (quote - start == 1) {
      switch (first) {
        case 'n':
        case 'x':
        case 'b':
          return scanQuoted('\'', quote + 1, backslashEscapes);
        case 'e':
          // PostgreSQL escape string: backslash escapes whatever the dialect
          return scanQuoted('\'', quote + 1, true);
        case 'q':
          return Character.isWhitespace(charAt(quote + 1))
              ? scanQuoted('\'', quote + 1, backslashEscapes)
              : alternativeQuote(quote);
        default:
          return -1;
      }
    }
    if (first == 'n' && (sql.charAt(start + 1) | 0x20) == 'q') {
      return Character.isWhitespace(charAt(quote + 1))
          ? scanQuoted('\'', quote + 1, backslashEscapes)
          : alternativeQuote(quote);
    }
    return -1;
  }

  /** Oracle's alternative quoting {@code q'[it's]'}: from the quote at {@code quote}. */
  private int alternativeQuote(int quote) {
    int close = alternativeQuoteEnd(quote, end);
    return close < 0 ? end : close;
  }

  /** The index after Oracle's alternative quote opened at {@code quote}; -1 if not before to. */
  private int alternativeQuoteEnd(int quote, int to) {
    if (quote + 1 >= to) {
      return -1;
    }
    char open = sql.charAt(quote + 1);
    if (Character.isWhitespace(open)) {
      return -1;
    }
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
    return -1;
  }

  private int doubleQuoted(int start) {
    int j = scanQuoted('"', start + 1, backslashEscapes);
    boolean terminated = quoteTerminated;
    if (terminated) {
      onIdentifierToken(start);
    }
    if (doubleQuotedIdentifiers && terminated) {
      emitVerbatim(start, j);
      return j;
    }
    return literal(j);
  }

  private int backtick(int start) {
    int j = scanQuoted('`', start + 1, false);
    if (quoteTerminated) {
      onIdentifierToken(start);
      emitVerbatim(start, j);
      return j;
    }
    return literal(j);
  }

  private int dollar(int start) {
    int next = start + 1;
    if (next >= end) {
      return punct('$', start);
    }
    char c = sql.charAt(next);
    if (isDigit(c)) {
      // PostgreSQL positional parameter $1, kept
      int j = next;
      while (j < end && isDigit(sql.charAt(j))) {
        j++;
      }
      emitVerbatim(start, j);
      return j;
    }
    if (c == '$') {
      int close = indexOf("$$", start + 2, end);
      return literal(close < 0 ? end : close + 2);
    }
    if (isWordStart(c)) {
      int j = next + 1;
      while (j < end && (isWordStart(sql.charAt(j)) || isDigit(sql.charAt(j)))) {
        j++;
      }
      if (j < end && sql.charAt(j) == '$') {
        // tagged dollar quote $tag$ ... $tag$
        String tag = sql.substring(start, j + 1);
        int close = indexOf(tag, j + 1, end);
        return literal(close < 0 ? end : close + tag.length());
      }
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

  private int lineComment(int start, int markerLength) {
    int j = start + markerLength;
    while (j < end && sql.charAt(j) != '\n' && sql.charAt(j) != '\r') {
      j++;
    }
    beforeToken();
    out.append(sql, start, start + markerLength);
    commentBody(start + markerLength, j);
    inState = 0;
    pendingNewline = j < end;
    return j;
  }

  private int blockComment(int start) {
    int level = 1;
    int j = start + 2;
    int closeStart = end;
    while (j < end) {
      char c = sql.charAt(j);
      if (c == '*' && j + 1 < end && sql.charAt(j + 1) == '/') {
        if (--level == 0) {
          closeStart = j;
          break;
        }
        j += 2;
      } else if (nestedComments && c == '/' && j + 1 < end && sql.charAt(j + 1) == '*') {
        level++;
        j += 2;
      } else {
        j++;
      }
    }
    beforeToken();
    out.append("/*");
    commentBody(start + 2, closeStart);
    inState = 0;
    if (closeStart < end) {
      out.append("*/");
      return closeStart + 2;
    }
    return end;
  }

  /**
   * Copies a comment's text keeping its shape but not its literals: quoted text and numbers
   * become {@code ?}; a quote that does not close inside the comment hides the rest of it.
   */
  private void commentBody(int from, int to) {
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
      if (c == '\'' || c == '"' || c == '`') {
        // a backslash escapes here whatever the dialect: in a comment, hiding more is harmless
        int close = commentQuoteEnd(c, k + 1, to);
        out.append('?');
        if (close < 0) {
          return;
        }
        k = close + 1;
      } else if (c == '$' && k + 1 < to
          && (sql.charAt(k + 1) == '$' || isWordStart(sql.charAt(k + 1)))) {
        // a dollar quote inside a comment is not a literal for the database, but looks like one
        int tagEnd = k + 1;
        while (tagEnd < to && (isWordStart(sql.charAt(tagEnd)) || isDigit(sql.charAt(tagEnd)))) {
          tagEnd++;
        }
        if (tagEnd < to && sql.charAt(tagEnd) == '$') {
          String tag = sql.substring(k, tagEnd + 1);
          int close = indexOf(tag, tagEnd + 1, to);
          out.append('?');
          if (close < 0) {
            return;
          }
          k = close + tag.length();
        } else {
          out.append(c);
          k++;
        }
      } else if ((c | 0x20) == 'q' && k + 1 < to && sql.charAt(k + 1) == '\''
          && (k == from || !isWordStart(sql.charAt(k - 1)) || (sql.charAt(k - 1) | 0x20) == 'n')) {
        // Oracle's q'[...]' inside a comment
        int close = alternativeQuoteEnd(k + 1, to);
        out.append('?');
        if (close < 0) {
          return;
        }
        k = close;
      } else if (isDigit(c) && (k == from || !isWordPart(sql.charAt(k - 1)))) {
        k++;
        while (k < to && (isWordPart(sql.charAt(k)) || sql.charAt(k) == '.')) {
          k++;
        }
        out.append('?');
      } else {
        out.append(c);
        k++;
      }
    }
    if (space) {
      out.append(' ');
    }
  }

  private char charAt(int i) {
    return i < end ? sql.charAt(i) : ' ';
  }

  /** The index of {@code needle} wholly inside [from, to), or -1. */
  private int indexOf(String needle, int from, int to) {
    int last = to - needle.length();
    char first = needle.charAt(0);
    for (int k = from; k <= last; k++) {
      if (sql.charAt(k) == first && sql.startsWith(needle, k)) {
        return k;
      }
    }
    return -1;
  }

  private int commentQuoteEnd(char quote, int from, int to) {
    int k = from;
    while (k < to) {
      char c = sql.charAt(k);
      if (c == '\\') {
        k += 2;
      } else if (c == quote) {
        if (k + 1 < to && sql.charAt(k + 1) == quote) {
          k += 2;
        } else {
          return k;
        }
      } else {
        k++;
      }
    }
    return -1;
  }

  private int closingQuote(char quote, int from, int to) {
    int k = from;
    while (k < to) {
      if (sql.charAt(k) == quote) {
        if (k + 1 < to && sql.charAt(k + 1) == quote) {
          k += 2;
          continue;
        }
        return k;
      }
      k++;
    }
    return -1;
  }

  private int punct(char c, int i) {
    beforeToken();
    out.append(c);
    switch (c) {
      case '(':
        if (expect == EXPECT_TARGET && depth == stmtDepth) {
          // FROM (subquery) alias: an anonymous table, no collection name
          expect = EXPECT_NONE;
        }
        depth++;
        if (inState == 1) {
          inState = 2;
          inListOpen = out.length();
          inCount = 0;
        } else {
          inState = 0;
        }
        prevKind = PREV_PUNCT;
        break;
      case ')':
        if (depth > 0) {
          depth--;
        }
        if (inState == 3 && inCount > 1) {
          out.setLength(inListOpen);
          out.append("?)");
        }
        inState = 0;
        prevKind = PREV_OPERAND;
        break;
      case ',':
        inState = inState == 3 ? 2 : 0;
        prevKind = PREV_PUNCT;
        if (withMode && depth == withDepth) {
          expectCteName = true;
        }
        break;
      case ';':
        inState = 0;
        prevKind = PREV_PUNCT;
        if (depth == 0) {
          endStatement();
        }
        break;
      case ']':
        inState = 0;
        prevKind = PREV_OPERAND;
        break;
      case '[':
        inState = 0;
        prevKind = PREV_PUNCT;
        onIdentifierToken(i);
        break;
      default:
        inState = 0;
        prevKind = PREV_PUNCT;
        if (expect == EXPECT_TARGET && depth == stmtDepth && c != '.') {
          expect = EXPECT_NONE;
        }
    }
    return i + 1;
  }

  /** Emits {@code ?} for a literal that ends at {@code literalEnd}; returns that index. */
  private int literal(int literalEnd) {
    emitValue();
    return literalEnd;
  }

  /** Emits {@code ?}: a literal, or a JDBC placeholder. */
  private void emitValue() {
    beforeToken();
    out.append('?');
    prevKind = PREV_OPERAND;
    if (inState == 2) {
      inState = 3;
      inCount++;
    } else {
      inState = 0;
    }
    if (expect == EXPECT_TARGET && depth == stmtDepth) {
      expect = EXPECT_NONE;
    }
  }

  private void emitVerbatim(int start, int tokenEnd) {
    beforeToken();
    out.append(sql, start, tokenEnd);
    prevKind = PREV_OPERAND;
    inState = 0;
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
  private void mask() {
    out.append(" ?");
    masked = true;
  }

  // ---------------------------------------------------------------- statement structure

  private void onWord(int start, int wordEnd) {
    if (identifiedSeen
        && (is(start, wordEnd, "BY") || is(start, wordEnd, "AS") || is(start, wordEnd, "USING"))) {
      mask();
      return;
    }
    if (is(start, wordEnd, "IDENTIFIED")) {
      identifiedSeen = true;
      return;
    }
    if (credentialContext
        && (is(start, wordEnd, "PASSWORD")
            || (opKind == OP_CONNECT && is(start, wordEnd, "USING")))) {
      mask();
      return;
    }
    if (!statementStarted) {
      startStatement(start, wordEnd);
      return;
    }
    if (depth != stmtDepth) {
      return;
    }
    switch (expect) {
      case EXPECT_FROM:
        if (is(start, wordEnd, "FROM")) {
          expectTarget(FROM_SKIP, true);
        }
        break;
      case EXPECT_TARGET:
        if (opKind == OP_TRUNCATE && is(start, wordEnd, "TABLE")) {
          refineOperation(start, wordEnd);
        } else if (!in(start, wordEnd, targetSkip)) {
          captureCollection(start);
        }
        break;
      case EXPECT_PROCEDURE:
        captureProcedure(start);
        break;
      case EXPECT_DDL_TYPE:
        ddlType(start, wordEnd);
        break;
      default:
        break;
    }
  }

  /** A quoted identifier ({@code "t"}, {@code `t`}, {@code [t]}) where a name may be expected. */
  private void onIdentifierToken(int start) {
    if (!statementStarted || depth != stmtDepth) {
      return;
    }
    if (expect == EXPECT_TARGET) {
      captureCollection(start);
    } else if (expect == EXPECT_PROCEDURE) {
      captureProcedure(start);
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
    opKind = operationKind(start, wordEnd);
    expect = EXPECT_NONE;
    if (opKind == OP_UNKNOWN) {
      return;
    }
    if (first) {
      opStart = start;
      opEnd = wordEnd;
      operation = sql.substring(start, wordEnd);
    }
    switch (opKind) {
      case OP_SELECT:
        expect = EXPECT_FROM;
        break;
      case OP_INSERT:
      case OP_UPSERT:
      case OP_REPLACE:
        expectTarget(INSERT_SKIP, false);
        break;
      case OP_UPDATE:
        expectTarget(UPDATE_SKIP, false);
        break;
      case OP_DELETE:
        expectTarget(DELETE_SKIP, false);
        break;
      case OP_MERGE:
        expectTarget(MERGE_SKIP, false);
        break;
      case OP_TRUNCATE:
        expectTarget(TABLE_SKIP, false);
        break;
      case OP_CALL:
      case OP_EXEC:
      case OP_EXECUTE:
        expect = EXPECT_PROCEDURE;
        break;
      case OP_CREATE:
      case OP_ALTER:
      case OP_DROP:
        expect = EXPECT_DDL_TYPE;
        break;
      case OP_SET:
      case OP_GRANT:
      case OP_CONNECT:
        credentialContext = true;
        break;
      default:
        break;
    }
  }

  private void ddlType(int start, int wordEnd) {
    if (in(start, wordEnd, DDL_MODIFIERS)) {
      return;
    }
    expect = EXPECT_NONE;
    if (in(start, wordEnd, DDL_REFINED)) {
      refineOperation(start, wordEnd);
    }
    if (is(start, wordEnd, "TABLE")) {
      expectTarget(TABLE_SKIP, false);
    }
    if (opKind != OP_DROP && !in(start, wordEnd, DATA_OBJECTS)) {
      // CREATE USER / ALTER ROLE / CREATE LOGIN ...: a PASSWORD clause follows
      credentialContext = true;
    }
  }

  private void refineOperation(int start, int wordEnd) {
    if (!statementEnded && opStart >= 0) {
      operation = sql.substring(opStart, opEnd) + ' ' + sql.substring(start, wordEnd);
    }
  }

  private void expectTarget(String[] skip, boolean fromClause) {
    expect = EXPECT_TARGET;
    targetSkip = skip;
    targetIsFrom = fromClause;
  }

  private void captureCollection(int start) {
    expect = EXPECT_NONE;
    int nameEnd = scanQualifiedName(start);
    if (nameEnd < 0 || statementEnded || collectionStart >= 0
        || nameEnd - start > MAX_NAME_LENGTH) {
      return;
    }
    if (targetIsFrom) {
      int k = nameEnd;
      while (k < end && Character.isWhitespace(sql.charAt(k))) {
        k++;
      }
      if (k < end && sql.charAt(k) == '(') {
        // FROM generate_series(1, 10): a table function, not a collection
        return;
      }
    }
    if (cteNames != null) {
      for (String cte : cteNames) {
        if (cte.length() == nameEnd - start
            && sql.regionMatches(true, start, cte, 0, cte.length())) {
          return;
        }
      }
    }
    collectionStart = start;
    collectionEnd = nameEnd;
  }

  private void captureProcedure(int start) {
    expect = EXPECT_NONE;
    int nameEnd = scanQualifiedName(start);
    if (nameEnd < 0 || statementEnded || procedureStart >= 0
        || nameEnd - start > MAX_NAME_LENGTH) {
      return;
    }
    procedureStart = start;
    procedureEnd = nameEnd;
  }

  private void endStatement() {
    if (statementStarted || withMode) {
      statementEnded = true;
    }
    statementStarted = false;
    withMode = false;
    expect = EXPECT_NONE;
    credentialContext = false;
    identifiedSeen = false;
    opKind = OP_UNKNOWN;
    if (cteNames != null) {
      cteNames.clear();
    }
  }

  /** The end of a possibly qualified, possibly quoted name starting at {@code start}, or -1. */
  private int scanQualifiedName(int start) {
    int j = scanNamePart(start);
    if (j < 0) {
      return -1;
    }
    while (j + 1 < end && sql.charAt(j) == '.') {
      int k = scanNamePart(j + 1);
      if (k < 0) {
        break;
      }
      j = k;
    }
    if (j + 1 < end && sql.charAt(j) == '@' && isWordStart(sql.charAt(j + 1))) {
      // Oracle database link: table@link
      j = scanNamePart(j + 1);
    }
    return j;
  }

  private int scanNamePart(int start) {
    char c = sql.charAt(start);
    if (isWordStart(c)) {
      int j = start + 1;
      while (j < end && isWordPart(sql.charAt(j))) {
        j++;
      }
      return j;
    }
    char close;
    if (c == '"' || c == '`') {
      close = c;
    } else if (c == '[') {
      close = ']';
    } else {
      return -1;
    }
    int k = closingQuote(close, start + 1, end);
    return k < 0 ? -1 : k + 1;
  }

  private int operationKind(int start, int wordEnd) {
    for (int k = 0; k < OPERATIONS.length; k++) {
      if (is(start, wordEnd, OPERATIONS[k])) {
        return k;
      }
    }
    return OP_UNKNOWN;
  }

  // ---------------------------------------------------------------- scanning helpers

  /** Index after the closing {@code quote}; doubled quotes (and backslashes if asked) escape. */
  private int scanQuoted(char quote, int from, boolean backslash) {
    quoteTerminated = false;
    int j = from;
    while (j < end) {
      char c = sql.charAt(j);
      if (backslash && c == '\\') {
        j += 2;
        continue;
      }
      if (c == quote) {
        if (j + 1 < end && sql.charAt(j + 1) == quote) {
          j += 2;
          continue;
        }
        quoteTerminated = true;
        return j + 1;
      }
      j++;
    }
    return end;
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
    switch (prevKind) {
      case PREV_START:
      case PREV_PUNCT:
        return true;
      case PREV_WORD:
        return in(prevWordStart, prevWordEnd, UNARY_CONTEXT);
      default:
        return false;
    }
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

  private static boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || (c > 127 && Character.isLetter(c));
  }

  private static boolean isWordPart(char c) {
    return isWordStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isIdentifierEnd(char c) {
    return isWordPart(c) || c == '"' || c == '`' || c == ']';
  }
}
