package dev.oteltoolkit.ai.openai;

import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.completions.CompletionUsage;
import dev.oteltoolkit.ai.GenAiMessage;
import dev.oteltoolkit.ai.GenAiSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * A streamed chat completion: the id and model of the chunks, each choice's finish reason, the
 * usage of the last chunk (sent when {@code stream_options.include_usage} is set) and, only when
 * the span records content, each choice's text and tool calls.
 */
final class ChatStreamObserver extends StreamObserver<ChatCompletionChunk> {

  private String id;
  private String model;
  private CompletionUsage usage;
  private String serviceTier;
  private String systemFingerprint;
  private final List<String> finishReasons = new ArrayList<>(1);

  /** Null unless the span records content. */
  private final List<Choice> choices;

  ChatStreamObserver(Recorder recorder, GenAiSpan span) {
    super(recorder, span);
    this.choices = span.capturesContent() ? new ArrayList<>(1) : null;
  }

  @Override
  boolean isFirstChunk(ChatCompletionChunk chunk) {
    return true;
  }

  @Override
  void observe(ChatCompletionChunk chunk) {
    chunk.usage().ifPresent(u -> usage = u);
    id = chunk.id();
    model = chunk.model();
    for (ChatCompletionChunk.Choice choice : chunk.choices()) {
      int index = (int) choice.index();
      if (index < 0 || index > 1024) {
        continue; // not a choice index a request can ask for: ignored rather than allocated
      }
      while (finishReasons.size() <= index) {
        finishReasons.add(null);
      }
      choice.finishReason().ifPresent(reason -> finishReasons.set(index, reason.asString()));
      if (choices != null) {
        while (choices.size() <= index) {
          choices.add(new Choice());
        }
        choices.get(index).append(choice.delta());
      }
    }
    chunk.serviceTier().ifPresent(tier -> serviceTier = tier.asString());
    chunk.systemFingerprint().ifPresent(fingerprint -> systemFingerprint = fingerprint);
  }

  @Override
  void record() {
    if (usage != null) {
      Recorder.usage(span, usage);
    }
    if (model != null) {
      span.responseModel(model);
    }
    if (id != null) {
      span.responseId(id);
    }
    List<String> reasons = new ArrayList<>(finishReasons.size());
    for (String reason : finishReasons) {
      if (reason != null) {
        reasons.add(reason);
      }
    }
    if (!reasons.isEmpty()) {
      span.finishReasons(reasons);
    }
    if (serviceTier != null) {
      span.attribute(OpenAiAttributes.OPENAI_RESPONSE_SERVICE_TIER, serviceTier);
    }
    if (systemFingerprint != null) {
      span.attribute(OpenAiAttributes.OPENAI_RESPONSE_SYSTEM_FINGERPRINT, systemFingerprint);
    }
    if (choices != null && !choices.isEmpty()) {
      List<GenAiMessage> messages = new ArrayList<>(choices.size());
      for (int i = 0; i < choices.size(); i++) {
        messages.add(
            choices.get(i).message(i < finishReasons.size() ? finishReasons.get(i) : null));
      }
      span.outputMessages(messages);
    }
  }

  /** One choice's text and tool calls, put together from the deltas (content capture only). */
  private static final class Choice {
    private final StringBuilder text = new StringBuilder();
    private final List<ToolCall> toolCalls = new ArrayList<>(0);

    void append(ChatCompletionChunk.Choice.Delta delta) {
      delta.content().ifPresent(text::append);
      delta.refusal().ifPresent(text::append);
      for (ChatCompletionChunk.Choice.Delta.ToolCall call : delta.toolCalls().orElse(List.of())) {
        int index = (int) call.index();
        if (index < 0 || index > 1024) {
          continue;
        }
        while (toolCalls.size() <= index) {
          toolCalls.add(new ToolCall());
        }
        ToolCall toolCall = toolCalls.get(index);
        call.id().ifPresent(id -> toolCall.id = id);
        call.function()
            .ifPresent(
                function -> {
                  function.name().ifPresent(name -> toolCall.name = name);
                  function.arguments().ifPresent(toolCall.arguments::append);
                });
      }
    }

    GenAiMessage message(String finishReason) {
      GenAiMessage message =
          text.length() > 0 || toolCalls.isEmpty() ? GenAiMessage.assistant(text.toString()) : null;
      for (ToolCall call : toolCalls) {
        String name = call.name != null ? call.name : "";
        message =
            message == null
                ? GenAiMessage.toolCall(call.id, name, call.arguments.toString())
                : message.withToolCall(call.id, name, call.arguments.toString());
      }
      return finishReason != null ? message.finishReason(finishReason) : message;
    }
  }

  private static final class ToolCall {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
  }
}
