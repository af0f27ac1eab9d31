package dev.oteltoolkit.ai;

import dev.oteltoolkit.api.instrumentation.SemconvOptIn;
import java.util.function.Function;

/**
 * Which GenAI names a {@link GenAiTelemetry} emits, chosen as OpenTelemetry's instrumentations do
 * it: the comma-separated list in the system property {@code otel.semconv-stability.opt-in}, else
 * in the environment variable {@code OTEL_SEMCONV_STABILITY_OPT_IN}, parsed by the toolkit's shared
 * {@link dev.oteltoolkit.api.instrumentation.SemconvOptIn}.
 *
 * <ul>
 *   <li>neither holds {@code gen_ai_latest_experimental}: {@link #DEFAULT}, the names of
 *       opentelemetry-semconv-incubating 1.44.0-alpha;
 *   <li>{@code gen_ai_latest_experimental}: {@link #LATEST}, the newest names of the GenAI
 *       conventions' own repository (open-telemetry/semantic-conventions-genai) in place of the
 *       ones they renamed or replaced;
 *   <li>{@code gen_ai_latest_experimental/dup}: {@link #BOTH}, the two side by side, for a
 *       migration of dashboards and queries.
 * </ul>
 *
 * Other entries of the list (e.g. {@code database}, {@code http}) belong to other instrumentations
 * and are ignored here. docs/CONFIGURATION.md lists the names of each mode.
 */
enum GenAiConventions {
  /** The names of semconv 1.44.0-alpha (the default). */
  DEFAULT(true, false),
  /** The newest names only. */
  LATEST(false, true),
  /** Both sets of names. */
  BOTH(true, true);

  /** The system property, read first. */
  static final String PROPERTY = SemconvOptIn.PROPERTY;

  /** The environment variable, read when the property is not set. */
  static final String ENV = SemconvOptIn.ENV;

  /** The list entry that opts into the newest GenAI names. */
  static final String LATEST_EXPERIMENTAL = "gen_ai_latest_experimental";

  private final boolean emitDefault;
  private final boolean emitLatest;

  GenAiConventions(boolean emitDefault, boolean emitLatest) {
    this.emitDefault = emitDefault;
    this.emitLatest = emitLatest;
  }

  /** Whether the names of semconv 1.44.0-alpha are emitted. */
  boolean emitDefault() {
    return emitDefault;
  }

  /** Whether the newest names are emitted. */
  boolean emitLatest() {
    return emitLatest;
  }

  /** Reads the opt-in list from the system property, else the environment variable. */
  static GenAiConventions resolve(
      Function<String, String> systemProperties, Function<String, String> environment) {
    return of(SemconvOptIn.resolve(systemProperties, environment));
  }

  /** The mode a comma-separated opt-in list asks for; {@code /dup} wins over the plain entry. */
  static GenAiConventions parse(String list) {
    return of(SemconvOptIn.parse(list));
  }

  /** The mode the shared opt-in parser reads for {@value #LATEST_EXPERIMENTAL}. */
  static GenAiConventions of(SemconvOptIn optIn) {
    switch (optIn.mode(LATEST_EXPERIMENTAL)) {
      case DUP:
        return BOTH;
      case OPT_IN:
        return LATEST;
      default:
        return DEFAULT;
    }
  }
}
