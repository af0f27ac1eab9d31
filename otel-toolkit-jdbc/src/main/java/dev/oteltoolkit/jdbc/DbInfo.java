package dev.oteltoolkit.jdbc;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.DbAttributes.DbSystemNameValues;
import io.opentelemetry.semconv.ServerAttributes;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What is known about the database behind a connection, parsed once from its JDBC URL (and the
 * product name of its metadata when the URL says nothing): {@code db.system.name}, {@code
 * db.namespace}, {@code server.address}, {@code server.port}, the SQL dialect for the sanitizer.
 * Immutable. User names and passwords in the URL are never kept.
 */
final class DbInfo {

  /** When nothing could be learnt about the database. */
  static final DbInfo UNKNOWN =
      new DbInfo(DbIncubating.OTHER_SQL, null, null, -1, SqlSanitizer.Dialect.GENERIC);

  final String systemName;
  /** The {@code db.system} value of {@link #systemName}, for {@code database/dup}. */
  final String oldSystem;
  final String namespace;
  final String serverAddress;
  /** The port, or -1 when unknown (then {@code server.port} is not recorded). */
  final long serverPort;
  final SqlSanitizer.Dialect dialect;
  /** db.system.name, db.namespace, server.address, server.port: the base of every metric point. */
  final Attributes baseAttributes;

  DbInfo(
      String systemName,
      String namespace,
      String serverAddress,
      long serverPort,
      SqlSanitizer.Dialect dialect) {
    this.systemName = systemName;
    this.oldSystem = DbOldNames.systemOf(systemName);
    this.namespace = namespace;
    this.serverAddress = serverAddress;
    this.serverPort = serverAddress == null ? -1 : serverPort;
    this.dialect = dialect;
    AttributesBuilder builder = Attributes.builder().put(DbAttributes.DB_SYSTEM_NAME, systemName);
    if (namespace != null) {
      builder.put(DbAttributes.DB_NAMESPACE, namespace);
    }
    if (serverAddress != null) {
      builder.put(ServerAttributes.SERVER_ADDRESS, serverAddress);
      if (this.serverPort > 0) {
        builder.put(ServerAttributes.SERVER_PORT, this.serverPort);
      }
    }
    this.baseAttributes = builder.build();
  }

  /**
   * The {@code db.response.status_code} of a failure, by the semantic conventions of the
   * database: the vendor's error code where it is more specific than SQLSTATE (MySQL, MariaDB,
   * SQL Server, Oracle, DB2, SQLite), else the SQLSTATE; {@code null} when the driver gave neither.
   */
  String statusCode(SQLException e) {
    String sqlState = e.getSQLState();
    int vendorCode = e.getErrorCode();
    boolean vendorFirst;
    switch (systemName) {
      case DbSystemNameValues.MYSQL:
      case DbSystemNameValues.MARIADB:
      case DbSystemNameValues.MICROSOFT_SQL_SERVER:
      case DbIncubating.IBM_DB2:
      case DbIncubating.SQLITE:
        vendorFirst = true;
        break;
      case DbIncubating.ORACLE_DB:
        if (vendorCode != 0) {
          return String.format(Locale.ROOT, "ORA-%05d", vendorCode);
        }
        vendorFirst = false;
        break;
      default:
        vendorFirst = false;
    }
    if (vendorFirst && vendorCode != 0) {
      return Integer.toString(vendorCode);
    }
    if (sqlState != null && !sqlState.isEmpty()) {
      return sqlState;
    }
    return vendorCode != 0 ? Integer.toString(vendorCode) : null;
  }

  @Override
  public String toString() {
    return "DbInfo{system=" + systemName + ", namespace=" + namespace + ", server="
        + serverAddress + ":" + serverPort + ", dialect=" + dialect + "}";
  }

  // ---------------------------------------------------------------- parsing

  /**
   * Parses a JDBC URL; {@code productName} ({@code DatabaseMetaData.getDatabaseProductName()})
   * names the system when the URL does not. Never throws.
   */
  static DbInfo parse(String url, String productName) {
    DbInfo parsed = parseUrl(url);
    return parsed != null ? parsed : fromProduct(productName);
  }

  /** What the product name ({@code DatabaseMetaData.getDatabaseProductName()}) tells. */
  static DbInfo fromProduct(String productName) {
    String system = systemFromProduct(productName);
    return new DbInfo(system, null, null, -1, dialectOf(system));
  }

