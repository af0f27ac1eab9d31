package dev.oteltoolkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** JDBC URLs to db.system.name, db.namespace, server.address, server.port. */
class DbInfoTest {

  /** (url, system, namespace, address, port or -1). */
  static Stream<Arguments> urls() {
    return Stream.of(
        Arguments.of(
            "jdbc:postgresql://127.0.0.1:5432/test", "postgresql", "test", "127.0.0.1", 5432L),
        // default port; user and password in the URL are never kept
        Arguments.of(
            "jdbc:postgresql://db.example.com/shop?user=app&password=s3cret",
            "postgresql",
            "shop",
            "db.example.com",
            5432L),
        // the schema joins the namespace as {database}|{schema} when the URL names it
        Arguments.of(
            "jdbc:postgresql://h1:5433,h2:5434/shop?currentSchema=sales",
            "postgresql",
            "shop|sales",
            "h1",
            5433L),
        Arguments.of("jdbc:postgresql://[::1]:5432/test", "postgresql", "test", "::1", 5432L),
        Arguments.of("jdbc:postgresql:test", "postgresql", "test", "localhost", 5432L),
        // the OpenTelemetry driver's prefix
        Arguments.of("jdbc:otel:postgresql://pg:5432/test", "postgresql", "test", "pg", 5432L),
        Arguments.of(
            "jdbc:mariadb://127.0.0.1/test?user=root", "mariadb", "test", "127.0.0.1", 3306L),
        Arguments.of(
            "jdbc:mysql://user:pw@mysql.local:3307/app", "mysql", "app", "mysql.local", 3307L),
        Arguments.of("jdbc:mysql:loadbalance://a:3306,b:3306/app", "mysql", "app", "a", 3306L),
        Arguments.of(
            "jdbc:mysql://address=(protocol=tcp)(host=m1)(port=3310)/app",
            "mysql",
            "app",
            "m1",
            3310L),
        Arguments.of("jdbc:h2:mem:otk;DB_CLOSE_DELAY=-1", "h2database", "otk", null, -1L),
        Arguments.of("jdbc:h2:~/data/app", "h2database", "~/data/app", null, -1L),
        Arguments.of("jdbc:h2:tcp://h2host/~/app", "h2database", "~/app", "h2host", 9092L),
        Arguments.of(
            "jdbc:sqlserver://sql.local\\prod:1444;databaseName=orders;encrypt=true",
            "microsoft.sql_server",
            "prod|orders",
            "sql.local",
            1444L),
        Arguments.of(
            "jdbc:sqlserver://sql.local;database=orders",
            "microsoft.sql_server",
            "orders",
            "sql.local",
            1433L),
        Arguments.of(
            "jdbc:oracle:thin:@ora.local:1522:ORCL", "oracle.db", "ORCL", "ora.local", 1522L),
        Arguments.of(
            "jdbc:oracle:thin:@//ora.local/service", "oracle.db", "service", "ora.local", 1521L),
        Arguments.of(
            "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=o1)(PORT=1600))"
                + "(CONNECT_DATA=(SERVICE_NAME=svc)))",
            "oracle.db",
            "svc",
            "o1",
            1600L),
        Arguments.of("jdbc:hsqldb:mem:testdb", "hsqldb", "testdb", null, -1L),
        Arguments.of("jdbc:derby://dhost:1528/db;create=true", "derby", "db", "dhost", 1528L),
        Arguments.of("jdbc:db2://d2:50001/sample", "ibm.db2", "sample", "d2", 50001L),
        Arguments.of("jdbc:sqlite:/tmp/app.db", "sqlite", "/tmp/app.db", null, -1L),
        Arguments.of("jdbc:clickhouse://ch:8124/default", "clickhouse", "default", "ch", 8124L),
        // unknown: other_sql, nothing else
        Arguments.of("jdbc:weird:thing", "other_sql", null, null, -1L),
        Arguments.of("not a url", "other_sql", null, null, -1L));
  }

  @ParameterizedTest
  @MethodSource("urls")
  void parses(String url, String system, String namespace, String address, long port) {
    DbInfo info = DbInfo.parse(url, null);
    assertThat(info.systemName).isEqualTo(system);
    assertThat(info.namespace).isEqualTo(namespace);
    assertThat(info.serverAddress).isEqualTo(address);
    assertThat(info.serverPort).isEqualTo(port);
  }

