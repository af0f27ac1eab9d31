package dev.oteltoolkit.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * An ended span of a kept tree, as handed to the exporting processors: the span as recorded, except
 * that its span context carries the sampled flag (batch and simple processors export only sampled
 * spans) and, on the local root, the attribute {@code oteltoolkit.sampling.kept_by}. Everything is
 * read from one {@link SpanData} snapshot taken when the tree was decided.
 */
final class KeptSpan implements ReadableSpan {

  private final SpanData data;

  /**
   * Wraps an ended span.
   *
   * @param recorded the span's data as recorded
   * @param keptBy the reason to add as {@code oteltoolkit.sampling.kept_by}, or null (not a root)
   */
  KeptSpan(SpanData recorded, String keptBy) {
    this.data = new Data(recorded, keptBy);
  }

  @Override
  public SpanContext getSpanContext() {
    return data.getSpanContext();
  }

  @Override
  public SpanContext getParentSpanContext() {
    return data.getParentSpanContext();
  }

  @Override
  public String getName() {
    return data.getName();
  }

  @Override
  public SpanData toSpanData() {
    return data;
  }

  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return data.getInstrumentationLibraryInfo();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return data.getInstrumentationScopeInfo();
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public long getLatencyNanos() {
    return data.getEndEpochNanos() - data.getStartEpochNanos();
  }

  @Override
  public SpanKind getKind() {
    return data.getKind();
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return data.getAttributes().get(key);
  }

  @Override
  public Attributes getAttributes() {
    return data.getAttributes();
  }

  @Override
  public String toString() {
    return "KeptSpan{" + data + "}";
  }

  /** The recorded data with the sampled flag and, on a root, the reason it was kept. */
  private static final class Data extends DelegatingSpanData {
    private final SpanContext spanContext;
    private final Attributes attributes;
    private final int totalAttributeCount;

    Data(SpanData recorded, String keptBy) {
      super(recorded);
      SpanContext original = recorded.getSpanContext();
      this.spanContext =
          SpanContext.create(
              original.getTraceId(),
              original.getSpanId(),
              TraceFlags.fromByte((byte) (original.getTraceFlags().asByte() | 0x01)),
              original.getTraceState());
      if (keptBy == null) {
        this.attributes = recorded.getAttributes();
        this.totalAttributeCount = recorded.getTotalAttributeCount();
      } else {
        this.attributes =
            recorded.getAttributes().toBuilder()
                .put(TailSamplingSpanProcessor.KEPT_BY, keptBy)
                .build();
        this.totalAttributeCount = recorded.getTotalAttributeCount() + 1;
      }
    }

    @Override
    public SpanContext getSpanContext() {
      return spanContext;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return totalAttributeCount;
    }
  }
}
