package dev.oteltoolkit.jdbc;

import java.util.List;

/** Hostile statements on PostgreSQL (127.0.0.1:5432, database test). */
class PostgresHostileSqlTest extends AbstractHostileSqlTest {

  @Override
  TestDatabase database() {
    return PostgresJdbcTest.POSTGRESQL;
  }

  @Override
  String[] dialectProbe() {
    // a dollar quote holding a quote: one literal for PostgreSQL
    return new String[] {"SELECT $$it's$$ AS a, 'b' AS b", "SELECT ? AS a, ? AS b"};
  }

  @Override
  List<Hostile> hostileStatements() {
    String role = table + "_nobody";
    return List.of(
        // E'..': a backslash escapes the quote
        returns(
            "SELECT E'it\\'s " + secret(20) + " \\\\ x' AS v",
            "it's " + secret(20) + " \\ x",
            secret(20)),
        // dollar quotes: plain, tagged, tags of non-ASCII characters
        returns(
            "SELECT $$it's " + secret(21) + " $ x$$ AS v",
            "it's " + secret(21) + " $ x",
            secret(21)),
        returns(
            "SELECT $tag$ " + secret(22) + " $$ ' $tag$ AS v",
            " " + secret(22) + " $$ ' ",
            secret(22)),
        returns("SELECT $€$" + secret(23) + "$€$ AS v", secret(23), secret(23)),
        returns("SELECT $a€b$" + secret(24) + "$a€b$ AS v", secret(24), secret(24)),
        returns("SELECT U&'d\\0061t " + secret(25) + "' AS v", "dat " + secret(25), secret(25)),
        // nested comments: the comment ends at the second */, then comes the literal
        returns("SELECT /* x /* y */ ' */ '" + secret(26) + "' AS v", secret(26), secret(26)),
        // standard strings: a backslash is an ordinary character
        returns("SELECT 'C:\\' AS a, '" + secret(27) + "' AS b", "C:\\", secret(27)),
        returns("SELECT '" + secret(28) + "'::text AS v", secret(28), secret(28)),
        returns(
            "SELECT \"it's\" FROM (SELECT '" + secret(29) + "' AS \"it's\") q",
            secret(29),
            secret(29)),
        returns("SELECT (ARRAY['" + secret(30) + "'])[1] AS v", secret(30), secret(30)),
        // two statements in one text (simple query protocol): the first result is read
        returns("SELECT 1; SELECT '" + secret(31) + "'", "1", secret(31)),
        // credentials (the role does not exist: nothing changes on the shared server)
        fails("ALTER ROLE " + role + " PASSWORD '" + secret(32) + "'", secret(32)),
        fails("ALTER ROLE " + role + " WITH LOGIN PASSWORD /* x */ " + secret(33), secret(33)),
        // unterminated
        fails("SELECT E'" + secret(34) + "\\'", secret(34)),
        fails("SELECT $$" + secret(35), secret(35)));
  }
}
