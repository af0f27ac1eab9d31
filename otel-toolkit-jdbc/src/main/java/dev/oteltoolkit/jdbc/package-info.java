/**
 * JDBC instrumentation: {@link dev.oteltoolkit.jdbc.JdbcTelemetry} wraps a {@code DataSource} or a
 * {@code Connection} so that every statement execution records a CLIENT span and the {@code
 * db.client.operation.duration} histogram by the database semantic conventions, with the SQL text
 * sanitized by {@link dev.oteltoolkit.jdbc.SqlSanitizer}.
 */
package dev.oteltoolkit.jdbc;
