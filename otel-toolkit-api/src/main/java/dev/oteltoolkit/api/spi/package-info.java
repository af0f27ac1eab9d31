/**
 * Service interfaces through which {@code otel-toolkit-core} reaches modules it does not depend on:
 * a module on the class path registers an implementation with {@link java.util.ServiceLoader}
 * ({@code META-INF/services}), and core calls it for every {@code Telemetry} it builds.
 *
 * <p>For authors of toolkit modules; applications never call these types. {@code
 * otel-toolkit-logging} uses {@link dev.oteltoolkit.api.spi.TelemetryAttachment} to attach
 * OpenTelemetry's Logback and Log4j appenders to the root logger when a {@code Telemetry} is built,
 * and to detach them when it is closed.
 */
@NullMarked
package dev.oteltoolkit.api.spi;

import org.jspecify.annotations.NullMarked;
