package dev.oteltoolkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ExportFailureLogTest {

  @Test
  void oneWarningPerSignalPerMinuteCountingTheSuppressedOnes() {
    AtomicLong now = new AtomicLong(1_000);
    Logger warnings = Logger.getLogger("test.export-failure-log." + System.nanoTime());
    warnings.setUseParentHandlers(false);
    List<LogRecord> written = new CopyOnWriteArrayList<>();
    warnings.addHandler(capture(written));
    ExportFailureLog filter = new ExportFailureLog(now::get, warnings, 0);

    for (int i = 0; i < 5; i++) {
      assertThat(filter.isLoggable(failure("Failed to export spans. Server responded with 503")))
          .isFalse();
      assertThat(filter.isLoggable(failure("Failed to export metrics. Connection refused")))
          .isFalse();
    }
    assertThat(written).hasSize(2);
    assertThat(format(written.get(0)))
        .contains("OTLP export of spans failed.")
        .contains("Server responded with 503");
    assertThat(format(written.get(1))).contains("OTLP export of metrics failed.");

    now.addAndGet(TimeUnit.SECONDS.toNanos(59));
    filter.isLoggable(failure("Failed to export spans. again"));
    assertThat(written).hasSize(2);

    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    filter.isLoggable(failure("Failed to export spans. again"));
    assertThat(written).hasSize(3);
    assertThat(format(written.get(2))).contains("(5 more failures since last report)");
    assertThat(filter.reportedWarnings()).isEqualTo(3);
  }

  @Test
  void failuresInTheFirstSecondsAreReportedOnlyIfTheyGoOn() {
    AtomicLong now = new AtomicLong(1_000);
    Logger warnings = Logger.getLogger("test.export-failure-log.grace." + System.nanoTime());
    warnings.setUseParentHandlers(false);
    List<LogRecord> written = new CopyOnWriteArrayList<>();
    warnings.addHandler(capture(written));
    ExportFailureLog filter = new ExportFailureLog(now::get, warnings);

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    for (int i = 0; i < 3; i++) {
      assertThat(filter.isLoggable(failure("Failed to export spans. Connection refused")))
          .isFalse();
    }
    assertThat(written).as("a short run: shutdown's one line says it").isEmpty();

    now.addAndGet(ExportFailureLog.GRACE_NANOS);
    filter.isLoggable(failure("Failed to export spans. Connection refused"));
    assertThat(written).hasSize(1);
    assertThat(format(written.get(0))).contains("(3 more failures since last report)");
  }

  @Test
  void otherRecordsPassThrough() {
    ExportFailureLog filter =
        new ExportFailureLog(System::nanoTime, Logger.getLogger("test.unused"));
    assertThat(filter.isLoggable(failure("Exporter busy"))).isTrue();
    assertThat(filter.isLoggable(failure("Failed to export profiles."))).isTrue();
    assertThat(filter.isLoggable(new LogRecord(Level.FINE, null))).isTrue();
  }

  private static LogRecord failure(String message) {
    return new LogRecord(Level.SEVERE, message);
  }

  private static String format(LogRecord record) {
    return java.text.MessageFormat.format(record.getMessage(), record.getParameters());
  }

  private static Handler capture(List<LogRecord> into) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        into.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}
