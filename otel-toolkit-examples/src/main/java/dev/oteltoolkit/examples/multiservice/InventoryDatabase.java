package dev.oteltoolkit.examples.multiservice;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The inventory server's database: the machine's PostgreSQL when its driver is on the classpath and
 * it answers, else embedded H2, announced loudly on stderr. The schema is the same on both, and so
 * is the slow query: H2 gets a {@code PG_SLEEP} function that does what PostgreSQL's does.
 *
 * <p>The URL comes from the system property or environment variable {@code SCENARIO_JDBC_URL}
 * (default {@value #DEFAULT_URL}), the user from {@code SCENARIO_JDBC_USER} (default {@code
 * postgres}) and the password from {@code SCENARIO_JDBC_PASSWORD} (default empty).
 */
final class InventoryDatabase {

  /** Where the server looks for its database when nothing says otherwise. */
  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  /** The fallback: H2 in memory, kept while the JVM runs, dropped by {@link #close}. */
  static final String H2_URL = "jdbc:h2:mem:inventory;DB_CLOSE_DELAY=-1";

  private static final String POSTGRESQL_DRIVER = "org.postgresql.Driver";

  private InventoryDatabase() {}

  /** The URL {@code SCENARIO_JDBC_URL} names (system property first), else the default. */
  static String configuredUrl() {
    return setting("SCENARIO_JDBC_URL", DEFAULT_URL);
  }

  /**
   * Connects to {@code url}, or to embedded H2 when {@code url} is PostgreSQL's and its driver is
   * absent or the server does not answer; says so on {@code err}. Creates the schema afresh.
   *
   * @return an open connection, not instrumented (the server wraps it)
   */
  static Connection connect(String url, PrintStream err) throws SQLException {
    Connection connection;
    if (url.startsWith("jdbc:postgresql:")) {
      connection = tryPostgreSql(url, err);
      if (connection == null) {
        connection = DriverManager.getConnection(H2_URL, "sa", "");
      }
    } else {
      connection = DriverManager.getConnection(url, user(url), password());
    }
    createSchema(connection);
    return connection;
  }

  private static Connection tryPostgreSql(String url, PrintStream err) {
    try {
      Class.forName(POSTGRESQL_DRIVER);
    } catch (ClassNotFoundException e) {
      loud(
          err,
          "the PostgreSQL driver (org.postgresql:postgresql) is not on the classpath",
          "Put it there to use your PostgreSQL.");
      return null;
    }
    Properties properties = new Properties();
    properties.setProperty("user", user(url));
    properties.setProperty("password", password());
    properties.setProperty("connectTimeout", "2"); // seconds: fall back fast when it is down
    try {
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      loud(
          err,
          "PostgreSQL at " + url + " did not accept a connection (" + e.getMessage() + ")",
          "Set SCENARIO_JDBC_URL (and SCENARIO_JDBC_USER, SCENARIO_JDBC_PASSWORD) to reach it.");
      return null;
    }
  }

  private static void loud(PrintStream err, String why, String advice) {
    err.println();
    err.println("!!! " + "=".repeat(76));
    err.println("!!! " + why + ".");
    err.println("!!! FALLING BACK TO EMBEDDED H2 (" + H2_URL + "):");
    err.println("!!! the same traces and metrics, but the database times are those of an");
    err.println("!!! in-memory database inside this JVM. " + advice);
    err.println("!!! " + "=".repeat(76));
    err.println();
    err.flush();
  }

  /**
   * Drops and creates the two tables: items with their prices, and the scans the server records.
   * Quantities must be positive: a scan of 0 breaks the CHECK and its request fails. Runs on the
   * connection before it is instrumented: the migration is not part of any request.
   */
  private static void createSchema(Connection connection) throws SQLException {
    boolean h2 = connection.getMetaData().getURL().startsWith("jdbc:h2:");
    try (Statement statement = connection.createStatement()) {
      if (h2) {
        statement.execute(
            "CREATE ALIAS IF NOT EXISTS PG_SLEEP FOR '"
                + H2Functions.class.getName()
                + ".pgSleep'");
      }
      statement.execute("DROP TABLE IF EXISTS inventory_scans");
      statement.execute("DROP TABLE IF EXISTS inventory_items");
      statement.execute(
          "CREATE TABLE inventory_items (sku VARCHAR(20) PRIMARY KEY, name VARCHAR(100),"
              + " unit_price DECIMAL(10, 2))");
      statement.execute(
          "INSERT INTO inventory_items VALUES ('SKU-100', 'pallet of paper', 42.50),"
              + " ('SKU-200', 'box of toner', 89.90), ('SKU-300', 'desk lamp', 24.00)");
      statement.execute(
          "CREATE TABLE inventory_scans (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
              + " sku VARCHAR(20) REFERENCES inventory_items (sku),"
              + " quantity INT CHECK (quantity > 0), amount DECIMAL(12, 2))");
    }
  }

  /** Drops the tables (and, on H2, the whole in-memory database) and closes the connection. */
  static void close(Connection connection) throws SQLException {
    try (connection;
        Statement statement = connection.createStatement()) {
      if (connection.getMetaData().getURL().startsWith("jdbc:h2:")) {
        statement.execute("SHUTDOWN");
      } else {
        statement.execute("DROP TABLE IF EXISTS inventory_scans");
        statement.execute("DROP TABLE IF EXISTS inventory_items");
      }
    }
  }

  private static String user(String url) {
    return setting("SCENARIO_JDBC_USER", url.startsWith("jdbc:h2:") ? "sa" : "postgres");
  }

  private static String password() {
    return setting("SCENARIO_JDBC_PASSWORD", "");
  }

  private static String setting(String name, String fallback) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv(name);
    }
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /** Describes the database a connection reached, for the console: {@code PostgreSQL 16.4}. */
  static String describe(Connection connection) throws SQLException {
    return String.format(
        Locale.ROOT,
        "%s %s at %s",
        connection.getMetaData().getDatabaseProductName(),
        connection.getMetaData().getDatabaseProductVersion(),
        connection.getMetaData().getURL());
  }
}
