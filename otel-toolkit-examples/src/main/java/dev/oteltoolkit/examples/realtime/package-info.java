/**
 * Scenario 4, realtime backend: long-lived WebSocket sessions whose handshake carries the client's
 * trace context; every message is handled in a span parented to it, with GenAI calls, errors, log
 * correlation, 10% sampling with force-sampled payments, and no span lost at shutdown. Run {@link
 * dev.oteltoolkit.examples.realtime.RealtimeBackend}.
 */
package dev.oteltoolkit.examples.realtime;
