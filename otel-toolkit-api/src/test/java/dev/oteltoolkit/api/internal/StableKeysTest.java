package dev.oteltoolkit.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import org.junit.jupiter.api.Test;

/** Our copies of stable keys equal the semconv artifact's constants. */
class StableKeysTest {

  @Test
  void copiesEqualTheSemconvConstants() {
    assertThat(StableKeys.ERROR_TYPE).isEqualTo(ErrorAttributes.ERROR_TYPE);
    assertThat(StableKeys.EXCEPTION_TYPE).isEqualTo(ExceptionAttributes.EXCEPTION_TYPE);
    assertThat(StableKeys.EXCEPTION_MESSAGE).isEqualTo(ExceptionAttributes.EXCEPTION_MESSAGE);
    assertThat(StableKeys.EXCEPTION_STACKTRACE).isEqualTo(ExceptionAttributes.EXCEPTION_STACKTRACE);
  }
}
