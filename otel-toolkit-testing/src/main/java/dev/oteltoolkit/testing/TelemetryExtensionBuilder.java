package dev.oteltoolkit.testing;

import dev.oteltoolkit.core.TelemetryBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Configures a {@link TelemetryExtension}: {@code TelemetryExtension.builder().configure(b ->
 * b.keepErrors(true)).global(false).build()}.
 */
public final class TelemetryExtensionBuilder {

  private Consumer<TelemetryBuilder> customizer = builder -> {};
  private boolean global = true;
  private Duration awaitTimeout = TelemetryExtension.DEFAULT_AWAIT_TIMEOUT;

  TelemetryExtensionBuilder() {}

  /**
   * Customizes the toolkit's setup of every {@code Telemetry} the extension builds (the main one
   * and {@link TelemetryExtension#service(String) other services}): service name, tail keeping,
   * sampling, a {@code console()} to watch the trees print... Default: nothing. The extension adds
   * its in-memory exporters after it and turns OTLP off before it (turn it back on with {@code
   * otlp(true)} if a test wants it). Settings come from the code only: the extension passes its own
   * {@code configProperties(...)} (only {@code otel.bsp.max.queue.size=100000}, so a burst of spans
   * reaches the capture whole), so {@code OTEL_*} variables of the machine do not apply; a
   * customizer may pass its own instead. It also sets the sampler that {@link
   * TelemetryExtension#sampler} switches per test; a customizer that sets a sampler or ratio of its
   * own replaces it for every test.
   *
   * @param customizer called once per {@code Telemetry} built
   * @return this builder
   */
  public TelemetryExtensionBuilder configure(Consumer<TelemetryBuilder> customizer) {
    this.customizer = Objects.requireNonNull(customizer, "customizer");
    return this;
  }

  /**
   * Whether the main {@code Telemetry} is installed as {@code GlobalOpenTelemetry} (as {@code
   * install()} does in production), so the static {@code Traced} functions and libraries that use
   * the global instance record into the test; the global is reset when the extension's telemetry
   * closes. Default: true. With false, hand {@link TelemetryExtension#openTelemetry()} to the code
   * under test; test classes may then run in parallel.
   *
   * @param global whether to install the telemetry as global
   * @return this builder
   */
  public TelemetryExtensionBuilder global(boolean global) {
    this.global = global;
    return this;
  }

  /**
   * How long {@link TelemetryExtension#awaitTrace(String)} and its variants wait before they fail.
   * Default: {@link TelemetryExtension#DEFAULT_AWAIT_TIMEOUT}.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public TelemetryExtensionBuilder awaitTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("awaitTimeout must be positive: " + timeout);
    }
    this.awaitTimeout = timeout;
    return this;
  }

  /**
   * Builds the extension, for a {@code @RegisterExtension} field.
   *
   * @return the extension
   */
  public TelemetryExtension build() {
    return new TelemetryExtension(customizer, global, awaitTimeout);
  }
}
