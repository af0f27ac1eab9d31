package dev.oteltoolkit.benchmarks;

import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

/**
 * SQL statements with literals, the way applications write them: selects, inserts, updates and
 * deletes with string, numeric and date literals, {@code IN} lists, joins, block comments, mostly
 * 100 to 200 characters, one in {@value #LONG_EVERY} a long one (a multi-row {@code INSERT} or a
 * long {@code IN} list, 0.7 to 2.3 thousand characters). Generated from a seed, so every fork and
 * every run sees the same texts; every statement of one corpus is distinct.
 *
 * <p>The texts avoid the few constructs where the toolkit's and the official sanitizer deliberately
 * differ (booleans, line comments, binary minus, vendor quoting; see the jdbc module's {@code
 * OfficialSanitizerComparisonTest}), so both sides produce the same output and {@link
 * SqlSanitizerBenchmark} can check that they did the same work.
 */
final class SqlCorpus {

  /** One statement in this many is a long one. */
  static final int LONG_EVERY = 32;

  private static final String[] CITIES = {
    "Lyon", "Porto", "Gdansk", "Ghent", "Turku", "Bergen", "Cork", "Graz", "Brno", "Malaga"
  };
  private static final String[] STATUSES = {
    "NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"
  };
  private static final String[] NAMES = {
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory"
  };
  private static final String[] DOMAINS = {"example.com", "mail.test", "corp.example"};
  private static final String[] ACTIONS = {"LOGIN", "LOGOUT", "UPDATE_PROFILE", "CHECKOUT"};
  private static final String[] SERVICES = {"checkout-service", "billing", "search-api"};

  private SqlCorpus() {}

  /**
   * Returns {@code count} distinct statements generated from {@code seed}.
   *
   * @param count how many statements
   * @param seed the generator's seed; the same seed gives the same statements
   * @return the statements, in generation order
   */
  static String[] statements(int count, long seed) {
    Random random = new Random(seed);
    Set<String> statements = new LinkedHashSet<>();
    while (statements.size() < count) {
      boolean longOne = statements.size() % LONG_EVERY == LONG_EVERY - 1;
      statements.add(longOne ? longStatement(random) : statement(random));
    }
    return statements.toArray(new String[0]);
  }

  private static String statement(Random r) {
    switch (r.nextInt(9)) {
      case 0:
        return "SELECT o.id, o.status, o.total, o.created_at FROM orders o WHERE o.customer_id = "
            + id(r)
            + " AND o.status = '"
            + pick(r, STATUSES)
            + "' ORDER BY o.created_at DESC LIMIT "
            + (10 + r.nextInt(90));
      case 1:
        return "SELECT c.id, c.name, c.email, a.street FROM customers c JOIN addresses a"
            + " ON a.customer_id = c.id WHERE a.city = '"
            + pick(r, CITIES)
            + "' AND c.created_at > '"
            + date(r)
            + "' ORDER BY c.name";
      case 2:
        return "INSERT INTO audit_log (user_id, action, target, ip, created_at) VALUES ("
            + id(r)
            + ", '"
            + pick(r, ACTIONS)
            + "', 'session-"
            + r.nextInt(100_000)
            + "', '10."
            + r.nextInt(256)
            + '.'
            + r.nextInt(256)
            + '.'
            + r.nextInt(256)
            + "', '"
            + date(r)
            + ' '
            + time(r)
            + "')";
      case 3:
        return "UPDATE accounts SET balance = balance + "
            + money(r)
            + ", updated_at = CURRENT_TIMESTAMP, version = version + 1 WHERE id = "
            + id(r)
            + " AND version = "
            + r.nextInt(50);
      case 4:
        return "SELECT p.sku, p.name, p.price FROM products p WHERE p.category_id IN ("
            + list(r, 2 + r.nextInt(6))
            + ") AND p.price BETWEEN "
            + money(r)
            + " AND "
            + money(r)
            + " AND p.stock > "
            + r.nextInt(20);
      case 5:
        return "/* "
            + pick(r, SERVICES)
            + " */ SELECT u.id, u.email FROM users u WHERE u.email = '"
            + pick(r, NAMES)
            + '.'
            + r.nextInt(10_000)
            + '@'
            + pick(r, DOMAINS)
            + "' AND u.deleted_at IS NULL";
      case 6:
        return "DELETE FROM sessions WHERE user_id = "
            + id(r)
            + " AND expires_at < '"
            + date(r)
            + ' '
            + time(r)
            + "'";
      case 7:
        return "SELECT COUNT(*), SUM(e.amount) FROM events e INNER JOIN tenants t ON t.id ="
            + " e.tenant_id WHERE t.slug = '"
            + pick(r, NAMES)
            + "-corp' AND e.kind IN ('click',"
            + " 'view', 'purchase') AND e.ts >= "
            + (1_700_000_000L + r.nextInt(50_000_000));
      default:
        return "UPDATE orders SET status = '"
            + pick(r, STATUSES)
            + "', note = 'changed by "
            + pick(r, NAMES)
            + " on "
            + date(r)
            + "' WHERE id = "
            + id(r)
            + " AND status <> '"
            + pick(r, STATUSES)
            + "'";
    }
  }

  private static String longStatement(Random r) {
    if (r.nextBoolean()) {
      StringBuilder sql =
          new StringBuilder(
              "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, note)"
                  + " VALUES ");
      int rows = 10 + r.nextInt(20);
      long order = id(r);
      for (int i = 0; i < rows; i++) {
        if (i > 0) {
          sql.append(", ");
        }
        sql.append('(')
            .append(order)
            .append(", ")
            .append(i + 1)
            .append(", 'SKU-")
            .append(r.nextInt(1_000_000))
            .append("', ")
            .append(1 + r.nextInt(9))
            .append(", ")
            .append(money(r))
            .append(", 'gift wrap for ")
            .append(pick(r, NAMES))
            .append("')");
      }
      return sql.toString();
    }
    return "SELECT i.id, i.sku, i.quantity, w.name FROM inventory i JOIN warehouses w ON w.id ="
        + " i.warehouse_id WHERE i.sku IN ("
        + list(r, 100 + r.nextInt(200))
        + ") AND w.region = '"
        + pick(r, CITIES)
        + "' ORDER BY i.sku";
  }

  private static long id(Random r) {
    return 1 + r.nextInt(10_000_000);
  }

  private static String money(Random r) {
    int cents = r.nextInt(100_000);
    return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
  }

  private static String date(Random r) {
    int month = 1 + r.nextInt(12);
    int day = 1 + r.nextInt(28);
    return "2024-" + (month < 10 ? "0" : "") + month + '-' + (day < 10 ? "0" : "") + day;
  }

  private static String time(Random r) {
    int hour = r.nextInt(24);
    int minute = r.nextInt(60);
    return (hour < 10 ? "0" : "") + hour + ':' + (minute < 10 ? "0" : "") + minute + ":00";
  }

  private static String list(Random r, int size) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        list.append(", ");
      }
      list.append(1 + r.nextInt(100_000));
    }
    return list.toString();
  }

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }
}
