package dev.oteltoolkit.jdbc;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Map;

/**
 * The database names that dashboards built before the stable conventions query, recorded beside the
 * stable ones when {@code OTEL_SEMCONV_STABILITY_OPT_IN} holds {@code database/dup}: the names
 * OpenTelemetry's own instrumentations (2.31.1) emit as their "old" database conventions. Copied
 * from the deprecated constants of {@code DbIncubatingAttributes} in
 * opentelemetry-semconv-incubating <b>1.44.0-alpha</b>; {@code DbOldNamesTest} asserts each copy
 * equals the artifact's constant.
 */
final class DbOldNames {

  /** Old name of {@code db.system.name}; its values are the old ones ({@link #systemOf}). */
  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");

  /** Old name of {@code db.namespace}. */
  static final AttributeKey<String> DB_NAME = AttributeKey.stringKey("db.name");

  /** Old name of {@code db.query.text}: the same text, captured and sanitized the same way. */
  static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");

  /** Old name of {@code db.operation.name}, without the {@code BATCH} prefix. */
  static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation");

  /** Old name of {@code db.collection.name} for SQL databases. */
  static final AttributeKey<String> DB_SQL_TABLE = AttributeKey.stringKey("db.sql.table");

  /**
   * {@code db.system.name} values that were spelled differently as {@code db.system} values: the
   * reverse of the official instrumentation's own renaming table (its {@code
   * SemconvStability.stableDbSystemName}). Every other value is the same under both names.
   */
  private static final Map<String, String> OLD_SYSTEM_VALUES =
      Map.ofEntries(
          Map.entry("softwareag.adabas", "adabas"),
          Map.entry("intersystems.cache", "intersystems_cache"),
          Map.entry("azure.cosmosdb", "cosmosdb"),
          Map.entry("ibm.db2", "db2"),
          Map.entry("aws.dynamodb", "dynamodb"),
          Map.entry("h2database", "h2"),
          Map.entry("sap.hana", "hanadb"),
          Map.entry("ibm.informix", "informix"),
          Map.entry("actian.ingres", "ingres"),
          Map.entry("sap.maxdb", "maxdb"),
          Map.entry("microsoft.sql_server", "mssql"),
          Map.entry("ibm.netezza", "netezza"),
          Map.entry("oracle.db", "oracle"),
          Map.entry("aws.redshift", "redshift"),
          Map.entry("gcp.spanner", "spanner"));

  private DbOldNames() {}

  /**
   * The {@code db.system} value of a {@code db.system.name} value.
   *
   * @param systemName the stable value, e.g. {@code h2database}
   * @return the old value, e.g. {@code h2}
   */
  static String systemOf(String systemName) {
    return OLD_SYSTEM_VALUES.getOrDefault(systemName, systemName);
  }
}
