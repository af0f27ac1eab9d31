/**
 * One trace across message queues, brokers and services: {@link
 * dev.oteltoolkit.messaging.MessagingTelemetry} records PRODUCER and CONSUMER spans by the
 * OpenTelemetry messaging semantic conventions and carries the W3C trace context in message headers
 * for any broker client; {@link dev.oteltoolkit.messaging.MessageCarriers} reads and writes the
 * usual header containers; {@link dev.oteltoolkit.messaging.GuardedPropagator} reads untrusted
 * incoming headers (messages, HTTP requests) safely before a propagator parses them.
 */
package dev.oteltoolkit.messaging;
