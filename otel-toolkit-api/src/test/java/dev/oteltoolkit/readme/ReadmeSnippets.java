package dev.oteltoolkit.readme;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Compiles every {@code java} block of a README against the test class path of the module the
 * README documents, so that what users copy compiles as printed, imports included.
 *
 * <p>Each module with a README has a test like this one, and a block added later is covered without
 * touching it:
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicNode> readmeSnippetsCompile() {
 *   return ReadmeSnippets.of(Path.of("README.md"))
 *       .given("io.opentelemetry.api.OpenTelemetry openTelemetry;")  // the README's free variables
 *       .tests();
 * }
 * }</pre>
 *
 * <p>How a block becomes a compilation unit is {@link JavaSnippet}'s comment. {@code given(..)}
 * declares what the README's prose defines elsewhere (the {@code openTelemetry} or {@code client} a
 * fragment uses), as fields and methods of the wrapper, with fully qualified type names: a snippet
 * still needs an import for every type it names itself. A block that fails fails its test with the
 * README file, the README line and the compiler's message. Pseudo-code goes in a {@code text}
 * fence; a fence without a language fails too, so nothing escapes by accident.
 */
public final class ReadmeSnippets {

  private static final String RELEASE = "17";

  private final Path readme;
  private final String displayName;
  private final List<CodeBlock> blocks;
  private final List<String> given = new ArrayList<>();
  private Map<JavaSnippet, List<String>> results;

  private ReadmeSnippets(Path readme, List<CodeBlock> blocks) {
    this.readme = readme;
    this.displayName = displayName(readme);
    this.blocks = blocks;
  }

