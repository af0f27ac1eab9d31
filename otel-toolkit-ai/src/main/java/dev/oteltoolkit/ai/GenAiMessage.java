package dev.oteltoolkit.ai;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One chat message (a role and its parts), recorded in the GenAI semantic conventions' JSON message
 * structure only when content capture is on.
 *
 * <pre>{@code
 * span.inputMessages(GenAiMessage.system("You are terse."), GenAiMessage.user("Weather in Paris?"));
 * span.outputMessages(
 *     GenAiMessage.toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}").finishReason("tool_calls"));
 * }</pre>
 *
 * <p>Immutable: {@code with}-style methods return a new message.
 */
public final class GenAiMessage {

  private final String role;
  private final List<Part> parts;
  private final String finishReason;

  /**
   * Returns a message of {@code role} with one text part.
   *
   * @param role the role, e.g. {@code user}, {@code assistant}, {@code system}, {@code tool}
   * @param text the text
   * @return the message
   */
  public static GenAiMessage of(String role, String text) {
    return new GenAiMessage(role, Collections.emptyList(), null).text(text);
  }

  /**
   * Returns a {@code system} message with one text part.
   *
   * @param text the text
   * @return the message
   */
  public static GenAiMessage system(String text) {
    return of("system", text);
  }

  /**
   * Returns a {@code user} message with one text part.
   *
   * @param text the text
   * @return the message
   */
  public static GenAiMessage user(String text) {
    return of("user", text);
  }

  /**
   * Returns an {@code assistant} message with one text part.
   *
   * @param text the text
   * @return the message
   */
  public static GenAiMessage assistant(String text) {
    return of("assistant", text);
  }

  /**
   * Returns an {@code assistant} message asking for a tool call.
   *
   * @param id the tool call id
   * @param name the tool name
   * @param arguments the arguments, usually JSON (recorded as JSON when valid, else as a string)
   * @return the message
   */
  public static GenAiMessage toolCall(String id, String name, String arguments) {
    return new GenAiMessage("assistant", Collections.emptyList(), null)
        .withToolCall(id, name, arguments);
  }

  /**
   * Returns a {@code tool} message carrying a tool's result back to the model.
   *
   * @param id the tool call id the result answers
   * @param response the result, usually JSON (recorded as JSON when valid, else as a string)
   * @return the message
   */
  public static GenAiMessage toolResponse(String id, String response) {
    return new GenAiMessage("tool", Collections.emptyList(), null).withToolResponse(id, response);
  }

  private GenAiMessage(String role, List<Part> parts, String finishReason) {
    this.role = Objects.requireNonNull(role, "role");
    this.parts = parts;
    this.finishReason = finishReason;
  }

  /**
   * Returns a copy with a text part added.
   *
   * @param text the text
   * @return the new message
   */
  public GenAiMessage text(String text) {
    return with(new Part(Part.TEXT, null, null, Objects.requireNonNull(text, "text")));
  }

  /**
   * Returns a copy with a tool-call part added.
   *
   * @param id the tool call id, may be {@code null}
   * @param name the tool name
   * @param arguments the arguments, usually JSON; may be {@code null}
   * @return the new message
   */
  public GenAiMessage withToolCall(String id, String name, String arguments) {
    return with(new Part(Part.TOOL_CALL, id, Objects.requireNonNull(name, "name"), arguments));
  }

  /**
   * Returns a copy with a tool-call-response part added.
   *
   * @param id the tool call id, may be {@code null}
   * @param response the result, usually JSON
   * @return the new message
   */
  public GenAiMessage withToolResponse(String id, String response) {
    return with(
        new Part(Part.TOOL_CALL_RESPONSE, id, null, Objects.requireNonNull(response, "response")));
  }

  /**
   * Returns a copy with the reason the model stopped, for output messages (e.g. {@code stop},
   * {@code length}, {@code tool_calls}).
   *
   * @param finishReason the finish reason
   * @return the new message
   */
  public GenAiMessage finishReason(String finishReason) {
    return new GenAiMessage(role, parts, Objects.requireNonNull(finishReason, "finishReason"));
  }

  private GenAiMessage with(Part part) {
    List<Part> copy = new ArrayList<>(parts.size() + 1);
    copy.addAll(parts);
    copy.add(part);
    return new GenAiMessage(role, Collections.unmodifiableList(copy), finishReason);
  }

  /**
   * Returns the role.
   *
   * @return the role
   */
  public String role() {
    return role;
  }

  /**
   * Returns the finish reason.
   *
   * @return the finish reason, {@code null} when none was given
   */
  public String finishReason() {
    return finishReason;
  }

  List<Part> parts() {
    return parts;
  }

  @Override
  public String toString() {
    // never the content: messages may end up in logs
    return "GenAiMessage{role=" + role + ", parts=" + parts.size() + "}";
  }

  /** One part of a message. */
  static final class Part {
    static final String TEXT = "text";
    static final String TOOL_CALL = "tool_call";
    static final String TOOL_CALL_RESPONSE = "tool_call_response";

    final String type;
    final String id;
    final String name;

    /** The text, the arguments or the response, by type. */
    final String content;

    Part(String type, String id, String name, String content) {
      this.type = type;
      this.id = id;
      this.name = name;
      this.content = content;
    }
  }
}
