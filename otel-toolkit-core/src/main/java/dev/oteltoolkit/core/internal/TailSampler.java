package dev.oteltoolkit.core.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Objects;

/**
 * Internal, not for public use: the sampler of tail sampling. Where the delegate drops a span that
 * is a local root (no parent, or a remote one) or a child of an unsampled local span, the span is
 * recorded instead ({@code RECORD_ONLY}), so {@link TailSamplingSpanProcessor} can hold it until
 * its local root ends. The sampled flag, and so the W3C {@code traceparent} sent downstream, stays
 * what the delegate decided. Inside a sampled local tree nothing changes: a span the delegate drops
 * there stays dropped.
 */
public final class TailSampler implements Sampler {

  private static final SamplingResult DROP = SamplingResult.drop();
  private static final SamplingResult RECORD_ONLY = SamplingResult.recordOnly();

  private final Sampler delegate;

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the head sampler, whose decisions stay visible in the sampled flag
   */
  public TailSampler(Sampler delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the head sampler.
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
    SamplingResult result =
        delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    if (result.getDecision() != SamplingDecision.DROP) {
      return result;
    }
    SpanContext parent = Span.fromContext(parentContext).getSpanContext();
    if (parent.isValid() && !parent.isRemote() && parent.isSampled()) {
      return result; // inside a head-sampled local tree: as before
    }
    return result == DROP ? RECORD_ONLY : new RecordOnly(result);
  }

  @Override
  public String getDescription() {
    return "TailSampler{" + delegate.getDescription() + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }

  /** A delegate's drop decision turned into recording, keeping its attributes and trace state. */
  private static final class RecordOnly implements SamplingResult {
    private final SamplingResult dropped;

    RecordOnly(SamplingResult dropped) {
      this.dropped = dropped;
    }

    @Override
    public SamplingDecision getDecision() {
      return SamplingDecision.RECORD_ONLY;
    }

    @Override
    public Attributes getAttributes() {
      return dropped.getAttributes();
    }

    @Override
    public TraceState getUpdatedTraceState(TraceState parentTraceState) {
      return dropped.getUpdatedTraceState(parentTraceState);
    }
  }
}
