package dev.oteltoolkit.jdbc;

import java.util.List;

/** Hostile statements on H2 (embedded: always runs). */
class H2HostileSqlTest extends AbstractHostileSqlTest {

  @Override
  TestDatabase database() {
    return H2JdbcTest.H2;
  }

  @Override
  String[] dialectProbe() {
    // double quotes quote identifiers, kept
    return new String[] {
      "SELECT \"it's\" FROM (SELECT 'x' AS \"it's\") q",
      "SELECT \"it's\" FROM (SELECT ? AS \"it's\") q"
    };
  }

  @Override
  List<Hostile> hostileStatements() {
    String user = table + "_u";
    return List.of(
        // H2's dollar-quoted strings: the body holds a quote, a $ and comment markers
        returns(
            "SELECT $$it's " + secret(20) + " $ -- /* $$ AS v",
            "it's " + secret(20) + " $ -- /* ",
            secret(20)),
        returns("SELECT U&'d\\0061t " + secret(21) + "' AS v", "dat " + secret(21), secret(21)),
        // double quotes quote identifiers; the literal is elsewhere
        returns(
            "SELECT \"it's\" FROM (SELECT '" + secret(22) + "' AS \"it's\") q",
            secret(22),
            secret(22)),
        returns("SELECT ARRAY['" + secret(23) + "'][1] AS v", secret(23), secret(23)),
        // a backslash is an ordinary character: 'C:\' is a whole literal
        returns("SELECT 'C:\\' AS a, '" + secret(24) + "' AS b", "C:\\", secret(24)),
        // credentials, quoted and not
        returns("CREATE USER " + user + " PASSWORD '" + secret(25) + "'", null, secret(25)),
        returns("ALTER USER " + user + " SET PASSWORD '" + secret(26) + "'", null, secret(26)),
        fails("ALTER USER " + user + " SET PASSWORD " + secret(27), secret(27)),
        // H2 takes Oracle's IDENTIFIED BY too, unquoted
        returns(
            "CREATE USER " + user + "_x IDENTIFIED BY /* note */ " + secret(28), null, secret(28)),
        returns("DROP USER " + user, null),
        returns("DROP USER " + user + "_x", null));
  }
}
