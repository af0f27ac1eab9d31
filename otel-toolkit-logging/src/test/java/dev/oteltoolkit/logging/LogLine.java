package dev.oteltoolkit.logging;

import java.util.Map;

/**
 * One log event as a backend's in-memory appender saw it, on the logging thread.
 *
 * @param text the event formatted with {@code trace_id=%X{trace_id} span_id=%X{span_id}
 *     trace_flags=%X{trace_flags} <message>}
 * @param mdc the MDC (context data) the event carried
 */
public record LogLine(String text, Map<String, String> mdc) {}
