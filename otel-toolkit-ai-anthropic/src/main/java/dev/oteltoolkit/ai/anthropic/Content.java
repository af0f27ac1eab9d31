package dev.oteltoolkit.ai.anthropic;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.oteltoolkit.ai.GenAiMessage;
import dev.oteltoolkit.ai.GenAiSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Anthropic's messages into {@link GenAiMessage}s, only when content capture is on (the span
 * then applies the redaction and length rules). Read from the wire JSON the SDK would send or
 * received, with the SDK's own Jackson mapper: text, {@code tool_use} and {@code tool_result}
 * blocks are kept; images, documents and thinking are left out.
 */
final class Content {

  private Content() {}

  static void recordRequest(GenAiSpan span, MessageCreateParams params) {
    params
        .system()
        .ifPresent(
            system -> {
              JsonNode node = ObjectMappers.jsonMapper().valueToTree(system);
              String text = textOf(node);
              if (!text.isEmpty()) {
                span.systemInstructions(text);
              }
            });
    JsonNode messages = ObjectMappers.jsonMapper().valueToTree(params.messages());
    List<GenAiMessage> converted = new ArrayList<>();
    for (JsonNode message : messages) {
      addMessage(converted, message.path("role").asText("user"), message.path("content"), null);
    }
    span.inputMessages(converted);
  }

  static void recordResponse(GenAiSpan span, Message message) {
    JsonNode content = ObjectMappers.jsonMapper().valueToTree(message._content());
    String finishReason = message._stopReason().asKnown().map(r -> r.asString()).orElse(null);
    List<GenAiMessage> converted = new ArrayList<>();
    addMessage(converted, "assistant", content, finishReason);
    span.outputMessages(converted);
  }

  /**
   * Adds one Anthropic message: its text and tool-use blocks as one message of {@code role}, each
   * tool result as a {@code tool} message of its own (as the GenAI conventions have them).
   */
  private static void addMessage(
      List<GenAiMessage> out, String role, JsonNode content, String finishReason) {
    GenAiMessage current = null;
    if (content.isTextual()) {
      current = GenAiMessage.of(role, content.asText());
    } else if (content.isArray()) {
      for (JsonNode block : content) {
        switch (block.path("type").asText("")) {
          case "text" -> {
            String text = block.path("text").asText("");
            current = current == null ? GenAiMessage.of(role, text) : current.text(text);
          }
          case "tool_use", "server_tool_use" -> {
            String id = nullIfMissing(block.path("id"));
            String name = block.path("name").asText("");
            String arguments = block.has("input") ? block.get("input").toString() : null;
            current =
                current == null
                    ? GenAiMessage.toolCall(id, name, arguments)
                    : current.withToolCall(id, name, arguments);
          }
          case "tool_result" ->
              out.add(
                  GenAiMessage.toolResponse(
                      nullIfMissing(block.path("tool_use_id")), textOf(block.path("content"))));
          default -> {
            // images, documents, thinking: not recorded
          }
        }
      }
    }
    if (current != null) {
      out.add(finishReason != null ? current.finishReason(finishReason) : current);
    }
  }

  /** The text of a string, or of the text blocks of an array (others as their JSON). */
  private static String textOf(JsonNode node) {
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode block : node) {
        if (text.length() > 0) {
          text.append('\n');
        }
        if ("text".equals(block.path("type").asText())) {
          text.append(block.path("text").asText(""));
        } else {
          text.append(block.toString());
        }
      }
      return text.toString();
    }
    return node.isMissingNode() || node.isNull() ? "" : node.toString();
  }

  private static String nullIfMissing(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }
}
