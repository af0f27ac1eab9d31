package dev.oteltoolkit.core.internal;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Objects;

/**
 * Internal, not for public use.
 *
 * <p>Makes the console trace-tree view available to autoconfigure as the span exporter named
 * {@value #NAME}, as in {@code OTEL_TRACES_EXPORTER=console}. It takes the name the standard {@code
 * opentelemetry-exporter-logging} uses, so that artifact must not be on the runtime path at the
 * same time. Autoconfigure exports the {@code console} exporter through a {@code
 * SimpleSpanProcessor}, one span per export call, which {@link ConsoleSpanExporter} buffers until
 * each local root ends.
 */
public final class ConsoleSpanExporterProvider implements ConfigurableSpanExporterProvider {

  /** The exporter name this provider registers. */
  static final String NAME = "console";

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public ConsoleSpanExporterProvider() {}

  /**
   * Returns a new {@link ConsoleSpanExporter} printing to {@link System#out}.
   *
   * @param config the autoconfigure properties; none are read
   * @return a new console exporter on {@code System.out}
   */
  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    Objects.requireNonNull(config, "config");
    return ConsoleSpanExporter.create(System.out);
  }

  /**
   * Returns the exporter name, {@value #NAME}.
   *
   * @return {@code "console"}
   */
  @Override
  public String getName() {
    return NAME;
  }
}
