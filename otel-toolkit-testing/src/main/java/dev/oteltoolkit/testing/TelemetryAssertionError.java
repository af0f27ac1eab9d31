package dev.oteltoolkit.testing;

import org.jspecify.annotations.Nullable;

/**
 * A failed assertion of the kit: its message already ends with the console tree of what was
 * captured, so the extension adds nothing to it.
 */
final class TelemetryAssertionError extends AssertionError {

  private static final long serialVersionUID = 1L;

  /** What failed, without the tree. */
  final String reason;

  TelemetryAssertionError(String reason, Snapshot captured) {
    super(reason + "\n\n" + captured.render());
    this.reason = reason;
  }

  TelemetryAssertionError(String reason, Snapshot captured, @Nullable Throwable cause) {
    super(reason + "\n\n" + captured.render(), cause);
    this.reason = reason;
  }

  /** The reason of a kit failure, or the message of any other assertion error. */
  static @Nullable String reasonOf(AssertionError error) {
    return error instanceof TelemetryAssertionError kit ? kit.reason : error.getMessage();
  }
}
