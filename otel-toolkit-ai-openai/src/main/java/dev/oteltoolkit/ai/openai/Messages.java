package dev.oteltoolkit.ai.openai;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputContent;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import dev.oteltoolkit.ai.GenAiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SDK's messages as {@link GenAiMessage}s, for content capture only (called only when the span
 * records content). Text and tool calls are kept; images, audio and files are not recorded.
 */
final class Messages {

  private Messages() {}

  static List<GenAiMessage> chatInput(List<ChatCompletionMessageParam> params) {
    List<GenAiMessage> messages = new ArrayList<>(params.size());
    for (ChatCompletionMessageParam param : params) {
      GenAiMessage message = chatInput(param);
      if (message != null) {
        messages.add(message);
      }
    }
    return messages;
  }

  private static GenAiMessage chatInput(ChatCompletionMessageParam param) {
    if (param.isSystem()) {
      var content = param.asSystem().content();
      return GenAiMessage.system(
          content.isText() ? content.asText() : texts(content.asArrayOfContentParts()));
    }
    if (param.isDeveloper()) {
      // OpenAI's newer name for system instructions
      var content = param.asDeveloper().content();
      return GenAiMessage.system(
          content.isText() ? content.asText() : texts(content.asArrayOfContentParts()));
    }
    if (param.isUser()) {
      var content = param.asUser().content();
      if (content.isText()) {
        return GenAiMessage.user(content.asText());
      }
      StringBuilder text = new StringBuilder();
      for (ChatCompletionContentPart part : content.asArrayOfContentParts()) {
        if (part.isText()) {
          text.append(part.asText().text());
        }
      }
      return GenAiMessage.user(text.toString());
    }
    if (param.isAssistant()) {
      return assistant(param.asAssistant());
    }
    if (param.isTool()) {
      var tool = param.asTool();
      var content = tool.content();
      return GenAiMessage.toolResponse(
          tool.toolCallId(),
          content.isText() ? content.asText() : texts(content.asArrayOfContentParts()));
    }
    return null; // the deprecated function role
  }

  private static GenAiMessage assistant(ChatCompletionAssistantMessageParam assistant) {
    String text = null;
    Optional<ChatCompletionAssistantMessageParam.Content> content = assistant.content();
    if (content.isPresent()) {
      if (content.get().isText()) {
        text = content.get().asText();
      } else {
        StringBuilder joined = new StringBuilder();
        for (var part : content.get().asArrayOfContentParts()) {
          if (part.isText()) {
            joined.append(part.asText().text());
          }
        }
        text = joined.toString();
      }
    }
    return withToolCalls(text, assistant.toolCalls().orElse(List.of()), null);
  }

  static List<GenAiMessage> chatOutput(List<ChatCompletion.Choice> choices) {
    List<GenAiMessage> messages = new ArrayList<>(choices.size());
    for (ChatCompletion.Choice choice : choices) {
      ChatCompletionMessage message = choice.message();
      messages.add(
          withToolCalls(
              message.content().orElse(message.refusal().orElse(null)),
              message.toolCalls().orElse(List.of()),
              choice.finishReason().asString()));
    }
    return messages;
  }

  private static GenAiMessage withToolCalls(
      String text, List<ChatCompletionMessageToolCall> toolCalls, String finishReason) {
    GenAiMessage message =
        text != null || toolCalls.isEmpty()
            ? GenAiMessage.assistant(text != null ? text : "")
            : null;
    for (ChatCompletionMessageToolCall call : toolCalls) {
      String id;
      String name;
      String arguments;
      if (call.isFunction()) {
        id = call.asFunction().id();
        name = call.asFunction().function().name();
        arguments = call.asFunction().function().arguments();
      } else if (call.isCustom()) {
        id = call.asCustom().id();
        name = call.asCustom().custom().name();
        arguments = call.asCustom().custom().input();
      } else {
        continue;
      }
      message =
          message == null
              ? GenAiMessage.toolCall(id, name, arguments)
              : message.withToolCall(id, name, arguments);
    }
    if (message == null) {
      message = GenAiMessage.assistant("");
    }
    return finishReason != null ? message.finishReason(finishReason) : message;
  }

  private static String texts(List<ChatCompletionContentPartText> parts) {
    StringBuilder text = new StringBuilder();
    for (ChatCompletionContentPartText part : parts) {
      text.append(part.text());
    }
    return text.toString();
  }

  // ------------------------------------------------------------------ responses

  static List<GenAiMessage> responsesInput(ResponseCreateParams.Input input) {
    if (input.isText()) {
      return List.of(GenAiMessage.user(input.asText()));
    }
    List<GenAiMessage> messages = new ArrayList<>();
    for (ResponseInputItem item : input.asResponse()) {
      if (item.isEasyInputMessage()) {
        EasyInputMessage message = item.asEasyInputMessage();
        EasyInputMessage.Content content = message.content();
        messages.add(
            GenAiMessage.of(
                role(message.role().asString()),
                content.isTextInput()
                    ? content.asTextInput()
                    : inputTexts(content.asResponseInputMessageContentList())));
      } else if (item.isMessage()) {
        ResponseInputItem.Message message = item.asMessage();
        messages.add(
            GenAiMessage.of(role(message.role().asString()), inputTexts(message.content())));
      } else if (item.isFunctionCall()) {
        ResponseFunctionToolCall call = item.asFunctionCall();
        messages.add(GenAiMessage.toolCall(call.callId(), call.name(), call.arguments()));
      } else if (item.isFunctionCallOutput()) {
        ResponseInputItem.FunctionCallOutput output = item.asFunctionCallOutput();
        messages.add(
            GenAiMessage.toolResponse(
                output.callId().orElse(null),
                output.output().isString() ? output.output().asString() : ""));
      }
    }
    return messages;
  }

  static List<GenAiMessage> responsesOutput(Response response, String finishReason) {
    GenAiMessage message = null;
    StringBuilder text = new StringBuilder();
    List<ResponseFunctionToolCall> calls = new ArrayList<>();
    for (ResponseOutputItem item : response.output()) {
      if (item.isMessage()) {
        ResponseOutputMessage output = item.asMessage();
        for (ResponseOutputMessage.Content content : output.content()) {
          if (content.isOutputText()) {
            text.append(content.asOutputText().text());
          } else if (content.isRefusal()) {
            text.append(content.asRefusal().refusal());
          }
        }
      } else if (item.isFunctionCall()) {
        calls.add(item.asFunctionCall());
      }
    }
    if (text.length() > 0 || calls.isEmpty()) {
      message = GenAiMessage.assistant(text.toString());
    }
    for (ResponseFunctionToolCall call : calls) {
      message =
          message == null
              ? GenAiMessage.toolCall(call.callId(), call.name(), call.arguments())
              : message.withToolCall(call.callId(), call.name(), call.arguments());
    }
    return List.of(message.finishReason(finishReason));
  }

  private static String inputTexts(List<ResponseInputContent> contents) {
    StringBuilder text = new StringBuilder();
    for (ResponseInputContent content : contents) {
      if (content.isInputText()) {
        text.append(content.asInputText().text());
      }
    }
    return text.toString();
  }

  private static String role(String role) {
    return role.equals("developer") ? "system" : role;
  }
}
