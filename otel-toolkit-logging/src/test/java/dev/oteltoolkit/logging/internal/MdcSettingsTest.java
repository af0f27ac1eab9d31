package dev.oteltoolkit.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MdcSettingsTest {

  private final List<String> warnings = new ArrayList<>();

  @Test
  void defaults() {
    MdcSettings settings = read(Map.of(), Map.of());

    assertThat(settings.enabled).isTrue();
    assertThat(settings.lazy).isTrue();
    assertThat(settings.traceIdKey).isEqualTo("trace_id");
    assertThat(settings.spanIdKey).isEqualTo("span_id");
    assertThat(settings.traceFlagsKey).isEqualTo("trace_flags");
    assertThat(settings.copiesBaggage()).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void lazyCanBeTurnedOffByPropertyOrEnvironment() {
    assertThat(read(Map.of("oteltoolkit.mdc.lazy", "false"), Map.of()).lazy).isFalse();
    assertThat(read(Map.of(), Map.of("OTELTOOLKIT_MDC_LAZY", "FALSE")).lazy).isFalse();
    assertThat(read(Map.of("oteltoolkit.mdc.lazy", "no"), Map.of()).lazy).isTrue();
    assertThat(warnings)
        .containsExactly("oteltoolkit.mdc.lazy=no: must be true or false; using true");
  }

  @Test
  void propertyWinsOverEnvironmentWhichWinsOverDefault() {
    MdcSettings settings =
        read(
            Map.of("oteltoolkit.mdc.trace_id_key", " traceId "),
            Map.of(
                "OTELTOOLKIT_MDC_TRACE_ID_KEY", "ignored",
                "OTELTOOLKIT_MDC_SPAN_ID_KEY", "spanId",
                "OTELTOOLKIT_MDC_ENABLED", "FALSE"));

    assertThat(settings.traceIdKey).isEqualTo("traceId");
    assertThat(settings.spanIdKey).isEqualTo("spanId");
    assertThat(settings.traceFlagsKey).isEqualTo("trace_flags");
    assertThat(settings.enabled).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void blankCountsAsUnsetAndAnInvalidValueIsReportedWithTheNameItCameFrom() {
    MdcSettings settings =
        read(
            Map.of("oteltoolkit.mdc.span_id_key", "  ", "oteltoolkit.mdc.enabled", ""),
            Map.of("OTELTOOLKIT_MDC_SPAN_ID_KEY", "", "OTELTOOLKIT_MDC_ENABLED", "yes"));

    assertThat(settings.spanIdKey).isEqualTo("span_id");
    assertThat(settings.enabled).isTrue();
    assertThat(warnings)
        .containsExactly("OTELTOOLKIT_MDC_ENABLED=yes: must be true or false; using true");
  }

  @Test
  void keysThatCollideFallBackToAllDefaults() {
    MdcSettings settings =
        read(
            Map.of("oteltoolkit.mdc.trace_id_key", "id", "oteltoolkit.mdc.span_id_key", "id"),
            Map.of());

    assertThat(settings.traceIdKey).isEqualTo("trace_id");
    assertThat(settings.spanIdKey).isEqualTo("span_id");
    assertThat(settings.traceFlagsKey).isEqualTo("trace_flags");
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("id, id, trace_flags").contains("must be three different");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "false             | false | ''",
        "''                | false | ''",
        "true              | true  | ''",
        "TRUE              | true  | ''",
        "*                 | true  | ''",
        "tenant            | false | tenant=baggage.tenant",
        // spaces and empty items are tolerated; order is kept
        "' user.tier, ,tenant,' | false | user.tier=baggage.user.tier;tenant=baggage.tenant",
      })
  void baggageSetting(String value, boolean all, String expectedKeys) {
    MdcSettings settings = read(Map.of("oteltoolkit.mdc.baggage", value), Map.of());

    assertThat(settings.allBaggage).isEqualTo(all);
    StringBuilder keys = new StringBuilder();
    settings.baggageKeys.forEach(
        (key, mdcKey) -> keys.append(keys.length() == 0 ? "" : ";").append(key + "=" + mdcKey));
    assertThat(keys.toString()).isEqualTo(expectedKeys);
    assertThat(settings.copiesBaggage()).isEqualTo(all || !expectedKeys.isEmpty());
    assertThat(warnings).isEmpty();
  }

  private MdcSettings read(Map<String, String> properties, Map<String, String> environment) {
    return MdcSettings.from(properties::get, environment::get, warnings::add);
  }
}
