package dev.oteltoolkit.messaging;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;

/**
 * Getters and setters for the header containers brokers use, to pass to {@link
 * ProducerSpanBuilder#carrier} and {@link ConsumerSpanBuilder#carrier} (or to any {@code
 * TextMapPropagator}).
 *
 * <p>Getters decode each value: a {@code String} as it is, a {@code byte[]} as UTF-8, a list or
 * array (as in {@code Map<String, List<String>>}) as its first element when that is a {@code
 * String} or {@code byte[]}, any other object (AMQP's {@code LongString}, a broker's header type)
 * through {@code toString()}. A value that cannot be read reads as absent: a map, a nested list, a
 * {@code byte[]} longer than 8192 bytes, an object whose {@code toString()} throws (an exception or
 * an error other than {@link VirtualMachineError} and {@link ThreadDeath}, which propagate; the
 * problem is logged at most once a minute). Containers are never turned into text, so a deeply
 * nested one cannot overflow the stack. {@code Map<String, String>}, {@code Map<String, Object>},
 * {@code Map<String, byte[]>} and {@code Map<String, List<String>>} are all read by {@link
 * #mapGetter()}.
 */
public final class MessageCarriers {

  /** No header the toolkit reads is longer than this; longer {@code byte[]} are not decoded. */
  static final int MAX_DECODED_BYTES = 8192;

  private MessageCarriers() {}

  /**
   * Returns the getter for header maps whose values are {@code String}, {@code byte[]} (UTF-8) or
   * any object whose {@code toString()} is the text, such as AMQP header tables.
   *
   * @return the getter, a shared instance
   */
  public static TextMapGetter<Map<String, ?>> mapGetter() {
    return MapGetter.SHARED;
  }

  /**
   * Returns the setter for header maps that take {@code String} values: {@code Map<String,
   * String>}, {@code Map<String, Object>}.
   *
   * @return the setter, a shared instance
   */
  public static TextMapSetter<Map<String, ? super String>> mapSetter() {
    return MapSetter.INSTANCE;
  }

  /**
   * Returns the setter for header maps with {@code byte[]} values (Kafka-style headers); values are
   * written as UTF-8. Read them back with {@link #mapGetter()}.
   *
   * @return the setter, a shared instance
   */
  public static TextMapSetter<Map<String, byte[]>> bytesMapSetter() {
    return BytesMapSetter.INSTANCE;
  }

  /**
   * Returns the getter for {@link Properties} (JMS-style message properties), defaults included.
   *
   * @return the getter, a shared instance
   */
  public static TextMapGetter<Properties> propertiesGetter() {
    return PropertiesGetter.SHARED;
  }

  /**
   * Returns the setter for {@link Properties}.
   *
   * @return the setter, a shared instance
   */
  public static TextMapSetter<Properties> propertiesSetter() {
    return PropertiesSetter.INSTANCE;
  }

  /**
   * Decodes one header value; {@code null} when absent or unreadable. Reading it may run foreign
   * code ({@code toString()}, a list's iterator): whatever that throws is reported and contained,
   * except what must propagate.
   */
  static String decode(Object value, HeaderProblems problems) {
    if (value == null) {
      return null;
    }
    if (value instanceof String string) {
      return string;
    }
    try {
      if (value instanceof byte[] array) {
        return utf8(array);
      }
      if (value instanceof Iterable || value instanceof Object[]) {
        return first(value);
      }
      if (value instanceof Map) {
        return null;
      }
      return value.toString();
    } catch (Throwable t) {
      // a hostile or broken header object: treat it as absent
      HeaderProblems.rethrowIfFatal(t);
      problems.failure(t);
      return null;
    }
  }

  private static String utf8(byte[] bytes) {
    return bytes.length > MAX_DECODED_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** The first element of a list or array when it is text; never looks deeper. */
  private static String first(Object container) {
    Object first;
    if (container instanceof Object[] array) {

      first = array.length == 0 ? null : array[0];
    } else {
      Iterator<?> values = ((Iterable<?>) container).iterator();
      first = values.hasNext() ? values.next() : null;
    }
    if (first instanceof String string) {
      return string;
    }
    return first instanceof byte[] array ? utf8(array) : null;
  }

  /** Reads {@code Map} carriers; failures go to its reporter. */
  static final class MapGetter implements TextMapGetter<Map<String, ?>> {
    static final MapGetter SHARED = new MapGetter(HeaderProblems.SHARED);

    private final HeaderProblems problems;

    MapGetter(HeaderProblems problems) {
      this.problems = problems;
    }

    @Override
    public Iterable<String> keys(Map<String, ?> carrier) {
      return carrier == null ? Collections.emptySet() : carrier.keySet();
    }

    @Override
    public String get(Map<String, ?> carrier, String key) {
      return carrier == null ? null : decode(carrier.get(key), problems);
    }
  }

  private enum MapSetter implements TextMapSetter<Map<String, ? super String>> {
    INSTANCE;

    @Override
    public void set(Map<String, ? super String> carrier, String key, String value) {
      if (carrier != null) {
        carrier.put(key, value);
      }
    }
  }

  private enum BytesMapSetter implements TextMapSetter<Map<String, byte[]>> {
    INSTANCE;

    @Override
    public void set(Map<String, byte[]> carrier, String key, String value) {
      if (carrier != null) {
        carrier.put(key, value.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static final class PropertiesGetter implements TextMapGetter<Properties> {
    static final PropertiesGetter SHARED = new PropertiesGetter(HeaderProblems.SHARED);

    private final HeaderProblems problems;

    PropertiesGetter(HeaderProblems problems) {
      this.problems = problems;
    }

    @Override
    public Iterable<String> keys(Properties carrier) {
      return carrier == null ? Collections.emptySet() : carrier.stringPropertyNames();
    }

    @Override
    public String get(Properties carrier, String key) {
      if (carrier == null) {
        return null;
      }
      String value = carrier.getProperty(key);
      return value != null ? value : decode(carrier.get(key), problems);
    }
  }

  private enum PropertiesSetter implements TextMapSetter<Properties> {
    INSTANCE;

    @Override
    public void set(Properties carrier, String key, String value) {
      if (carrier != null) {
        carrier.setProperty(key, value);
      }
    }
  }
}
