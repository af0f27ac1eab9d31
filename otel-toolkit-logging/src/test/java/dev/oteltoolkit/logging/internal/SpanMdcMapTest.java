package dev.oteltoolkit.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The immutable map a Logback event carries while a span is current (the lazy bridge). */
class SpanMdcMapTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN = "b7ad6b7169203331";

  private static SpanMdcMap over(Map<String, String> base) {
    return new SpanMdcMap(base, "trace_id", TRACE, "span_id", SPAN, "trace_flags", "01");
  }

  @Test
  void idsAreLaidOverTheApplicationsEntriesAndWinOverItsOwnTraceId() {
    Map<String, String> base = Map.of("request_id", "r-1", "trace_id", "set-by-app");
    SpanMdcMap map = over(base);

    Map<String, String> expected =
        Map.of("request_id", "r-1", "trace_id", TRACE, "span_id", SPAN, "trace_flags", "01");
    assertThat(map).isEqualTo(expected);
    assertThat(expected).isEqualTo(map);
    assertThat(map.hashCode()).isEqualTo(expected.hashCode());
    assertThat(map.get("trace_id")).isEqualTo(TRACE);
    assertThat(map.get("request_id")).isEqualTo("r-1");
    assertThat(map.get("absent")).isNull();
    assertThat(map.containsKey("span_id")).isTrue();
    assertThat(map.containsKey("absent")).isFalse();
    assertThat(map).hasSize(4).isNotEmpty();
  }

  @Test
  void withoutApplicationEntriesItHoldsTheThreeIdsAndCannotBeChanged() {
    SpanMdcMap map = over(null);

    assertThat(map)
        .isEqualTo(Map.of("trace_id", TRACE, "span_id", SPAN, "trace_flags", "01"))
        .hasSize(3);
    assertThatThrownBy(() -> map.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void serializesAsAPlainHashMap() throws Exception {
    SpanMdcMap map = over(Map.of("request_id", "r-1"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(map);
    }
    Object read;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      read = in.readObject();
    }
    assertThat(read).isInstanceOf(HashMap.class).isEqualTo(map);
  }
}