  /** Parses a JDBC URL; {@code null} when it names no database we know. Never throws. */
  static DbInfo parseUrl(String url) {
    if (url == null) {
      return null;
    }
    try {
      return parseKnownUrl(url);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static DbInfo parseKnownUrl(String url) {
    if (!url.regionMatches(true, 0, "jdbc:", 0, 5)) {
      return null;
    }
    String rest = url.substring(5);
    // URLs of wrapping drivers: jdbc:otel:postgresql://..., jdbc:p6spy:mysql://...
    for (String wrapper : new String[] {"otel:", "p6spy:", "log4jdbc:", "tracing:"}) {
      if (rest.regionMatches(true, 0, wrapper, 0, wrapper.length())) {
        rest = rest.substring(wrapper.length());
      }
    }
    int colon = rest.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String subprotocol = rest.substring(0, colon).toLowerCase(Locale.ROOT);
    String spec = rest.substring(colon + 1);
    switch (subprotocol) {
      case "postgresql":
      case "pgsql":
        return postgresql(spec);
      case "mysql":
        return mysqlFamily(DbSystemNameValues.MYSQL, spec);
      case "mariadb":
        return mysqlFamily(DbSystemNameValues.MARIADB, spec);
      case "h2":
        return h2(spec);
      case "sqlserver":
        return sqlServer(spec);
      case "jtds":
        return spec.startsWith("sqlserver:")
            ? authority(DbSystemNameValues.MICROSOFT_SQL_SERVER, spec.substring(10), 1433)
            : null;
      case "oracle":
        return oracle(spec);
      case "hsqldb":
        return embeddedOrServer(DbIncubating.HSQLDB, spec, 9001);
      case "derby":
        return embeddedOrServer(DbIncubating.DERBY, spec, 1527);
      case "db2":
        return authority(DbIncubating.IBM_DB2, spec, 50000);
      case "sqlite":
        return new DbInfo(DbIncubating.SQLITE, emptyToNull(spec), null, -1, dialectOf(
            DbIncubating.SQLITE));
      case "clickhouse":
      case "ch":
        return authority(DbIncubating.CLICKHOUSE, stripSubprotocol(spec), 8123);
      case "sap":
        return authority(DbIncubating.SAP_HANA, spec, 30015);
      case "informix-sqli":
        return authority(DbIncubating.IBM_INFORMIX, spec, 9088);
      case "trino":
        return authority(DbIncubating.TRINO, spec, 8080);
      default:
        return null;
    }
  }

  private static DbInfo postgresql(String spec) {
    DbInfo base = authority(DbSystemNameValues.POSTGRESQL, spec, 5432);
    if (base == null) {
      // jdbc:postgresql:database (local host, default port)
      return new DbInfo(DbSystemNameValues.POSTGRESQL, emptyToNull(beforeAny(spec, "?;")),
          "localhost", 5432, SqlSanitizer.Dialect.POSTGRESQL);
    }
    String schema = queryParameter(spec, "currentSchema");
    if (base.namespace != null && schema != null) {
      // the semantic conventions' {database}|{schema}, when the URL names the schema
      return new DbInfo(base.systemName, base.namespace + "|" + schema, base.serverAddress,
          base.serverPort, base.dialect);
    }
    return base;
  }

  private static DbInfo mysqlFamily(String system, String spec) {
    // jdbc:mysql:loadbalance://..., jdbc:mariadb:replication://...
    String s = stripSubprotocol(spec);
    if (s.startsWith("//address=")) {
      String host = parenthesized(s, "host");
      String port = parenthesized(s, "port");
      int slash = s.indexOf('/', 2);
      String database = slash < 0 ? null : emptyToNull(beforeAny(s.substring(slash + 1), "?;"));
      return new DbInfo(system, database, host, port == null ? 3306 : parsePort(port, 3306),
          dialectOf(system));
    }
    return authority(system, s, 3306);
  }

  private static DbInfo h2(String spec) {
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.startsWith("tcp:") || lower.startsWith("ssl:")) {
      return authority(DbIncubating.H2DATABASE, spec.substring(4), 9092);
    }
    String path = spec;
    for (String mode : new String[] {"mem:", "file:", "zip:"}) {
      if (lower.startsWith(mode)) {
        path = spec.substring(mode.length());
        break;
      }
    }
    return new DbInfo(DbIncubating.H2DATABASE, emptyToNull(beforeAny(path, ";")), null, -1,
        dialectOf(DbIncubating.H2DATABASE));
  }

  private static DbInfo sqlServer(String spec) {
    // jdbc:sqlserver://host\instance:port;databaseName=db;...
    if (!spec.startsWith("//")) {
      return null;
    }
    String authority = beforeAny(spec.substring(2), ";");
    String instance = null;
    int backslash = authority.indexOf('\\');
    String hostPort = authority;
    if (backslash >= 0) {
      int portColon = authority.indexOf(':', backslash);
      instance = authority.substring(backslash + 1, portColon < 0 ? authority.length() : portColon);
      hostPort = authority.substring(0, backslash)
          + (portColon < 0 ? "" : authority.substring(portColon));
    }
    String host = hostPort;
    long port = 1433;
    int colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      host = hostPort.substring(0, colon);
      port = parsePort(hostPort.substring(colon + 1), 1433);
    }
    String database = property(spec, "databaseName");
    if (database == null) {
      database = property(spec, "database");
    }
    String namespace = instance == null ? database
        : database == null ? instance : instance + "|" + database;
    return new DbInfo(DbSystemNameValues.MICROSOFT_SQL_SERVER, namespace, emptyToNull(host), port,
        dialectOf(DbSystemNameValues.MICROSOFT_SQL_SERVER));
  }

