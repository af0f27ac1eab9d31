package dev.oteltoolkit.readme;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A fenced code block of a Markdown file.
 *
 * @param language the fence's info string up to the first space ({@code java}, {@code xml}); empty
 *     for a bare fence
 * @param fenceLine the 1-based line of the opening fence in the file
 * @param lines the block's lines, with the fence's own indentation removed
 */
public record CodeBlock(String language, int fenceLine, List<String> lines) {

  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;\\s*$");

  /** Copies the lines. */
  public CodeBlock {
    lines = List.copyOf(lines);
  }

  /**
   * Returns the 1-based line in the file of the block's line at {@code index}.
   *
   * @param index 0-based index into {@link #lines()}
   * @return the line number in the file
   */
  public int fileLine(int index) {
    return fenceLine + 1 + index;
  }

  /**
   * Returns the block's text, lines joined with {@code \n}, without a trailing newline.
   *
   * @return the code as printed
   */
  public String code() {
    return String.join("\n", lines);
  }

  /**
   * Returns the block's text after its leading import lines and the blank lines around them: the
   * code a test runs when it keeps the README's imports in its own import section.
   *
   * @return the code without its imports
   */
  public String codeWithoutImports() {
    int first = importsEnd(lines);
    return String.join("\n", lines.subList(first, lines.size()));
  }

  /** The index of the first line after the leading imports (and blank lines) of {@code lines}. */
  static int importsEnd(List<String> lines) {
    int index = 0;
    int afterLastImport = 0;
    while (index < lines.size()) {
      String line = lines.get(index).trim();
      if (IMPORT.matcher(line).matches()) {
        afterLastImport = index + 1;
      } else if (!line.isEmpty()) {
        break;
      }
      index++;
    }
    if (afterLastImport == 0) {
      return 0;
    }
    while (afterLastImport < lines.size() && lines.get(afterLastImport).isBlank()) {
      afterLastImport++;
    }
    return afterLastImport;
  }

  /** Whether {@code line} is an import declaration. */
  static boolean isImport(String line) {
    return IMPORT.matcher(line.trim()).matches();
  }

  /**
   * Reads the fenced code blocks of a Markdown text (backtick and tilde fences, indented ones too,
   * as in list items).
   *
   * @param markdown the text
   * @return the blocks in order
   * @throws IllegalArgumentException when a fence is never closed
   */
  public static List<CodeBlock> parse(String markdown) {
    String[] lines = markdown.replace("\r\n", "\n").split("\n", -1);
    List<CodeBlock> blocks = new ArrayList<>();
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      int indent = indentOf(line);
      String rest = line.substring(indent);
      char fenceChar = rest.isEmpty() ? 0 : rest.charAt(0);
      int fenceLength = run(rest, fenceChar);
      if (indent > 3 || (fenceChar != '`' && fenceChar != '~') || fenceLength < 3) {
        i++;
        continue;
      }
      String info = rest.substring(fenceLength).trim();
      String language = info.isEmpty() ? "" : info.split("\\s+", 2)[0];
      int open = i;
      List<String> content = new ArrayList<>();
      i++;
      boolean closed = false;
      while (i < lines.length) {
        String candidate = lines[i];
        int candidateIndent = indentOf(candidate);
        String candidateRest = candidate.substring(candidateIndent);
        if (candidateIndent <= 3
            && run(candidateRest, fenceChar) >= fenceLength
            && candidateRest.substring(run(candidateRest, fenceChar)).isBlank()) {
          closed = true;
          i++;
          break;
        }
        content.add(candidate.substring(Math.min(indent, indentOf(candidate))));
        i++;
      }
      if (!closed) {
        throw new IllegalArgumentException(
            "line " + (open + 1) + ": the code fence opened here is never closed");
      }
      blocks.add(new CodeBlock(language, open + 1, content));
    }
    return blocks;
  }

  private static int indentOf(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  private static int run(String text, char c) {
    int n = 0;
    while (n < text.length() && text.charAt(n) == c) {
      n++;
    }
    return n;
  }
}
