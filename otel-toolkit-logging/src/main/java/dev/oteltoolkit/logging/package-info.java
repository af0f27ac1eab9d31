/**
 * SLF4J MDC bridge: {@code trace_id}, {@code span_id} and {@code trace_flags} of the current span
 * in every log line, with any SLF4J backend. See {@link dev.oteltoolkit.logging.MdcBridge}.
 */
package dev.oteltoolkit.logging;