  // String.split drops trailing empty parts, which is what these URL grammars want
  @SuppressWarnings("StringSplitter")
  private static DbInfo oracle(String spec) {
    // thin:@host:port:sid, thin:@//host:port/service, thin:@(DESCRIPTION=...)
    int at = spec.indexOf('@');
    String target = at < 0 ? spec : spec.substring(at + 1);
    String system = DbIncubating.ORACLE_DB;
    SqlSanitizer.Dialect dialect = dialectOf(system);
    if (target.startsWith("(")) {
      String host = parenthesized(target, "HOST");
      String port = parenthesized(target, "PORT");
      String service = parenthesized(target, "SERVICE_NAME");
      if (service == null) {
        service = parenthesized(target, "SID");
      }
      return new DbInfo(system, service, host, port == null ? 1521 : parsePort(port, 1521),
          dialect);
    }
    if (target.startsWith("//")) {
      return authority(system, target, 1521);
    }
    String[] parts = target.split(":");
    if (parts.length >= 2 && !parts[0].isEmpty()) {
      String sid = parts.length >= 3 ? parts[2] : null;
      return new DbInfo(system, emptyToNull(sid), parts[0], parsePort(parts[1], 1521), dialect);
    }
    return new DbInfo(system, null, null, -1, dialect);
  }

  private static DbInfo embeddedOrServer(String system, String spec, int defaultPort) {
    String lower = spec.toLowerCase(Locale.ROOT);
    int scheme = lower.indexOf("://");
    if (scheme >= 0 || lower.startsWith("//")) {
      return authority(system, scheme >= 0 ? spec.substring(scheme + 1) : spec, defaultPort);
    }
    String path = spec;
    for (String mode : new String[] {"mem:", "file:", "res:", "memory:", "directory:"}) {
      if (lower.startsWith(mode)) {
        path = spec.substring(mode.length());
        break;
      }
    }
    return new DbInfo(system, emptyToNull(beforeAny(path, ";?")), null, -1, dialectOf(system));
  }

