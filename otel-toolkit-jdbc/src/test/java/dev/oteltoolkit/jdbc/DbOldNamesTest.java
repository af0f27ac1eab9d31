package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.DbIncubatingAttributes;
import io.opentelemetry.semconv.incubating.DbIncubatingAttributes.DbSystemIncubatingValues;
import org.junit.jupiter.api.Test;

/** The old database names are the deprecated constants of semconv-incubating 1.44.0-alpha. */
class DbOldNamesTest {

  @Test
  @SuppressWarnings("deprecation") // the deprecated constants are the point
  void copiesEqualTheIncubatingArtifact() {
    assertThat(DbOldNames.DB_SYSTEM).isEqualTo(DbIncubatingAttributes.DB_SYSTEM);
    assertThat(DbOldNames.DB_NAME).isEqualTo(DbIncubatingAttributes.DB_NAME);
    assertThat(DbOldNames.DB_STATEMENT).isEqualTo(DbIncubatingAttributes.DB_STATEMENT);
    assertThat(DbOldNames.DB_OPERATION).isEqualTo(DbIncubatingAttributes.DB_OPERATION);
    assertThat(DbOldNames.DB_SQL_TABLE).isEqualTo(DbIncubatingAttributes.DB_SQL_TABLE);
  }

  /** Every db.system.name DbInfo can produce maps to a db.system value of the old conventions. */
  @Test
  @SuppressWarnings("deprecation")
  void everySystemWeDetectHasItsOldValue() {
    assertThat(DbOldNames.systemOf(DbIncubating.H2DATABASE)).isEqualTo(DbSystemIncubatingValues.H2);
    assertThat(DbOldNames.systemOf("microsoft.sql_server"))
        .isEqualTo(DbSystemIncubatingValues.MSSQL);
    assertThat(DbOldNames.systemOf(DbIncubating.ORACLE_DB))
        .isEqualTo(DbSystemIncubatingValues.ORACLE);
    assertThat(DbOldNames.systemOf(DbIncubating.IBM_DB2)).isEqualTo(DbSystemIncubatingValues.DB2);
    assertThat(DbOldNames.systemOf(DbIncubating.IBM_INFORMIX))
        .isEqualTo(DbSystemIncubatingValues.INFORMIX);
    assertThat(DbOldNames.systemOf(DbIncubating.SAP_HANA))
        .isEqualTo(DbSystemIncubatingValues.HANADB);
    // the same spelling under both names
    assertThat(DbOldNames.systemOf("postgresql")).isEqualTo(DbSystemIncubatingValues.POSTGRESQL);
    assertThat(DbOldNames.systemOf("mariadb")).isEqualTo(DbSystemIncubatingValues.MARIADB);
    assertThat(DbOldNames.systemOf("mysql")).isEqualTo(DbSystemIncubatingValues.MYSQL);
    assertThat(DbOldNames.systemOf(DbIncubating.OTHER_SQL))
        .isEqualTo(DbSystemIncubatingValues.OTHER_SQL);
    assertThat(DbOldNames.systemOf(DbIncubating.HSQLDB)).isEqualTo(DbSystemIncubatingValues.HSQLDB);
    assertThat(DbOldNames.systemOf(DbIncubating.DERBY)).isEqualTo(DbSystemIncubatingValues.DERBY);
    assertThat(DbOldNames.systemOf(DbIncubating.SQLITE)).isEqualTo(DbSystemIncubatingValues.SQLITE);
    assertThat(DbOldNames.systemOf(DbIncubating.CLICKHOUSE))
        .isEqualTo(DbSystemIncubatingValues.CLICKHOUSE);
    assertThat(DbOldNames.systemOf(DbIncubating.TRINO)).isEqualTo(DbSystemIncubatingValues.TRINO);
  }
}
