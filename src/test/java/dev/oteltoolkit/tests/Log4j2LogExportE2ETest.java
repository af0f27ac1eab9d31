package dev.oteltoolkit.tests;

import dev.oteltoolkit.tests.OtlpReceiver.Transport;

/**
 * Log export end to end with Log4j 2 (log4j-slf4j2-impl) as the only SLF4J backend: the {@code
 * log4j2} surefire execution of this module, which leaves Logback off the class path.
 */
class Log4j2LogExportE2ETest extends AbstractLogExportE2ETest {

  @Override
  Transport collectorDownTransport() {
    return Transport.HTTP_PROTOBUF;
  }
}
