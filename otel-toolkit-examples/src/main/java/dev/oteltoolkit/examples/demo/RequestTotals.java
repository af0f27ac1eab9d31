package dev.oteltoolkit.examples.demo;

import dev.oteltoolkit.core.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A span exporter that keeps the local root SERVER span of each request, the span on which
 * otel-toolkit-ai writes the request's totals ({@code oteltoolkit.gen_ai.total.input_tokens},
 * {@code .output_tokens}, {@code .cost}), so that the application can read them once the request
 * ended. Add it with {@code Telemetry.setup().addSpanExporter(totals)}.
 */
public final class RequestTotals implements SpanExporter {

  /** Input tokens of every GenAI call of the request, on its local root span. */
  public static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.input_tokens");

  /** Output tokens of every GenAI call of the request, on its local root span. */
  public static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("oteltoolkit.gen_ai.total.output_tokens");

  /** Cost in USD of every GenAI call of the request, on its local root span. */
  public static final AttributeKey<Double> COST =
      AttributeKey.doubleKey("oteltoolkit.gen_ai.total.cost");

  private static final int MAX_KEPT = 1000;

  /**
   * Long enough for the console and this exporter, which flush in microseconds; short enough not to
   * hold the demo up when an OTLP collector is slow or down (its export goes on regardless).
   */
  private static final Duration FLUSH_TIMEOUT = Duration.ofMillis(250);

  private final Object lock = new Object();
  private final Map<String, SpanData> serverRoots = new LinkedHashMap<>(); // guarded by lock

  /** Creates an empty collector. */
  public RequestTotals() {}

  /**
   * Keeps the local root SERVER spans among {@code spans}, by trace id.
   *
   * @param spans ended spans
   * @return a successful result
   */
  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    synchronized (lock) {
      for (SpanData span : spans) {
        SpanContext parent = span.getParentSpanContext();
        if (span.getKind() == SpanKind.SERVER && (!parent.isValid() || parent.isRemote())) {
          serverRoots.put(span.getTraceId(), span);
          if (serverRoots.size() > MAX_KEPT) {
            serverRoots.remove(serverRoots.keySet().iterator().next());
          }
        }
      }
      lock.notifyAll();
    }
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Returns the local root SERVER span of trace {@code traceId}, flushing {@code telemetry} until
   * it was exported. When it returns, every span that had ended before it was exported too, so the
   * console has printed the request's trees.
   *
   * @param traceId the trace of the request
   * @param telemetry the telemetry to flush
   * @param timeout how long to wait at most
   * @return the span, or null if it did not end in time
   * @throws InterruptedException if interrupted while waiting
   */
  public SpanData await(String traceId, Telemetry telemetry, Duration timeout)
      throws InterruptedException {
    Objects.requireNonNull(traceId, "traceId");
    long deadline = System.nanoTime() + timeout.toNanos();
    SpanData root;
    while ((root = get(traceId)) == null && System.nanoTime() < deadline) {
      // The server span ends just after the client received its response: flush, and wait a
      // little for it if it had not ended yet.
      telemetry.forceFlush(FLUSH_TIMEOUT);
      synchronized (lock) {
        if (!serverRoots.containsKey(traceId)) {
          lock.wait(20);
        }
      }
    }
    telemetry.forceFlush(FLUSH_TIMEOUT);
    return root;
  }

  /**
   * Returns the local root SERVER span of trace {@code traceId} if it was exported.
   *
   * @param traceId the trace id
   * @return the span, or null
   */
  public SpanData get(String traceId) {
    synchronized (lock) {
      return serverRoots.get(traceId);
    }
  }

  /**
   * Describes the totals on {@code root}: {@code 407 input + 31 output tokens, $0.00007965}.
   *
   * @param root a local root span
   * @return the description, or a note that the request made no GenAI call
   */
  public static String describe(SpanData root) {
    Long input = root.getAttributes().get(INPUT_TOKENS);
    Long output = root.getAttributes().get(OUTPUT_TOKENS);
    Double cost = root.getAttributes().get(COST);
    if (input == null) {
      return "no GenAI call";
    }
    return String.format(
        Locale.ROOT,
        "%d input + %d output tokens, %s",
        input,
        output == null ? 0 : output,
        cost == null ? "cost unknown" : "$" + BigDecimal.valueOf(cost).toPlainString());
  }

  /**
   * Does nothing: spans are kept as they are exported.
   *
   * @return a successful result
   */
  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Does nothing: the spans kept stay readable after shutdown.
   *
   * @return a successful result
   */
  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
