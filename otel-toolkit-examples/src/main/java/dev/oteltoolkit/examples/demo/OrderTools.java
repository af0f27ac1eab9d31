package dev.oteltoolkit.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The functions the support agent's model may call, each answered from the database. */
final class OrderTools {

  /** The tools as the chat completions API describes them to the model. */
  static final List<FunctionDefinition> DEFINITIONS =
      List.of(
          function("order_status", "Status and delivery date of an order"),
          function("request_refund", "Open a refund for an order"));

  private static final ObjectMapper JSON = new ObjectMapper();

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
    int orderId = orderId(arguments);
    switch (name) {
      case "order_status":
        return orderStatus(orderId);
      case "request_refund":
        return requestRefund(orderId);
      default:
        throw new IllegalArgumentException("unknown tool " + name);
    }
  }

  /** Both tools take one argument, {@code {"order_id": "1001"}}. */
  private static FunctionDefinition function(String name, String description) {
    return FunctionDefinition.builder()
        .name(name)
        .description(description)
        .parameters(
            FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty(
                    "properties", JsonValue.from(Map.of("order_id", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("order_id")))
                .build())
        .build();
  }

  /** The order id of the model's arguments; the model may get it wrong, so check. */
  private static int orderId(String arguments) {
    JsonNode orderId;
    try {
      orderId = JSON.readTree(arguments).path("order_id");
    } catch (IOException e) {
      throw new IllegalArgumentException("tool arguments that are not JSON: " + arguments, e);
    }
    try {
      return Integer.parseInt(orderId.asText());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("no order_id in the tool arguments " + arguments, e);
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
