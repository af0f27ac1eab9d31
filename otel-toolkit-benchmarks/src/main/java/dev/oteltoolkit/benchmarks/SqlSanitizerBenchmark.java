package dev.oteltoolkit.benchmarks;

import dev.oteltoolkit.jdbc.SqlSanitizer;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlDialect;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlQuery;
import io.opentelemetry.instrumentation.api.incubator.semconv.db.SqlQueryAnalyzer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The toolkit's {@link SqlSanitizer} against the official one (opentelemetry-jdbc 2.31.1-alpha
 * sanitizes through {@link SqlQueryAnalyzer} of opentelemetry-instrumentation-api-incubator), on
 * the same statements ({@link SqlCorpus}: selects, inserts, updates, deletes with literals, {@code
 * IN} lists, joins, comments; 180 characters on average, one in 32 a long one of 0.7 to 2.3
 * thousand).
 *
 * <p>Both sides do the same work: one pass that replaces the literals and finds the operation and
 * the collection (ours keeps them in its cache entry, the official returns them in its {@link
 * SqlQuery}); {@link #setUp} checks that both give the same text for every statement of both
 * corpora. Both keep results in a static, bounded, per-JVM cache keyed by the statement text: ours
 * two generations of {@code SqlSanitizer.CACHE_GENERATION_SIZE} (512) entries per dialect for texts
 * up to 4096 characters, the official an LRU of 1000 entries for texts up to 10240.
 *
 * <ul>
 *   <li>{@code oursCold} / {@code officialCold}: each call is a cache miss on both sides: they
 *       cycle through {@value #COLD_SIZE} distinct statements, four times either cache, so a
 *       statement comes back only after both caches have dropped it ({@link #setUp} checks that the
 *       first one is gone after a pass). Each call pays the lexer, the miss and the insertion with
 *       its eviction: what an application that builds its SQL with literals pays.
 *   <li>{@code oursWarm} / {@code officialWarm}: {@value #WARM_SIZE} distinct statements in a
 *       cycle, which both caches hold after the first pass: the cost of a hit, what prepared
 *       statements and constant SQL texts pay.
 *   <li>{@code officialSummaryCold}: informational, the official analysis that also builds {@code
 *       db.query.summary}, which the official JDBC wrapper runs when the stable database
 *       conventions are on ({@code otel.semconv-stability.opt-in=database}, as in {@link
 *       JdbcBenchmark}). Ours has no summary; the goal compares against the lighter {@code
 *       analyze}.
 * </ul>
 *
 * <p>The dialects match: our default ({@code GENERIC}, double quotes delimit literals) and the
 * official {@link SqlDialect#DOUBLE_QUOTES_ARE_STRING_LITERALS}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsPrepend = BenchmarkSdk.NO_MDC_BRIDGE)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class SqlSanitizerBenchmark {

  /** Distinct statements the cold benchmarks cycle through; a power of two. */
  static final int COLD_SIZE = 4096;

  /** Distinct statements the warm benchmarks cycle through; a power of two. */
  static final int WARM_SIZE = 16;

  /** The official cache's capacity (SqlQueryAnalyzer, 2.31.1-alpha: Cache.bounded(1000)). */
  private static final int OFFICIAL_CACHE_SIZE = 1000;

  private static final SqlDialect OFFICIAL_DIALECT = SqlDialect.DOUBLE_QUOTES_ARE_STRING_LITERALS;

  private final SqlQueryAnalyzer official = SqlQueryAnalyzer.create(true);
  private String[] cold;
  private String[] warm;
  private int coldIndex;
  private int warmIndex;

  /**
   * Builds the corpora, checks that both sanitizers agree on every statement, that the cold corpus
   * is larger than both caches and that its statements really fall out of them.
   *
   * @throws ReflectiveOperationException when a cache probe cannot be reached (a new version of
   *     either side: update the probes)
   */
  @Setup
  public void setUp() throws ReflectiveOperationException {
    cold = SqlCorpus.statements(COLD_SIZE, 20_240_501L);
    warm = SqlCorpus.statements(WARM_SIZE, 7L);
    for (String[] corpus : new String[][] {cold, warm}) {
      for (String sql : corpus) {
        String ours = SqlSanitizer.sanitize(sql);
        SqlQuery theirs = official.analyze(sql, OFFICIAL_DIALECT);
        SqlQuery theirsWithSummary = official.analyzeWithSummary(sql, OFFICIAL_DIALECT);
        if (!ours.equals(theirs.getQueryText())
            || !ours.equals(theirsWithSummary.getQueryText())
            || ours.contains("'")
            || theirsWithSummary.getQuerySummary() == null) {
          throw new IllegalStateException(
              "the sanitizers do not do the same work on "
                  + sql
                  + "\n  ours:     "
                  + ours
                  + "\n  official: "
                  + theirs.getQueryText()
                  + " (summary "
                  + theirsWithSummary.getQuerySummary()
                  + ")");
        }
      }
    }

    Field generation = SqlSanitizer.class.getDeclaredField("CACHE_GENERATION_SIZE");
    generation.setAccessible(true);
    int ourCacheSize = 2 * generation.getInt(null);
    if (COLD_SIZE < 4 * Math.max(ourCacheSize, OFFICIAL_CACHE_SIZE)) {
      throw new IllegalStateException(
          "the cold corpus ("
              + COLD_SIZE
              + ") must be four times "
              + "the larger cache (ours "
              + ourCacheSize
              + ", official "
              + OFFICIAL_CACHE_SIZE
              + ")");
    }
    Method cachedEntries =
        SqlSanitizer.class.getDeclaredMethod("cachedEntries", SqlSanitizer.Dialect.class);
    cachedEntries.setAccessible(true);
    int ourEntries = (Integer) cachedEntries.invoke(null, SqlSanitizer.Dialect.GENERIC);
    if (ourEntries > ourCacheSize) {
      throw new IllegalStateException(
          "our cache holds " + ourEntries + " entries, more than " + ourCacheSize);
    }
    // the pass above ended with the warm corpus: the first cold statement must be long gone
    Method isCached =
        SqlQueryAnalyzer.class.getDeclaredMethod("isCached", String.class, SqlDialect.class);
    isCached.setAccessible(true);
    if ((Boolean) isCached.invoke(null, cold[0], OFFICIAL_DIALECT)) {
      throw new IllegalStateException(
          "the official cache still holds the first cold statement "
              + "after a pass: the cold corpus does not defeat it");
    }
    if (!(Boolean) isCached.invoke(null, warm[0], OFFICIAL_DIALECT)) {
      throw new IllegalStateException("the official cache does not hold a warm statement");
    }
  }

  /**
   * Ours, every call a cache miss.
   *
   * @return the sanitized text
   */
  @Benchmark
  public String oursCold() {
    String sql = cold[coldIndex];
    coldIndex = (coldIndex + 1) & (COLD_SIZE - 1);
    return SqlSanitizer.sanitize(sql);
  }

  /**
   * The official sanitizer, every call a cache miss.
   *
   * @return the sanitized text
   */
  @Benchmark
  public String officialCold() {
    String sql = cold[coldIndex];
    coldIndex = (coldIndex + 1) & (COLD_SIZE - 1);
    return official.analyze(sql, OFFICIAL_DIALECT).getQueryText();
  }

  /**
   * The official analysis with {@code db.query.summary}, every call a cache miss (informational:
   * what the official JDBC wrapper runs under the stable conventions).
   *
   * @return the sanitized text
   */
  @Benchmark
  public String officialSummaryCold() {
    String sql = cold[coldIndex];
    coldIndex = (coldIndex + 1) & (COLD_SIZE - 1);
    return official.analyzeWithSummary(sql, OFFICIAL_DIALECT).getQueryText();
  }

  /**
   * Ours, every call a cache hit.
   *
   * @return the sanitized text
   */
  @Benchmark
  public String oursWarm() {
    String sql = warm[warmIndex];
    warmIndex = (warmIndex + 1) & (WARM_SIZE - 1);
    return SqlSanitizer.sanitize(sql);
  }

  /**
   * The official sanitizer, every call a cache hit.
   *
   * @return the sanitized text
   */
  @Benchmark
  public String officialWarm() {
    String sql = warm[warmIndex];
    warmIndex = (warmIndex + 1) & (WARM_SIZE - 1);
    return official.analyze(sql, OFFICIAL_DIALECT).getQueryText();
  }
}
