package dev.oteltoolkit.readme;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.SimpleJavaFileObject;

/**
 * One {@code java} block turned into a compilation unit, with a map from its lines back to the
 * README's.
 *
 * <p>A block whose code (after its imports) is only type declarations is compiled as it is. Any
 * other block is a fragment: its leading imports stay imports; paragraphs (split at blank lines
 * outside brackets) that start with a modifier or an annotation ({@code private static final Logger
 * log = ...}, {@code public static void main(..)}) or declare a type become members of a wrapper
 * class; the other paragraphs are the body of one method of it. The README's free variables are the
 * preamble: fields and methods of the wrapper, written with fully qualified type names so they
 * import nothing the snippet could then use without its own import. Every unit gets a package of
 * its own ({@code readme.l<line>}), so a snippet sees none of the toolkit's package-private types
 * and two snippets may declare the same class.
 */
final class JavaSnippet extends SimpleJavaFileObject {

  private static final Pattern TYPE_DECLARATION =
      Pattern.compile(
          "^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*"
              + "(?:(?:public|protected|private|abstract|static|final|sealed|non-sealed|strictfp)\\s+)*"
              + "(class|interface|enum|record|@interface)\\s+(\\w+)");
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*public\\s+"
              + "(?:(?:abstract|static|final|sealed|non-sealed|strictfp)\\s+)*"
              + "(?:class|interface|enum|record|@interface)\\s+(\\w+)");
  private static final Pattern MEMBER_START =
      Pattern.compile(
          "^(?:@[\\w.]+|(?:public|protected|private|static|abstract|synchronized|native|transient"
              + "|volatile|default)\\s)");

  private final CodeBlock block;
  private final String source;

  /** For each line of {@link #source} (0-based), the README line it came from, or -1. */
  private final int[] readmeLines;

  private JavaSnippet(
      CodeBlock block, String packageName, String typeName, String source, int[] readmeLines) {
    super(
        URI.create(
            "string:///" + packageName.replace('.', '/') + "/" + typeName + Kind.SOURCE.extension),
        Kind.SOURCE);
    this.block = block;
    this.source = source;
    this.readmeLines = readmeLines;
  }

  /**
   * Wraps {@code block} as described in the class comment.
   *
   * @param block a {@code java} block
   * @param preamble the README's free variables, members of the wrapper of fragments
   */
  static JavaSnippet of(CodeBlock block, String preamble) {
    String packageName = "readme.l" + block.fenceLine();
    List<String> lines = block.lines();
    Builder out = new Builder();
    out.add("package " + packageName + ";", -1);
    int importsEnd = CodeBlock.importsEnd(lines);
    if (lines.stream().anyMatch(line -> line.trim().startsWith("package "))) {
      // a whole file with its own package: as printed (the package line is replaced)
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        out.add(line.trim().startsWith("package ") ? "" : line, block.fileLine(i));
      }
      return out.build(block, packageName, publicTypeName(lines));
    }
    for (int i = 0; i < importsEnd; i++) {
      out.add(lines.get(i), block.fileLine(i));
    }
    List<Paragraph> paragraphs = Paragraph.split(lines, importsEnd);
    // only type declarations (and comments between them): a whole file
    boolean wholeUnit =
        paragraphs.stream().anyMatch(p -> p.kind == Paragraph.TYPE)
            && paragraphs.stream()
                .allMatch(p -> p.kind == Paragraph.TYPE || p.kind == Paragraph.COMMENT);
    if (wholeUnit) {
      for (int i = importsEnd; i < lines.size(); i++) {
        out.add(lines.get(i), block.fileLine(i));
      }
      return out.build(block, packageName, publicTypeName(lines));
    }
    // the given declarations live in a superclass, so a block may declare one of them itself
    // (a field of the block hides the given one) and still compile as printed
    out.add("@SuppressWarnings(\"all\")", -1);
    out.add("abstract class Given {", -1);
    for (String line : preamble.split("\n", -1)) {
      out.add(line, -1);
    }
    out.add("}", -1);
    out.add("@SuppressWarnings(\"all\")", -1);
    out.add("final class Snippet extends Given {", -1);
    for (Paragraph paragraph : paragraphs) {
      if (paragraph.kind == Paragraph.MEMBER || paragraph.kind == Paragraph.TYPE) {
        paragraph.copyTo(out, block);
      }
    }
    out.add("void snippet() throws Throwable {", -1);
    for (Paragraph paragraph : paragraphs) {
      if (paragraph.kind == Paragraph.STATEMENT || paragraph.kind == Paragraph.COMMENT) {
        paragraph.copyTo(out, block);
      }
    }
    out.add("}", -1);
    out.add("}", -1);
    return out.build(block, packageName, "Snippet");
  }

  @Override
  public CharSequence getCharContent(boolean ignoreEncodingErrors) {
    return source;
  }

  /** The block this unit was made from. */
  CodeBlock block() {
    return block;
  }

  /** The generated source, for failure messages about the wrapper itself. */
  String source() {
    return source;
  }

  /**
   * The README line of a line of the generated source.
   *
   * @param sourceLine 1-based line of the generated source
   * @return the README line, or -1 for a line of the wrapper or the preamble
   */
  int readmeLine(long sourceLine) {
    int index = (int) sourceLine - 1;
    return index >= 0 && index < readmeLines.length ? readmeLines[index] : -1;
  }

  /** The name of the file a whole unit must be in: its top-level public type's. */
  private static String publicTypeName(List<String> lines) {
    for (String line : lines) {
      Matcher publicType = PUBLIC_TYPE.matcher(line);
      if (publicType.find()) {
        return publicType.group(1);
      }
    }
    return "Snippet";
  }

  /** Accumulates generated lines and where they came from. */
  private static final class Builder {
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> origins = new ArrayList<>();

    void add(String line, int readmeLine) {
      text.append(line).append('\n');
      origins.add(readmeLine);
    }

    JavaSnippet build(CodeBlock block, String packageName, String typeName) {
      int[] map = origins.stream().mapToInt(Integer::intValue).toArray();
      return new JavaSnippet(block, packageName, typeName, text.toString(), map);
    }
  }

  /** Consecutive lines of a fragment between blank lines at bracket depth zero. */
  private static final class Paragraph {
    static final int STATEMENT = 0;
    static final int MEMBER = 1;
    static final int TYPE = 2;
    static final int COMMENT = 3;

    final int from;
    final int to;
    final int kind;

    private Paragraph(int from, int to, int kind) {
      this.from = from;
      this.to = to;
      this.kind = kind;
    }

    void copyTo(Builder out, CodeBlock block) {
      for (int i = from; i < to; i++) {
        out.add(block.lines().get(i), block.fileLine(i));
      }
    }

    static List<Paragraph> split(List<String> lines, int start) {
      List<Paragraph> paragraphs = new ArrayList<>();
      Depth depth = new Depth();
      int from = -1;
      for (int i = start; i <= lines.size(); i++) {
        boolean end = i == lines.size();
        if (!end && from < 0 && lines.get(i).isBlank()) {
          continue;
        }
        if (end || (lines.get(i).isBlank() && depth.atTop())) {
          if (from >= 0) {
            paragraphs.add(new Paragraph(from, i, classify(lines, from, i)));
          }
          from = -1;
          continue;
        }
        if (from < 0) {
          from = i;
        }
        depth.scan(lines.get(i));
      }
      return paragraphs;
    }

    /** By the first line of the paragraph that is not a comment; COMMENT when all are. */
    private static int classify(List<String> lines, int from, int to) {
      boolean inComment = false;
      for (int i = from; i < to; i++) {
        String line = lines.get(i).trim();
        if (inComment) {
          inComment = !line.contains("*/");
          continue;
        }
        if (line.isEmpty() || line.startsWith("//")) {
          continue;
        }
        if (line.startsWith("/*")) {
          inComment = !line.contains("*/");
          continue;
        }
        if (TYPE_DECLARATION.matcher(line).find()) {
          return TYPE;
        }
        return MEMBER_START.matcher(line).find() ? MEMBER : STATEMENT;
      }
      return COMMENT;
    }
  }

  /** Bracket depth across lines, ignoring brackets in comments, strings and characters. */
  private static final class Depth {
    private int depth;
    private boolean blockComment;
    private boolean textBlock;

    boolean atTop() {
      return depth <= 0 && !blockComment && !textBlock;
    }

    void scan(String line) {
      int i = 0;
      while (i < line.length()) {
        char c = line.charAt(i);
        if (blockComment) {
          if (line.startsWith("*/", i)) {
            blockComment = false;
            i += 2;
          } else {
            i++;
          }
        } else if (textBlock) {
          if (line.startsWith("\"\"\"", i)) {
            textBlock = false;
            i += 3;
          } else {
            i += c == '\\' ? 2 : 1;
          }
        } else if (line.startsWith("//", i)) {
          return;
        } else if (line.startsWith("/*", i)) {
          blockComment = true;
          i += 2;
        } else if (line.startsWith("\"\"\"", i)) {
          textBlock = true;
          i += 3;
        } else if (c == '"' || c == '\'') {
          i = skipQuoted(line, i, c);
        } else {
          if (c == '{' || c == '(' || c == '[') {
            depth++;
          } else if (c == '}' || c == ')' || c == ']') {
            depth--;
          }
          i++;
        }
      }
    }

    private static int skipQuoted(String line, int start, char quote) {
      int i = start + 1;
      while (i < line.length() && line.charAt(i) != quote) {
        i += line.charAt(i) == '\\' ? 2 : 1;
      }
      return i + 1;
    }
  }
}
