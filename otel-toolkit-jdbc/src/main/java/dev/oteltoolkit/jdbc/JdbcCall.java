package dev.oteltoolkit.jdbc;

import java.sql.SQLException;

/** A call into the driver: what an instrumented method does once its span is current. */
@FunctionalInterface
interface JdbcCall<T> {

  T call() throws SQLException;
}
