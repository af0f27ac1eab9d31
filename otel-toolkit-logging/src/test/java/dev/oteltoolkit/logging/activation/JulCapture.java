package dev.oteltoolkit.logging.activation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what the bridge logs through java.util.logging while open. */
final class JulCapture extends Handler implements AutoCloseable {

  private static final Logger logger = Logger.getLogger("dev.oteltoolkit.logging.MdcBridge");

  final List<LogRecord> records = new CopyOnWriteArrayList<>();

  JulCapture() {
    setLevel(Level.ALL);
    logger.addHandler(this);
  }

  List<String> warnings() {
    return records.stream()
        .filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
        .map(LogRecord::getMessage)
        .toList();
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
