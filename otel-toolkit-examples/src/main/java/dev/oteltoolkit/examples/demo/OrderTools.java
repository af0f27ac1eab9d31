package dev.oteltoolkit.examples.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import javax.sql.DataSource;

/** The functions the support agent's model may call, each answered from the database. */
final class OrderTools {

  /** The tools as the chat completions API describes them to the model. */
  static final String DEFINITIONS =
      "[{\"type\":\"function\",\"function\":{\"name\":\"order_status\",\"description\":"
          + "\"Status and delivery date of an order\",\"parameters\":{\"type\":\"object\","
          + "\"properties\":{\"order_id\":{\"type\":\"string\"}},\"required\":[\"order_id\"]}}},"
          + "{\"type\":\"function\",\"function\":{\"name\":\"request_refund\",\"description\":"
          + "\"Open a refund for an order\",\"parameters\":{\"type\":\"object\","
          + "\"properties\":{\"order_id\":{\"type\":\"string\"}},\"required\":[\"order_id\"]}}}]";

  private final DataSource dataSource;

  OrderTools(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Runs the tool {@code name} with the model's {@code arguments} (a JSON object).
   *
   * @throws SQLException when a statement fails
   * @throws IllegalStateException when the order already has a refund
   */
  String run(String name, String arguments) throws SQLException {
    int orderId = Integer.parseInt(JsonText.string(arguments, "order_id"));
    switch (name) {
      case "order_status":
        return orderStatus(orderId);
      case "request_refund":
        return requestRefund(orderId);
      default:
        throw new IllegalArgumentException("unknown tool " + name);
    }
  }

  private String orderStatus(int orderId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT status, eta FROM orders WHERE id = ?")) {
      statement.setInt(1, orderId);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next()
            ? "order " + orderId + " is " + rs.getString(1) + ", delivery " + rs.getDate(2)
            : "order " + orderId + " does not exist";
      }
    }
  }

  private String requestRefund(int orderId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("INSERT INTO refunds (order_id, reason) VALUES (?, ?)")) {
      statement.setInt(1, orderId);
      statement.setString(2, "requested through the support desk");
      statement.executeUpdate();
      return "a refund for order " + orderId + " is open";
    } catch (SQLIntegrityConstraintViolationException e) {
      // The driver's message quotes the row's values. The database span records it sanitized;
      // keep it out of the spans and logs above, which would record it as it is.
      throw new IllegalStateException(
          "order " + orderId + " already has a refund (SQLState " + e.getSQLState() + ")");
    }
  }
}