  @Test
  void productNameNamesTheSystemWhenTheUrlCannot() {
    assertThat(DbInfo.parse(null, "PostgreSQL").systemName).isEqualTo("postgresql");
    assertThat(DbInfo.parse("jdbc:pool:x", "MariaDB").systemName).isEqualTo("mariadb");
    assertThat(DbInfo.parse(null, "H2").dialect).isEqualTo(SqlSanitizer.Dialect.ANSI);
    assertThat(DbInfo.parse(null, null).systemName).isEqualTo("other_sql");
  }

  /** (URL, the sanitizer's dialect its db.system.name selects). */
  static Stream<Arguments> dialects() {
    return Stream.of(
        Arguments.of("jdbc:postgresql://h/d", SqlSanitizer.Dialect.POSTGRESQL),
        Arguments.of("jdbc:mysql://h/d", SqlSanitizer.Dialect.MYSQL),
        Arguments.of("jdbc:mariadb://h/d", SqlSanitizer.Dialect.MYSQL),
        // brackets, money literals and nested comments: SQL Server's own rules
        Arguments.of("jdbc:sqlserver://h;databaseName=d", SqlSanitizer.Dialect.SQLSERVER),
        Arguments.of("jdbc:jtds:sqlserver://h/d", SqlSanitizer.Dialect.SQLSERVER),
        // q'[..]' quoting
        Arguments.of("jdbc:oracle:thin:@h:1521:x", SqlSanitizer.Dialect.ORACLE),
        Arguments.of("jdbc:h2:mem:x", SqlSanitizer.Dialect.ANSI),
        Arguments.of("jdbc:db2://h:50000/d", SqlSanitizer.Dialect.ANSI),
        Arguments.of("jdbc:trino://h:8080/c", SqlSanitizer.Dialect.ANSI),
        // SQLite reads a double-quoted word as a string when no column has its name; ClickHouse
        // mixes MySQL's escapes with standard identifiers: the union of all readings
        Arguments.of("jdbc:sqlite:/tmp/x.db", SqlSanitizer.Dialect.GENERIC),
        Arguments.of("jdbc:clickhouse://h:8123/d", SqlSanitizer.Dialect.GENERIC),
        Arguments.of("jdbc:unknown://h/d", SqlSanitizer.Dialect.GENERIC));
  }

  @ParameterizedTest
  @MethodSource("dialects")
  void theSystemNamePicksTheDialect(String url, SqlSanitizer.Dialect dialect) {
    DbInfo info = DbInfo.parse(url, null);
    assertThat(info.dialect).isEqualTo(dialect);
    assertThat(DbInfo.dialectOf(info.systemName)).isEqualTo(dialect);
  }

  @Test
  void statusCodeFollowsEachDatabasesConventions() {
    SQLException e = new SQLException("boom", "42S02", 1146);
    assertThat(DbInfo.parse("jdbc:mariadb://h/d", null).statusCode(e)).isEqualTo("1146");
    assertThat(DbInfo.parse("jdbc:mysql://h/d", null).statusCode(e)).isEqualTo("1146");
    assertThat(DbInfo.parse("jdbc:postgresql://h/d", null).statusCode(e)).isEqualTo("42S02");
    assertThat(DbInfo.parse("jdbc:h2:mem:x", null).statusCode(e)).isEqualTo("42S02");
    assertThat(
            DbInfo.parse("jdbc:oracle:thin:@h:1521:x", null)
                .statusCode(new SQLException("ORA-00942", "42000", 942)))
        .isEqualTo("ORA-00942");
    // whichever code the driver gave
    assertThat(
            DbInfo.parse("jdbc:postgresql://h/d", null).statusCode(new SQLException("x", null, 7)))
        .isEqualTo("7");
    assertThat(
            DbInfo.parse("jdbc:mariadb://h/d", null).statusCode(new SQLException("x", "HY000", 0)))
        .isEqualTo("HY000");
    assertThat(DbInfo.parse("jdbc:h2:mem:x", null).statusCode(new SQLException("x"))).isNull();
  }
}
