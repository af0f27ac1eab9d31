package dev.oteltoolkit.api.instrumentation;

import dev.oteltoolkit.api.internal.ToolkitVersion;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.Objects;

/**
 * The instrumentation scope a toolkit module records under: its name and the toolkit's version.
 * Every tracer and meter of the toolkit is created here, so all of them carry the same version.
 *
 * <pre>{@code
 * static final InstrumentationScope SCOPE = InstrumentationScope.of("dev.oteltoolkit.jdbc");
 * Tracer tracer = SCOPE.tracer(openTelemetry);
 * }</pre>
 *
 * @param name the scope name, the module's package root by convention
 * @param version the scope version
 */
public record InstrumentationScope(String name, String version) {

  /** The scope of everything {@code Tracing} records (spans and the RED histogram). */
  public static final InstrumentationScope CORE = of("dev.oteltoolkit.core");

  /**
   * Checks the components.
   *
   * @param name the scope name
   * @param version the scope version
   */
  public InstrumentationScope {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
  }

  /**
   * Returns the scope {@code name} at the toolkit's version.
   *
   * @param name the scope name
   * @return the scope
   */
  public static InstrumentationScope of(String name) {
    return new InstrumentationScope(name, ToolkitVersion.get());
  }

  /**
   * Returns the tracer of this scope from {@code openTelemetry}.
   *
   * @param openTelemetry the OpenTelemetry to record through
   * @return the tracer
   */
  public Tracer tracer(OpenTelemetry openTelemetry) {
    return openTelemetry.tracerBuilder(name).setInstrumentationVersion(version).build();
  }

  /**
   * Returns the meter of this scope from {@code openTelemetry}.
   *
   * @param openTelemetry the OpenTelemetry to record through
   * @return the meter
   */
  public Meter meter(OpenTelemetry openTelemetry) {
    return openTelemetry.meterBuilder(name).setInstrumentationVersion(version).build();
  }
}
