package dev.oteltoolkit.ai.openai;

import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponsesModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseUsage;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.ModelCallBuilder;
import io.opentelemetry.semconv.HttpAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Maps the SDK's requests and responses onto {@link GenAiSpan}s. Every method that reads SDK
 * objects catches what they throw (the SDK's getters throw on malformed data): recording never
 * fails a call. A {@link BudgetExceededException} from {@code start()} is the one exception that
 * reaches the caller, on purpose, before the request is sent.
 */
final class Recorder {

  private static final Logger logger = Logger.getLogger(OpenAiTelemetry.class.getName());

  final GenAiTelemetry ai;
  private final boolean includeStreamUsage;
  private final String provider;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  Recorder(GenAiTelemetry ai, boolean includeStreamUsage, String provider) {
    this.ai = ai;
    this.includeStreamUsage = includeStreamUsage;
    this.provider = provider;
  }

  /** Instrumentation never fails the caller: its own errors are logged once and swallowed. */
  void failed(Throwable e) {
    if (failureLogged.compareAndSet(false, true)) {
      logger.log(
          Level.WARNING,
          "recording an OpenAI call failed; the call itself is unaffected (logged once)",
          e);
    }
  }

  // ------------------------------------------------------------------ chat completions

  /** Starts the span of a chat completion, or returns null when it cannot be recorded. */
  GenAiSpan startChat(ChatCompletionCreateParams params, Endpoint endpoint, boolean stream) {
    ModelCallBuilder call;
    try {
      call = ai.chat(provider, params.model().asString());
      params.temperature().ifPresent(call::temperature);
      params.topP().ifPresent(call::topP);
      Long maxTokens = params.maxCompletionTokens().orElse(params.maxTokens().orElse(null));
      if (maxTokens != null) {
        call.maxTokens(maxTokens);
      }
      params.seed().ifPresent(call::seed);
      params.frequencyPenalty().ifPresent(call::frequencyPenalty);
      params.presencePenalty().ifPresent(call::presencePenalty);
      params
          .n()
          .ifPresent(
              n -> {
                if (n != 1) {
                  call.choiceCount(n);
                }
              });
      params
          .stop()
          .ifPresent(
              stop -> {
                if (stop.isString()) {
                  call.stopSequences(stop.asString());
                } else if (stop.isStrings()) {
                  call.stopSequences(stop.asStrings().toArray(new String[0]));
                }
              });
      params
          .responseFormat()
          .ifPresent(
              format -> {
                if (format.isText()) {
                  call.outputType("text");
                } else if (format.isJsonSchema() || format.isJsonObject()) {
                  call.outputType("json");
                }
              });
      params
          .serviceTier()
          .ifPresent(
              tier ->
                  call.attribute(OpenAiAttributes.OPENAI_REQUEST_SERVICE_TIER, tier.asString()));
      call.attribute(OpenAiAttributes.OPENAI_API_TYPE, OpenAiAttributes.API_TYPE_CHAT_COMPLETIONS);
      if (stream) {
        call.stream(true);
      }
      Endpoint.apply(endpoint, call);
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
    GenAiSpan span = start(call);
    if (span != null && span.capturesContent()) {
      try {
        span.inputMessages(Messages.chatInput(params.messages()));
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    return span;
  }

  /** Records a chat completion on {@code span} and ends it. */
  void endChat(GenAiSpan span, ChatCompletion completion) {
    try {
      completion.usage().ifPresent(usage -> usage(span, usage));
      span.responseModel(completion.model());
      span.responseId(completion.id());
      List<ChatCompletion.Choice> choices = completion.choices();
      List<String> reasons = new ArrayList<>(choices.size());
      for (ChatCompletion.Choice choice : choices) {
        reasons.add(choice.finishReason().asString());
      }
      span.finishReasons(reasons);
      completion
          .serviceTier()
          .ifPresent(
              tier ->
                  span.attribute(OpenAiAttributes.OPENAI_RESPONSE_SERVICE_TIER, tier.asString()));
      completion
          .systemFingerprint()
          .ifPresent(
              fingerprint ->
                  span.attribute(OpenAiAttributes.OPENAI_RESPONSE_SYSTEM_FINGERPRINT, fingerprint));
      if (span.capturesContent()) {
        span.outputMessages(Messages.chatOutput(choices));
      }
    } catch (RuntimeException e) {
      failed(e);
    }
    close(span);
  }

  /** The usage of a chat completion or of a stream's last chunk. */
  static void usage(GenAiSpan span, CompletionUsage usage) {
    span.usage(usage.promptTokens(), usage.completionTokens());
    usage
        .promptTokensDetails()
        .ifPresent(
            details -> {
              details.cachedTokens().ifPresent(span::cacheReadInputTokens);
              details.cacheWriteTokens().ifPresent(span::cacheCreationInputTokens);
            });
    usage
        .completionTokensDetails()
        .flatMap(details -> details.reasoningTokens())
        .ifPresent(span::reasoningOutputTokens);
  }

  /**
   * The parameters to send for a streamed chat: with {@code includeStreamUsage} on, {@code
   * stream_options.include_usage=true} is added when the caller did not say.
   */
  ChatCompletionCreateParams streamParams(ChatCompletionCreateParams params) {
    if (!includeStreamUsage) {
      return params;
    }
    try {
      if (params.streamOptions().flatMap(options -> options.includeUsage()).isPresent()) {
        return params;
      }
      return params.toBuilder()
          .streamOptions(
              params
                  .streamOptions()
                  .map(options -> options.toBuilder())
                  .orElseGet(
                      com.openai.models.chat.completions.ChatCompletionStreamOptions::builder)
                  .includeUsage(true)
                  .build())
          .build();
    } catch (RuntimeException e) {
      failed(e);
      return params;
    }
  }

  // ------------------------------------------------------------------ embeddings

  /** Starts the span of an embeddings call, or returns null when it cannot be recorded. */
  GenAiSpan startEmbeddings(EmbeddingCreateParams params, Endpoint endpoint) {
    ModelCallBuilder call;
    try {
      call = ai.embeddings(provider, params.model().asString());
      params.encodingFormat().ifPresent(format -> call.encodingFormats(format.asString()));
      params.dimensions().ifPresent(call::dimensionCount);
      Endpoint.apply(endpoint, call);
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
    return start(call);
  }

  /** Records an embeddings response on {@code span} and ends it. */
  void endEmbeddings(GenAiSpan span, CreateEmbeddingResponse response) {
    try {
      span.usage(response.usage().promptTokens());
      span.responseModel(response.model());
    } catch (RuntimeException e) {
      failed(e);
    }
    close(span);
  }

  // ------------------------------------------------------------------ responses

  /**
   * Starts the span of a Responses API call, or returns null when it cannot be recorded (also for a
   * request without a model, e.g. one that names a stored prompt only).
   */
  GenAiSpan startResponse(ResponseCreateParams params, Endpoint endpoint, boolean stream) {
    ModelCallBuilder call;
    try {
      String model = params.model().map(Recorder::modelName).orElse(null);
      if (model == null || model.isEmpty()) {
        return null;
      }
      call = ai.chat(provider, model);
      params.temperature().ifPresent(call::temperature);
      params.topP().ifPresent(call::topP);
      params.maxOutputTokens().ifPresent(call::maxTokens);
      params
          .serviceTier()
          .ifPresent(
              tier ->
                  call.attribute(OpenAiAttributes.OPENAI_REQUEST_SERVICE_TIER, tier.asString()));
      params
          .conversation()
          .ifPresent(
              conversation -> {
                if (conversation.isId()) {
                  call.conversationId(conversation.asId());
                } else if (conversation.isResponseConversationParam()) {
                  call.conversationId(conversation.asResponseConversationParam().id());
                }
              });
      call.attribute(OpenAiAttributes.OPENAI_API_TYPE, OpenAiAttributes.API_TYPE_RESPONSES);
      if (stream) {
        call.stream(true);
      }
      Endpoint.apply(endpoint, call);
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
    GenAiSpan span = start(call);
    if (span != null && span.capturesContent()) {
      try {
        params.instructions().ifPresent(span::systemInstructions);
        params.input().ifPresent(input -> span.inputMessages(Messages.responsesInput(input)));
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    return span;
  }

  /** Records a Responses API response on {@code span}; {@code end} also ends it. */
  void recordResponse(GenAiSpan span, Response response) {
    try {
      response.usage().ifPresent(usage -> usage(span, usage));
      span.responseId(response.id());
      span.responseModel(modelName(response.model()));
      span.finishReasons(Collections.singletonList(finishReason(response)));
      response
          .serviceTier()
          .ifPresent(
              tier ->
                  span.attribute(OpenAiAttributes.OPENAI_RESPONSE_SERVICE_TIER, tier.asString()));
      if (span.capturesContent()) {
        span.outputMessages(Messages.responsesOutput(response, finishReason(response)));
      }
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  void endResponse(GenAiSpan span, Response response) {
    recordResponse(span, response);
    close(span);
  }

  private static void usage(GenAiSpan span, ResponseUsage usage) {
    span.usage(usage.inputTokens(), usage.outputTokens());
    usage
        ._inputTokensDetails()
        .asKnown()
        .ifPresent(
            details -> {
              details._cachedTokens().asKnown().ifPresent(span::cacheReadInputTokens);
              details._cacheWriteTokens().asKnown().ifPresent(span::cacheCreationInputTokens);
            });
    usage
        ._outputTokensDetails()
        .asKnown()
        .flatMap(details -> details._reasoningTokens().asKnown())
        .ifPresent(span::reasoningOutputTokens);
  }

  /**
   * The Responses API has a status instead of finish reasons; mapped onto the chat vocabulary:
   * {@code tool_calls} when the output asks for a function, {@code stop} when completed, the
   * incomplete reason ({@code max_output_tokens} as {@code length}, {@code content_filter}), else
   * the status.
   */
  static String finishReason(Response response) {
    for (ResponseOutputItem item : response.output()) {
      if (item.isFunctionCall() || item.isCustomToolCall()) {
        return "tool_calls";
      }
    }
    String status = response.status().map(s -> s.asString()).orElse("completed");
    if (status.equals("completed")) {
      return "stop";
    }
    if (status.equals("incomplete")) {
      String reason =
          response
              .incompleteDetails()
              .flatMap(details -> details.reason())
              .map(r -> r.asString())
              .orElse("incomplete");
      return reason.equals("max_output_tokens") ? "length" : reason;
    }
    return status;
  }

  static String modelName(ResponsesModel model) {
    if (model.isString()) {
      return model.asString();
    }
    if (model.isChat()) {
      return model.asChat().asString();
    }
    if (model.isOnly()) {
      return model.asOnly().asString();
    }
    return null;
  }

  // ------------------------------------------------------------------ shared

  /** Starts the span; a budget refusal propagates, any other failure records nothing. */
  GenAiSpan start(ModelCallBuilder call) {
    try {
      return call.start();
    } catch (BudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
  }

  /** Marks {@code span} failed with what the call threw and ends it. */
  void fail(GenAiSpan span, Throwable thrown) {
    try {
      Throwable error = unwrap(thrown);
      if (error instanceof CancellationException) {
        span.error("cancelled");
      } else {
        span.error(error);
        if (error instanceof OpenAIServiceException openAIServiceException) {
          span.attribute(
              HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) openAIServiceException.statusCode());
        }
      }
    } catch (RuntimeException e) {
      failed(e);
    }
    close(span);
  }

  void close(GenAiSpan span) {
    try {
      span.close();
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  /** The cause of a future's {@code CompletionException} or {@code ExecutionException}. */
  static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
