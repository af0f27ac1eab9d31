/**
 * Internal, not for public use: the context storage behind {@code MdcBridge}, and the log export
 * (OpenTelemetry's Logback and Log4j appenders attached for each {@code Telemetry}).
 */
package dev.oteltoolkit.logging.internal;
