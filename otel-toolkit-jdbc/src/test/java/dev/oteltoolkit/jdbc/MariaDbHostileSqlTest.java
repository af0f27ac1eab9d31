package dev.oteltoolkit.jdbc;

import java.util.List;

/** Hostile statements on MariaDB (127.0.0.1:3306, database test). */
class MariaDbHostileSqlTest extends AbstractHostileSqlTest {

  @Override
  TestDatabase database() {
    return MariaDbJdbcTest.MARIADB;
  }

  @Override
  String[] dialectProbe() {
    // a backslash escapes the quote: one literal for MariaDB
    return new String[] {"SELECT 'it\\'s' AS a, 'b' AS b", "SELECT ? AS a, ? AS b"};
  }

  @Override
  List<Hostile> hostileStatements() {
    String account = "'" + table + "_nobody'@'%'";
    return List.of(
        // backslash escapes in single- and double-quoted literals, after a charset introducer
        returns(
            "SELECT 'it\\'s " + secret(20) + " \\\\ x' AS v",
            "it's " + secret(20) + " \\ x",
            secret(20)),
        returns("SELECT \"dq \\\" " + secret(21) + "\" AS v", "dq \" " + secret(21), secret(21)),
        returns("SELECT _utf8mb4'" + secret(22) + "\\'x' AS v", secret(22) + "'x", secret(22)),
        returns("SELECT 'C:\\\\' AS a, '" + secret(23) + "' AS b", "C:\\", secret(23)),
        // # comments; "--" with no space is two minus signs, so the quoted number is a literal
        returns("SELECT 1 AS v # '" + secret(24) + "'\n", "1", secret(24)),
        returns("SELECT 5--'1000000007'\n AS v", null, "1000000007"),
        // the body of an executable comment is SQL
        returns("SELECT /*! '" + secret(25) + "' */ AS v", secret(25), secret(25)),
        returns("SELECT 1 AS `it's`, '" + secret(26) + "' AS b", "1", secret(26)),
        // credentials (the account does not exist: nothing changes on the shared server)
        fails("ALTER USER " + account + " IDENTIFIED BY '" + secret(27) + "'", secret(27)),
        fails("SET PASSWORD FOR " + account + " = PASSWORD('" + secret(28) + "')", secret(28)),
        // unterminated
        fails("SELECT 'it\\'s " + secret(29), secret(29)),
        fails("SELECT \"" + secret(30) + "\\\"", secret(30)));
  }
}