  /**
   * Parses {@code //[user[:password]@]host[:port][,host2...][/database][?|;params]}: the first
   * host, its port (or {@code defaultPort}) and the database. Returns {@code null} if {@code spec}
   * has no authority.
   */
  private static DbInfo authority(String system, String spec, int defaultPort) {
    if (!spec.startsWith("//")) {
      return null;
    }
    String s = spec.substring(2);
    int authorityEnd = indexOfAny(s, "/?;");
    String authority = authorityEnd < 0 ? s : s.substring(0, authorityEnd);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    int comma = authority.indexOf(',');
    if (comma >= 0) {
      authority = authority.substring(0, comma);
    }
    String host = authority;
    long port = defaultPort;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close > 0) {
        host = authority.substring(1, close);
        if (close + 1 < authority.length() && authority.charAt(close + 1) == ':') {
          port = parsePort(authority.substring(close + 2), defaultPort);
        }
      }
    } else {
      int colon = authority.indexOf(':');
      if (colon >= 0) {
        host = authority.substring(0, colon);
        port = parsePort(authority.substring(colon + 1), defaultPort);
      }
    }
    String database = null;
    if (authorityEnd >= 0 && s.charAt(authorityEnd) == '/') {
      database = emptyToNull(beforeAny(s.substring(authorityEnd + 1), "?;"));
    }
    return new DbInfo(system, database, emptyToNull(host), port, dialectOf(system));
  }

  /**
   * The sanitizer's dialect for a {@code db.system.name}; systems whose lexical rules are not one
   * of the dialects (SQLite's fallback from identifiers to strings, ClickHouse, Informix, unknown
   * ones) get {@link SqlSanitizer.Dialect#GENERIC}, the union of all of them.
   */
  static SqlSanitizer.Dialect dialectOf(String system) {
    switch (system) {
      case DbSystemNameValues.POSTGRESQL:
        return SqlSanitizer.Dialect.POSTGRESQL;
      case DbSystemNameValues.MYSQL:
      case DbSystemNameValues.MARIADB:
        return SqlSanitizer.Dialect.MYSQL;
      case DbSystemNameValues.MICROSOFT_SQL_SERVER:
        return SqlSanitizer.Dialect.SQLSERVER;
      case DbIncubating.ORACLE_DB:
        return SqlSanitizer.Dialect.ORACLE;
      case DbIncubating.H2DATABASE:
      case DbIncubating.HSQLDB:
      case DbIncubating.DERBY:
      case DbIncubating.IBM_DB2:
      case DbIncubating.SAP_HANA:
      case DbIncubating.TRINO:
        return SqlSanitizer.Dialect.ANSI;
      default:
        return SqlSanitizer.Dialect.GENERIC;
    }
  }

  private static String systemFromProduct(String productName) {
    if (productName == null) {
      return DbIncubating.OTHER_SQL;
    }
    String p = productName.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return DbSystemNameValues.POSTGRESQL;
    } else if (p.contains("mariadb")) {
      return DbSystemNameValues.MARIADB;
    } else if (p.contains("mysql")) {
      return DbSystemNameValues.MYSQL;
    } else if (p.equals("h2")) {
      return DbIncubating.H2DATABASE;
    } else if (p.contains("hsql")) {
      return DbIncubating.HSQLDB;
    } else if (p.contains("derby")) {
      return DbIncubating.DERBY;
    } else if (p.contains("oracle")) {
      return DbIncubating.ORACLE_DB;
    } else if (p.contains("sql server")) {
      return DbSystemNameValues.MICROSOFT_SQL_SERVER;
    } else if (p.startsWith("db2")) {
      return DbIncubating.IBM_DB2;
    } else if (p.contains("sqlite")) {
      return DbIncubating.SQLITE;
    }
    return DbIncubating.OTHER_SQL;
  }

  private static String stripSubprotocol(String spec) {
    // loadbalance://, replication://, aurora://, http:// ... before the authority
    int scheme = spec.indexOf("://");
    if (scheme > 0 && spec.indexOf('/') == scheme + 1) {
      return spec.substring(scheme + 1);
    }
    return spec;
  }

  // String.split drops trailing empty parts, which is what these URL grammars want
  @SuppressWarnings("StringSplitter")
  private static String queryParameter(String spec, String name) {
    int query = spec.indexOf('?');
    if (query < 0) {
      return null;
    }
    for (String pair : spec.substring(query + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase(name)) {
        return emptyToNull(pair.substring(eq + 1));
      }
    }
    return null;
  }

  // String.split drops trailing empty parts, which is what these URL grammars want
  @SuppressWarnings("StringSplitter")
  private static String property(String spec, String name) {
    for (String pair : spec.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
        return emptyToNull(pair.substring(eq + 1).trim());
      }
    }
    return null;
  }

  private static String parenthesized(String s, String key) {
    String lower = s.toLowerCase(Locale.ROOT);
    int k = lower.indexOf("(" + key.toLowerCase(Locale.ROOT));
    while (k >= 0) {
      int eq = s.indexOf('=', k);
      int close = s.indexOf(')', k);
      if (eq > 0 && close > eq
          && s.substring(k + 1, eq).trim().equalsIgnoreCase(key)) {
        return emptyToNull(s.substring(eq + 1, close).trim());
      }
      k = lower.indexOf("(" + key.toLowerCase(Locale.ROOT), k + 1);
    }
    return null;
  }

  private static long parsePort(String s, long defaultPort) {
    String digits = beforeAny(s, "/?;,)");
    try {
      long port = Long.parseLong(digits.trim());
      return port > 0 && port < 65536 ? port : defaultPort;
    } catch (NumberFormatException e) {
      return defaultPort;
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String beforeAny(String s, String chars) {
    int i = indexOfAny(s, chars);
    return i < 0 ? s : s.substring(0, i);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
