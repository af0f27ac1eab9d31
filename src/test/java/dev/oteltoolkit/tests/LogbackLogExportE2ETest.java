package dev.oteltoolkit.tests;

import dev.oteltoolkit.tests.OtlpReceiver.Transport;

/** Log export end to end with Logback, the backend of this module's default test JVM. */
class LogbackLogExportE2ETest extends AbstractLogExportE2ETest {

  @Override
  Transport collectorDownTransport() {
    return Transport.GRPC;
  }
}
