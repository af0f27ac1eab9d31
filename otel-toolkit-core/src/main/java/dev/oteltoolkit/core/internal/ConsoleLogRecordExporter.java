package dev.oteltoolkit.core.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;

/**
 * Internal, not for public use.
 *
 * <p>The log side of the console tree view: hands each log record to its {@link
 * ConsoleSpanExporter}, which prints it under the span that was current when it was logged (see
 * {@link ConsoleSpanExporter#logRecordExporter(boolean)}). Created by that method only.
 */
public final class ConsoleLogRecordExporter implements LogRecordExporter {

  private final ConsoleSpanExporter tree;
  private final boolean waitForUnsampledSpans;

  ConsoleLogRecordExporter(ConsoleSpanExporter tree, boolean waitForUnsampledSpans) {
    this.tree = tree;
    this.waitForUnsampledSpans = waitForUnsampledSpans;
  }

  /**
   * Hands the records to the tree view. Never throws; ignored once the tree view is shut down.
   *
   * @param logs the emitted records
   * @return a result that is always successful
   */
  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    if (logs != null) {
      tree.exportLogs(logs, waitForUnsampledSpans);
    }
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Flushes the tree view's output stream; records waiting for their span stay there.
   *
   * @return a result that is always successful
   */
  @Override
  public CompletableResultCode flush() {
    return tree.flush();
  }

  /**
   * Does nothing: records still waiting are printed when the tree view shuts down with the tracer
   * provider.
   *
   * @return a result that is always successful
   */
  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Returns a description naming the tree view fed.
   *
   * @return a description of this exporter
   */
  @Override
  public String toString() {
    return "ConsoleLogRecordExporter{" + tree + '}';
  }
}
