package dev.oteltoolkit.api.internal;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Internal, not for public use: the span-start attribute by which {@code forceSample()} asks the
 * toolkit's sampler (in otel-toolkit-core) to record a span whatever the ratio.
 */
public final class ForceSample {

  /** Set to {@code true} on a span builder to have the span recorded and sampled. */
  public static final AttributeKey<Boolean> ATTRIBUTE =
      AttributeKey.booleanKey("oteltoolkit.sampling.forced");

  private ForceSample() {}
}
