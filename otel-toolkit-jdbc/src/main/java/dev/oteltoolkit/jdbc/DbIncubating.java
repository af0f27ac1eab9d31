package dev.oteltoolkit.jdbc;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Incubating database semantic-convention names, copied from {@code
 * io.opentelemetry.semconv.incubating.DbIncubatingAttributes} of opentelemetry-semconv-incubating
 * <b>1.44.0-alpha</b> (semantic conventions 1.44.0) so that the library does not depend on the
 * incubating artifact. {@code DbIncubatingTest} asserts each copy equals the artifact's constant,
 * so a rename in a new semconv release fails the build instead of drifting silently.
 */
final class DbIncubating {

  // db.system.name values still in development (stable ones come from DbSystemNameValues)
  static final String OTHER_SQL = "other_sql";
  static final String H2DATABASE = "h2database";
  static final String HSQLDB = "hsqldb";
  static final String DERBY = "derby";
  static final String ORACLE_DB = "oracle.db";
  static final String IBM_DB2 = "ibm.db2";
  static final String IBM_INFORMIX = "ibm.informix";
  static final String SQLITE = "sqlite";
  static final String CLICKHOUSE = "clickhouse";
  static final String SAP_HANA = "sap.hana";
  static final String TRINO = "trino";

  /**
   * {@code db.response.returned_rows} (opt-in). Not recorded: JDBC knows the row count only while
   * the application reads the ResultSet, after the execution span has ended.
   */
  static final AttributeKey<Long> DB_RESPONSE_RETURNED_ROWS =
      AttributeKey.longKey("db.response.returned_rows");

  private DbIncubating() {}
}
