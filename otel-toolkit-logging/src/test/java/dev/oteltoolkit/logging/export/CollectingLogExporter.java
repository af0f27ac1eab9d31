package dev.oteltoolkit.logging.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Keeps every exported record (opentelemetry-sdk-testing's provider would replace the bridge). */
final class CollectingLogExporter implements LogRecordExporter {

  private final List<LogRecordData> records = new ArrayList<>();

  @Override
  public synchronized CompletableResultCode export(Collection<LogRecordData> batch) {
    records.addAll(batch);
    return CompletableResultCode.ofSuccess();
  }

  synchronized List<LogRecordData> records() {
    return new ArrayList<>(records);
  }

  synchronized void clear() {
    records.clear();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
