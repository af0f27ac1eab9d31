package dev.oteltoolkit.testing;

/**
 * Added by the extension as a suppressed exception to a test's failure (an AssertJ assertion on
 * spans, an exception of the code under test), so the report shows the console tree of what was
 * captured next to it. Carries no stack trace of its own.
 */
final class CapturedTelemetry extends RuntimeException {

  private static final long serialVersionUID = 1L;

  CapturedTelemetry(String tree) {
    super(tree, null, false, false);
  }

  // test reports print a suppressed exception by toString(): the header says what follows
  @SuppressWarnings("OverrideThrowableToString")
  @Override
  public String toString() {
    return "telemetry captured when the test failed:\n" + getMessage();
  }
}