  /**
   * Reads a Markdown file.
   *
   * @param readme the file, relative to the working directory (the module's, under Maven)
   * @return the snippets of the file
   */
  public static ReadmeSnippets of(Path readme) {
    Objects.requireNonNull(readme, "readme");
    try {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      return new ReadmeSnippets(readme, CodeBlock.parse(text));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + readme.toAbsolutePath(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(readme + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the {@code java} blocks of a Markdown file.
   *
   * @param readme the file
   * @return its {@code java} blocks in order
   */
  public static List<CodeBlock> javaBlocks(Path readme) {
    return of(readme).javaBlocks();
  }

  /**
   * Declares what the README's snippets use without declaring it: fields, methods or nested types
   * of the class that wraps fragments, with fully qualified type names ({@code
   * "com.rabbitmq.client.Channel channel;"}, {@code "void handle(Object message) {}"}).
   *
   * @param declarations Java member declarations
   * @return this
   */
  public ReadmeSnippets given(String... declarations) {
    for (String declaration : declarations) {
      if (CodeBlock.isImport(declaration)) {
        throw new IllegalArgumentException(
            "given(..) takes declarations with qualified names, not imports (an import there"
                + " would hide a missing import in the README): "
                + declaration);
      }
      given.add(declaration);
    }
    results = null;
    return this;
  }

  /**
   * Returns the {@code java} blocks of the file.
   *
   * @return the blocks in order
   */
  public List<CodeBlock> javaBlocks() {
    return blocks.stream().filter(b -> b.language().equals("java")).collect(Collectors.toList());
  }

  /**
   * One test per {@code java} block (it compiles), and one that every fence names its language.
   *
   * @return the tests, for a {@code @TestFactory}
   */
  public Stream<DynamicNode> tests() {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(
        DynamicTest.dynamicTest(
            displayName + ": every code fence names its language",
            readme.toUri(),
            () -> {
              List<String> bare = bareFences();
              if (!bare.isEmpty()) {
                throw new AssertionError(String.join("\n", bare));
              }
            }));
    for (CodeBlock block : javaBlocks()) {
      String name = displayName + ":" + block.fenceLine() + " compiles";
      URI source = URI.create(readme.toUri() + "?line=" + block.fenceLine());
      tests.add(
          DynamicTest.dynamicTest(
              name,
              source,
              () -> {
                List<String> errors = errorsOf(block);
                if (!errors.isEmpty()) {
                  throw new AssertionError(String.join("\n\n", errors));
                }
              }));
    }
    return tests.stream();
  }

  /**
   * Compiles every {@code java} block and checks every fence; returns the problems.
   *
   * @return one message per problem, empty when every block compiles
   */
  public List<String> failures() {
    List<String> failures = new ArrayList<>(bareFences());
    for (List<String> errors : compileAll().values()) {
      failures.addAll(errors);
    }
    return failures;
  }

  private List<String> bareFences() {
    List<String> bare = new ArrayList<>();
    for (CodeBlock block : blocks) {
      if (block.language().isEmpty()) {
        bare.add(
            displayName
                + ":"
                + block.fenceLine()
                + ": a code fence without a language: write ```java for code that compiles (it"
                + " is then compiled by the build), ```text for pseudo-code and output, or the"
                + " file type (xml, bash, properties, ...)");
      }
    }
    return bare;
  }

  private List<String> errorsOf(CodeBlock block) {
    for (Map.Entry<JavaSnippet, List<String>> entry : compileAll().entrySet()) {
      if (entry.getKey().block() == block) {
        return entry.getValue();
      }
    }
    throw new IllegalStateException("not compiled: block at line " + block.fenceLine());
  }

  private synchronized Map<JavaSnippet, List<String>> compileAll() {
    if (results != null) {
      return results;
    }
    String preamble = String.join("\n", given);
    Map<JavaSnippet, List<String>> compiled = new LinkedHashMap<>();
    for (CodeBlock block : javaBlocks()) {
      compiled.put(JavaSnippet.of(block, preamble), new ArrayList<>());
    }
    if (compiled.isEmpty()) {
      results = compiled;
      return results;
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException(
          "no system Java compiler (javax.tools): README snippets need a JDK, not a JRE ("
              + System.getProperty("java.home")
              + ")");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options =
        List.of(
            "--release",
            RELEASE,
            "-proc:none",
            "-Xlint:none",
            "-encoding",
            "UTF-8",
            "-classpath",
            classPath());
    try (StandardJavaFileManager standard =
            compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        JavaFileManager discarding = new DiscardingFileManager(standard)) {
      compiler.getTask(null, discarding, diagnostics, options, null, compiled.keySet()).call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
      if (diagnostic.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      JavaFileObject source = diagnostic.getSource();
      if (!(source instanceof JavaSnippet)) {
        throw new IllegalStateException(
            displayName
                + ": the compiler failed outside the snippets: "
                + diagnostic.getMessage(Locale.ROOT));
      }
      JavaSnippet snippet = (JavaSnippet) source;
      compiled.get(snippet).add(describe(snippet, diagnostic));
    }
    results = compiled;
    return results;
  }

  private String describe(JavaSnippet snippet, Diagnostic<? extends JavaFileObject> diagnostic) {
    // the wrapper's generated class name would only confuse the reader
    String message =
        diagnostic
            .getMessage(Locale.ROOT)
            .lines()
            .filter(line -> !(line.strip().startsWith("location:") && line.contains("readme.l")))
            .collect(Collectors.joining("\n"));
    int readmeLine = snippet.readmeLine(diagnostic.getLineNumber());
    CodeBlock block = snippet.block();
    if (readmeLine < 0) {
      return displayName
          + ": the java block at line "
          + block.fenceLine()
          + " fails in the test's wrapper or given(..) declarations, line "
          + diagnostic.getLineNumber()
          + " of:\n"
          + numbered(snippet.source())
          + "error: "
          + message;
    }
    String printed = block.lines().get(readmeLine - block.fenceLine() - 1);
    return displayName
        + ":"
        + readmeLine
        + ": error: "
        + message
        + "\n    "
        + printed.strip()
        + "\n  (java block at line "
        + block.fenceLine()
        + ": add the import it needs, fence pseudo-code as ```text, or declare a variable the"
        + " README defines elsewhere in the test's given(..))";
  }

  private static String numbered(String source) {
    StringBuilder out = new StringBuilder();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      out.append(String.format(Locale.ROOT, "%4d  %s%n", i + 1, lines[i]));
    }
    return out.toString();
  }

  /** Surefire's test class path (its manifest-only jar hides it from java.class.path). */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  /** The README's path from the repository root (the directory holding the root pom's .git). */
  private static String displayName(Path readme) {
    Path absolute = readme.toAbsolutePath().normalize();
    for (Path dir = absolute.getParent(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".git"))) {
        return dir.relativize(absolute).toString().replace('\\', '/');
      }
    }
    return absolute.toString();
  }

  /** Class files go nowhere: only the diagnostics matter. */
  private static final class DiscardingFileManager
      extends ForwardingJavaFileManager<StandardJavaFileManager> {

    DiscardingFileManager(StandardJavaFileManager standard) {
      super(standard);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      return new SimpleJavaFileObject(
          URI.create("discarded:///" + className.replace('.', '/') + kind.extension), kind) {
        @Override
        public OutputStream openOutputStream() {
          return OutputStream.nullOutputStream();
        }
      };
    }
  }
}
