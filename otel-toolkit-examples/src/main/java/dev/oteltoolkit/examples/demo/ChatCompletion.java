package dev.oteltoolkit.examples.demo;

/**
 * The fields of an OpenAI-compatible chat completion response that the agent and its telemetry
 * use: what the model said (text, or a tool to call) and what the call used.
 *
 * @param id the response id ({@code chatcmpl-...})
 * @param model the model that answered, often a dated version of the requested one
 * @param finishReason {@code stop}, or {@code tool_calls} when the model asks for a tool
 * @param content the answer's text; null when the model asks for a tool
 * @param toolCall the tool the model asks for; null when it answered
 * @param promptTokens {@code usage.prompt_tokens}, cached ones included
 * @param completionTokens {@code usage.completion_tokens}
 * @param cachedTokens {@code usage.prompt_tokens_details.cached_tokens}
 */
record ChatCompletion(
    String id,
    String model,
    String finishReason,
    String content,
    ToolCall toolCall,
    long promptTokens,
    long completionTokens,
    long cachedTokens) {

  /**
   * A function call the model asks for.
   *
   * @param id the call id, to send back with the result
   * @param name the function's name
   * @param arguments the arguments, a JSON object as text
   */
  record ToolCall(String id, String name, String arguments) {}

  /** Reads a chat completion response body. */
  static ChatCompletion parse(String json) {
    int toolCalls = json.indexOf("\"tool_calls\":");
    ToolCall toolCall = null;
    if (toolCalls >= 0) {
      String call = json.substring(toolCalls);
      toolCall =
          new ToolCall(
              JsonText.string(call, "id"),
              JsonText.string(call, "name"),
              JsonText.string(call, "arguments"));
    }
    return new ChatCompletion(
        JsonText.string(json, "id"),
        JsonText.string(json, "model"),
        JsonText.string(json, "finish_reason"),
        JsonText.string(json, "content"),
        toolCall,
        JsonText.number(json, "prompt_tokens"),
        JsonText.number(json, "completion_tokens"),
        JsonText.number(json, "cached_tokens"));
  }

  /** Reads the {@code error.code} of an error response body ({@code rate_limit_exceeded}...). */
  static String errorCode(String json) {
    String code = JsonText.string(json, "code");
    return code != null ? code : "unknown_error";
  }
}
