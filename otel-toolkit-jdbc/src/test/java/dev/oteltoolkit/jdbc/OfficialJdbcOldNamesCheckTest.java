package dev.oteltoolkit.jdbc;

import java.util.HashSet;
import java.util.Set;

/**
 * The cross-check of {@link OfficialJdbcCrossCheckTest} under {@code
 * otel.semconv-stability.opt-in=database/dup}: the official library (2.31.1) and ours both record
 * the old database names beside the stable ones, with equal values ({@code db.system} {@code h2}
 * for {@code db.system.name} {@code h2database}, {@code db.statement} sanitized as ours is). Runs
 * in its own surefire execution (the official library reads the opt-in once per JVM).
 */
class OfficialJdbcOldNamesCheckTest extends OfficialJdbcCrossCheckTest {

  @Override
  String optIn() {
    return "database/dup";
  }

  /**
   * The official library's old names we leave out: {@code db.connection_string} and {@code db.user}
   * have no stable counterpart (the conventions dropped them) and a user name is personal data; the
   * official library records {@code db.user} only where the driver tells it (MariaDB here).
   */
  @Override
  Set<String> officialOnly(String database) {
    Set<String> names = new HashSet<>(super.officialOnly(database));
    names.add("db.connection_string");
    if (database.equals("MariaDB")) {
      names.add("db.user");
    }
    return names;
  }

  /**
   * {@code db.sql.table} is ours only: the official 2.x JDBC library no longer sets its table
   * attribute, but dashboards built on the 1.x agent, the ones this switch is for, query it.
   */
  @Override
  Set<String> oursOnly() {
    Set<String> names = new HashSet<>(super.oursOnly());
    names.add("db.sql.table");
    return names;
  }

  @Override
  Set<String> sharedAtLeast() {
    Set<String> names = new HashSet<>(super.sharedAtLeast());
    names.addAll(Set.of("db.system", "db.name", "db.statement", "db.operation"));
    return names;
  }
}
