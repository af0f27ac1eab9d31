package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.semconv.incubating.DbIncubatingAttributes;
import io.opentelemetry.semconv.incubating.DbIncubatingAttributes.DbSystemNameIncubatingValues;
import org.junit.jupiter.api.Test;

/**
 * Each incubating name copied into {@link DbIncubating} equals the constant of
 * opentelemetry-semconv-incubating: a rename in a new semconv release fails here.
 */
class DbIncubatingTest {

  @Test
  void systemNamesMatchTheIncubatingArtifact() {
    assertThat(DbIncubating.OTHER_SQL).isEqualTo(DbSystemNameIncubatingValues.OTHER_SQL);
    assertThat(DbIncubating.H2DATABASE).isEqualTo(DbSystemNameIncubatingValues.H2DATABASE);
    assertThat(DbIncubating.HSQLDB).isEqualTo(DbSystemNameIncubatingValues.HSQLDB);
    assertThat(DbIncubating.DERBY).isEqualTo(DbSystemNameIncubatingValues.DERBY);
    assertThat(DbIncubating.ORACLE_DB).isEqualTo(DbSystemNameIncubatingValues.ORACLE_DB);
    assertThat(DbIncubating.IBM_DB2).isEqualTo(DbSystemNameIncubatingValues.IBM_DB2);
    assertThat(DbIncubating.IBM_INFORMIX).isEqualTo(DbSystemNameIncubatingValues.IBM_INFORMIX);
    assertThat(DbIncubating.SQLITE).isEqualTo(DbSystemNameIncubatingValues.SQLITE);
    assertThat(DbIncubating.CLICKHOUSE).isEqualTo(DbSystemNameIncubatingValues.CLICKHOUSE);
    assertThat(DbIncubating.SAP_HANA).isEqualTo(DbSystemNameIncubatingValues.SAP_HANA);
    assertThat(DbIncubating.TRINO).isEqualTo(DbSystemNameIncubatingValues.TRINO);
  }

  @Test
  void attributeKeysMatchTheIncubatingArtifact() {
    assertThat(DbIncubating.DB_RESPONSE_RETURNED_ROWS)
        .isEqualTo(DbIncubatingAttributes.DB_RESPONSE_RETURNED_ROWS);
  }
}
