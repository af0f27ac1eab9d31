package dev.oteltoolkit.core.internal;

import dev.oteltoolkit.api.internal.ForceSample;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Objects;

/**
 * Internal, not for public use: records every span that carries the {@link #FORCED} marker at
 * start, whatever the delegate sampler says; every other decision is the delegate's. Children of a
 * forced span follow it through the delegate's parent-based rule.
 */
public final class ForceSampleSampler implements Sampler {

  /** Marker attribute set by {@code forceSample()}; kept on the span so counts can be weighed. */
  public static final AttributeKey<Boolean> FORCED = ForceSample.ATTRIBUTE;

  private final Sampler delegate;

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the sampler deciding for spans that are not forced
   */
  public ForceSampleSampler(Sampler delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the sampler that decides for spans that are not forced.
   *
   * @return the delegate
   */
  public Sampler delegate() {
    return delegate;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    if (Boolean.TRUE.equals(attributes.get(FORCED))) {
      return SamplingResult.recordAndSample();
    }
    return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "ForceSampleSampler{" + delegate.getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
