package dev.oteltoolkit.testing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The head sampler the extension gives every {@code Telemetry} it builds (the toolkit still wraps
 * it for forced sampling and tail keeping): the toolkit's default, parent-based with ratio 1.0,
 * unless the current test chose another with {@link TelemetryExtension#sampler(Sampler)}.
 */
final class TestSampler implements Sampler {

  /** Begins the description, so the extension can tell whether a customizer replaced it. */
  static final String DESCRIPTION_PREFIX = "TelemetryExtension.TestSampler{";

  /** What {@code Telemetry.setup()} uses when no sampler or ratio is given. */
  static final Sampler DEFAULT = Sampler.parentBased(Sampler.traceIdRatioBased(1.0));

  private volatile @Nullable Sampler perTest;

  /** Uses {@code sampler} until {@link #clear()}; null goes back to the default. */
  void use(@Nullable Sampler sampler) {
    this.perTest = sampler;
  }

  void clear() {
    this.perTest = null;
  }

  private Sampler current() {
    Sampler sampler = perTest;
    return sampler == null ? DEFAULT : sampler;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    return current().shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return DESCRIPTION_PREFIX + current().getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
