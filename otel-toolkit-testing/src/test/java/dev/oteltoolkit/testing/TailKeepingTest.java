package dev.oteltoolkit.testing;

import static dev.oteltoolkit.api.Traced.traced;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.StatusData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The customized telemetry behaves as it does in production: here head sampling drops every trace
 * and tail keeping brings back the failed ones, whole.
 */
class TailKeepingTest {

  private static final AttributeKey<String> KEPT_BY =
      AttributeKey.stringKey("oteltoolkit.sampling.kept_by");

  @RegisterExtension
  static final TelemetryExtension otel =
      TelemetryExtension.create(b -> b.samplingRatio(0).keepErrors(true));

  @Test
  void onlyTheFailedRequestIsKeptWithItsWholeTree() {
    traced("GET /ok", () -> traced("load", () -> {}));
    assertThatThrownBy(
            () ->
                traced(
                    "GET /fail",
                    () -> {
                      traced("load", () -> {});
                      traced(
                          "save",
                          () -> {
                            throw new IllegalStateException("disk full");
                          });
                    }))
        .isInstanceOf(IllegalStateException.class);

    otel.assertTrace("GET /fail")
        .hasRoot(
            root ->
                root.hasStatus(StatusData.create(StatusCode.ERROR, "disk full"))
                    .hasAttributesSatisfying(equalTo(KEPT_BY, "error")))
        .hasChild("load")
        .hasChild("save", save -> save.hasStatus(StatusData.create(StatusCode.ERROR, "disk full")))
        .hasNoOtherSpans();
    otel.assertTraces("GET /ok", 0);
    // RED metrics count every request, sampled or not
    otel.assertOperation("GET /ok").hasCount(1).hasNoErrors();
    otel.assertOperation("GET /fail").hasCount(1).hasErrorCount(1);
  }
}
