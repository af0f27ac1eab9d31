package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ContentType;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.output.FinishReason;
import dev.oteltoolkit.ai.GenAiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * LangChain4j's messages as {@link GenAiMessage}s, only when content capture is on (the span then
 * applies the redaction and length rules): text, tool calls and tool results; images and other
 * contents are left out.
 */
final class Content {

  private Content() {}

  static List<GenAiMessage> messages(List<ChatMessage> messages) {
    List<GenAiMessage> converted = new ArrayList<>(messages.size());
    for (ChatMessage message : messages) {
      GenAiMessage one = convert(message, null);
      if (one != null) {
        converted.add(one);
      }
    }
    return converted;
  }

  /**
   * The inputs of an embeddings call ({@code String}s, {@code TextSegment}s or {@code
   * EmbeddingInput}s) as one user message each; inputs without text are left out.
   */
  static List<GenAiMessage> embeddingInputs(List<?> inputs) {
    List<GenAiMessage> converted = new ArrayList<>(inputs.size());
    for (Object input : inputs) {
      String text = null;
      if (input instanceof String) {
        text = (String) input;
      } else if (input instanceof TextSegment) {
        text = ((TextSegment) input).text();
      } else if (input instanceof EmbeddingInput
          && ((EmbeddingInput) input).contentTypes().contains(ContentType.TEXT)) {
        text = ((EmbeddingInput) input).text();
      }
      if (text != null && !text.isEmpty()) {
        converted.add(GenAiMessage.user(text));
      }
    }
    return converted;
  }

  static List<GenAiMessage> output(AiMessage message, FinishReason finishReason) {
    GenAiMessage one =
        convert(message, finishReason == null ? null : Recorder.finishReason(finishReason));
    return one == null ? List.of() : List.of(one);
  }

  private static GenAiMessage convert(ChatMessage message, String finishReason) {
    GenAiMessage converted = null;
    if (message instanceof SystemMessage) {
      converted = GenAiMessage.system(((SystemMessage) message).text());
    } else if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      converted = user.hasSingleText() ? GenAiMessage.user(user.singleText()) : null;
    } else if (message instanceof AiMessage) {
      AiMessage ai = (AiMessage) message;
      if (ai.text() != null) {
        converted = GenAiMessage.assistant(ai.text());
      }
      if (ai.hasToolExecutionRequests()) {
        for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
          converted =
              converted == null
                  ? GenAiMessage.toolCall(call.id(), call.name(), call.arguments())
                  : converted.withToolCall(call.id(), call.name(), call.arguments());
        }
      }
    } else if (message instanceof ToolExecutionResultMessage) {
      ToolExecutionResultMessage result = (ToolExecutionResultMessage) message;
      converted = GenAiMessage.toolResponse(result.id(), String.valueOf(result.text()));
    }
    if (converted != null && finishReason != null) {
      converted = converted.finishReason(finishReason);
    }
    return converted;
  }
}
