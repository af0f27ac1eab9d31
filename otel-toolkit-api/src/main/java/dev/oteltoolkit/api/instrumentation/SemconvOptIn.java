package dev.oteltoolkit.api.instrumentation;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * OpenTelemetry's semantic-convention stability switch, read the way OpenTelemetry's own Java
 * instrumentations (2.31.1) read it: the comma-separated list in the system property {@value
 * #PROPERTY}, else in the environment variable {@value #ENV}; each entry trimmed, empty entries
 * dropped, case kept (entries are compared exactly). For a domain {@code d} (e.g. {@code
 * database}, {@code http}, {@code gen_ai_latest_experimental}) the list says {@link Mode#DUP}
 * when it holds {@code d/dup}, {@link Mode#OPT_IN} when it holds {@code d} alone, else {@link
 * Mode#UNSET}; {@code d/dup} wins over {@code d}, unknown entries are ignored.
 *
 * <pre>{@code
 * SemconvOptIn optIn = SemconvOptIn.fromSystem();          // at build time, once
 * boolean both = optIn.mode("database") == SemconvOptIn.Mode.DUP;
 * }</pre>
 *
 * <p>What each mode means for a domain's names is the module's to say (docs/CONFIGURATION.md has
 * the tables). Instances are immutable; modules read the switch when they are built, not per call.
 */
public final class SemconvOptIn {

  /** The system property, read first. */
  public static final String PROPERTY = "otel.semconv-stability.opt-in";

  /** The environment variable, read when the system property is not set. */
  public static final String ENV = "OTEL_SEMCONV_STABILITY_OPT_IN";

  private static final String DUP_SUFFIX = "/dup";
  private static final SemconvOptIn EMPTY = new SemconvOptIn(Collections.emptySet());

  private final Set<String> entries;

  private SemconvOptIn(Set<String> entries) {
    this.entries = entries;
  }

  /**
   * Parses a comma-separated opt-in list.
   *
   * @param list the list as written in {@value #ENV}; {@code null} for none
   * @return the switch the list sets
   */
  public static SemconvOptIn parse(String list) {
    if (list == null) {
      return EMPTY;
    }
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : list.split(",", -1)) {
      String value = entry.trim();
      if (!value.isEmpty()) {
        entries.add(value);
      }
    }
    return entries.isEmpty() ? EMPTY : new SemconvOptIn(Collections.unmodifiableSet(entries));
  }

  /**
   * Reads the list from the system property {@value #PROPERTY}, else from the environment
   * variable {@value #ENV}.
   *
   * @param systemProperties looks up a system property, {@code null} when unset
   * @param environment looks up an environment variable, {@code null} when unset
   * @return the switch they set
   */
  public static SemconvOptIn resolve(
      Function<String, String> systemProperties, Function<String, String> environment) {
    Objects.requireNonNull(systemProperties, "systemProperties");
    Objects.requireNonNull(environment, "environment");
    String list = systemProperties.apply(PROPERTY);
    if (list == null) {
      list = environment.apply(ENV);
    }
    return parse(list);
  }

  /**
   * Reads the list from this JVM's system properties and environment ({@link #resolve}).
   *
   * @return the switch they set
   */
  public static SemconvOptIn fromSystem() {
    return resolve(System::getProperty, System::getenv);
  }

  /**
   * What the list asks for {@code domain}.
   *
   * @param domain the entry without {@code /dup}, e.g. {@code database}
   * @return {@link Mode#DUP}, {@link Mode#OPT_IN} or {@link Mode#UNSET}
   */
  public Mode mode(String domain) {
    Objects.requireNonNull(domain, "domain");
    if (entries.contains(domain + DUP_SUFFIX)) {
      return Mode.DUP;
    }
    return entries.contains(domain) ? Mode.OPT_IN : Mode.UNSET;
  }

  /**
   * The entries of the list, trimmed, without empty ones or repeats, in the order written.
   *
   * @return an unmodifiable set
   */
  public Set<String> entries() {
    return entries;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SemconvOptIn && ((SemconvOptIn) other).entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return ENV + "=" + String.join(",", entries);
  }

  /** What the opt-in list says about one domain. */
  public enum Mode {
    /** Neither {@code d} nor {@code d/dup}: the module's default names. */
    UNSET,
    /** {@code d}: the domain's opted-into names only. */
    OPT_IN,
    /** {@code d/dup}: the opted-into names and the ones they replace, side by side. */
    DUP
  }
}
