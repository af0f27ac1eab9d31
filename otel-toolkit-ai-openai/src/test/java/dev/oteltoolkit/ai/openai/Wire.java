package dev.oteltoolkit.ai.openai;

/** OpenAI's wire format, as the tests' fake server sends it. */
final class Wire {

  private Wire() {}

  /** A chat completion with one choice of text and the given usage JSON (null: no usage). */
  static String chatCompletion(String id, String model, String text, String finish, String usage) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion\",\"created\":1731000000,\"model\":\""
        + model
        + "\",\"system_fingerprint\":\"fp_44709d6fcb\",\"service_tier\":\"default\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + text
        + "\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\""
        + finish
        + "\"}]"
        + (usage != null ? ",\"usage\":" + usage : "")
        + "}";
  }

  /** A chat completion asking for one tool call. */
  static String toolCallCompletion(String id, String model, String usage) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion\",\"created\":1731000000,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
        + "\"tool_calls\":[{\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":"
        + "\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
        + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":"
        + usage
        + "}";
  }

  /** Usage as chat completions report it. */
  static String usage(long prompt, long completion, long cached, long reasoning) {
    return "{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + ",\"prompt_tokens_details\":{\"cached_tokens\":"
        + cached
        + ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":"
        + reasoning
        + ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
  }

  /** Usage without the details objects. */
  static String usage(long prompt, long completion) {
    return "{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + "}";
  }

  /** One streamed chat chunk; {@code content} and {@code finish} may be null. */
  static String chunk(String id, String model, String content, String finish) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1731000000,\"model\":\""
        + model
        + "\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{"
        + (content != null ? "\"content\":\"" + content + "\"" : "")
        + "},\"logprobs\":null,\"finish_reason\":"
        + (finish != null ? "\"" + finish + "\"" : "null")
        + "}]}";
  }

  /** The first chunk of a stream: the role and an empty content. */
  static String roleChunk(String id, String model) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1731000000,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"logprobs\":null,\"finish_reason\":null}]}";
  }

  /** A streamed tool-call delta. */
  static String toolCallChunk(String id, String model, String callId, String name, String args) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1731000000,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0"
        + (callId != null ? ",\"id\":\"" + callId + "\",\"type\":\"function\"" : "")
        + ",\"function\":{"
        + (name != null ? "\"name\":\"" + name + "\"," : "")
        + "\"arguments\":\""
        + args
        + "\"}}]},\"logprobs\":null,\"finish_reason\":null}]}";
  }

  /** The final chunk of a stream with {@code include_usage}: no choices, the usage. */
  static String usageChunk(String id, String model, String usage) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1731000000,\"model\":\""
        + model
        + "\",\"choices\":[],\"usage\":"
        + usage
        + "}";
  }

  /** An embeddings response with two vectors. */
  static String embeddings(String model, long promptTokens) {
    return "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
        + "[0.1,0.2,0.3]},{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.4,0.5,0.6]}],"
        + "\"model\":\""
        + model
        + "\",\"usage\":{\"prompt_tokens\":"
        + promptTokens
        + ",\"total_tokens\":"
        + promptTokens
        + "}}";
  }

  /** A Responses API response with one output text. */
  static String response(String id, String model, String status, String text, String usage) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"response\",\"created_at\":1741476542,\"status\":\""
        + status
        + "\",\"error\":null,\"incomplete_details\":"
        + (status.equals("incomplete") ? "{\"reason\":\"max_output_tokens\"}" : "null")
        + ",\"instructions\":null,\"max_output_tokens\":null,\"model\":\""
        + model
        + "\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\","
        + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\""
        + text
        + "\",\"annotations\":[]}]}],\"parallel_tool_calls\":true,\"previous_response_id\":null,"
        + "\"service_tier\":\"default\",\"temperature\":1.0,\"tool_choice\":\"auto\",\"tools\":[],"
        + "\"top_p\":1.0,\"truncation\":\"disabled\""
        + (usage != null ? ",\"usage\":" + usage : "")
        + "}";
  }

  /** Usage as the Responses API reports it. */
  static String responseUsage(long input, long output, long cached, long reasoning) {
    return "{\"input_tokens\":"
        + input
        + ",\"input_tokens_details\":{\"cached_tokens\":"
        + cached
        + "},\"output_tokens\":"
        + output
        + ",\"output_tokens_details\":{\"reasoning_tokens\":"
        + reasoning
        + "},\"total_tokens\":"
        + (input + output)
        + "}";
  }

  /** A Responses API stream event of {@code type} around a response. */
  static String responseEvent(String type, long sequence, String response) {
    return "{\"type\":\""
        + type
        + "\",\"sequence_number\":"
        + sequence
        + ",\"response\":"
        + response
        + "}";
  }

  /** A Responses API text delta event. */
  static String textDelta(long sequence, String delta) {
    return "{\"type\":\"response.output_text.delta\",\"sequence_number\":"
        + sequence
        + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\""
        + delta
        + "\",\"logprobs\":[]}";
  }

  /** An OpenAI error body. */
  static String error(String message, String type) {
    return "{\"error\":{\"message\":\""
        + message
        + "\",\"type\":\""
        + type
        + "\",\"param\":null,\"code\":\""
        + type
        + "\"}}";
  }
}
