package dev.oteltoolkit.ai.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.request.EmbeddingParameter;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.oteltoolkit.ai.BudgetExceededException;
import dev.oteltoolkit.ai.GenAiSpan;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.ModelCallBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps LangChain4j's requests and responses onto GenAI spans; shared by the wrappers. */
final class Recorder {

  private static final Logger logger = Logger.getLogger(LangChain4jTelemetry.class.getName());

  /** How providers name their embeddings encoding parameter: {@code openai.encodingFormat}. */
  private static final String ENCODING_FORMAT_SUFFIX = ".encodingFormat";

  final GenAiTelemetry genAi;
  final long streamIdleTimeoutNanos;
  private final Server server;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  Recorder(GenAiTelemetry genAi, Duration streamIdleTimeout, Server server) {
    this.genAi = genAi;
    this.streamIdleTimeoutNanos = streamIdleTimeout.toNanos();
    this.server = server;
  }

  /**
   * Starts the span of a chat call, or returns null when the request cannot be read (the call then
   * runs unrecorded). A request over budget with {@code stopOverBudget} throws {@link
   * BudgetExceededException} here, before the model is called.
   */
  GenAiSpan startChat(
      ChatRequest request,
      ChatRequestParameters defaults,
      ModelProvider provider,
      boolean streaming) {
    ModelCallBuilder builder;
    try {
      ChatRequestParameters parameters =
          defaults != null ? defaults.overrideWith(request.parameters()) : request.parameters();
      String model = parameters.modelName();
      builder =
          genAi.chat(providerName(provider), model == null || model.isEmpty() ? "unknown" : model);
      server.applyTo(builder);
      if (parameters.temperature() != null) {
        builder.temperature(parameters.temperature());
      }
      if (parameters.topP() != null) {
        builder.topP(parameters.topP());
      }
      if (parameters.topK() != null) {
        builder.topK(parameters.topK());
      }
      if (parameters.maxOutputTokens() != null) {
        builder.maxTokens(parameters.maxOutputTokens());
      }
      if (parameters.frequencyPenalty() != null) {
        builder.frequencyPenalty(parameters.frequencyPenalty());
      }
      if (parameters.presencePenalty() != null) {
        builder.presencePenalty(parameters.presencePenalty());
      }
      List<String> stop = parameters.stopSequences();
      if (stop != null && !stop.isEmpty()) {
        builder.stopSequences(stop.toArray(new String[0]));
      }
      if (streaming) {
        builder.stream(true);
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
      return null;
    }
    GenAiSpan span = startOrNull(builder::start);
    if (span != null && genAi.capturesMessageContent()) {
      try {
        span.inputMessages(Content.messages(request.messages()));
      } catch (RuntimeException | LinkageError e) {
        instrumentationFailed(e);
      }
    }
    return span;
  }

  /**
   * Starts the span of an embeddings call, or returns null when the request cannot be read (the
   * call then runs unrecorded). The model is the request's, else the model's default parameters',
   * else {@code modelName}. A request over budget with {@code stopOverBudget} throws {@link
   * BudgetExceededException} here, before the model is called. With content capture on, the texts
   * to embed are recorded as user messages; other inputs (images) are left out.
   */
  GenAiSpan startEmbeddings(
      EmbeddingRequestParameters requested,
      EmbeddingRequestParameters defaults,
      String modelName,
      ModelProvider provider,
      List<?> inputs) {
    ModelCallBuilder builder;
    try {
      EmbeddingRequestParameters parameters =
          defaults == null
              ? requested
              : requested == null ? defaults : defaults.overrideWith(requested);
      String model = parameters == null ? null : parameters.modelName();
      if (model == null || model.isEmpty()) {
        model = modelName;
      }
      builder =
          genAi.embeddings(
              providerName(provider), model == null || model.isEmpty() ? "unknown" : model);
      server.applyTo(builder);
      if (parameters != null) {
        Integer dimensions = parameters.dimensions();
        if (dimensions != null) {
          builder.dimensionCount(dimensions);
        }
        for (EmbeddingParameter<?> parameter : parameters.presentParameters()) {
          // a provider's own parameter, e.g. langchain4j-open-ai's "openai.encodingFormat"
          if (parameter.name().endsWith(ENCODING_FORMAT_SUFFIX)) {
            Object format = parameters.parameter(parameter);
            if (format instanceof String string) {
              builder.encodingFormats(string);
            }
          }
        }
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
      return null;
    }
    GenAiSpan span = startOrNull(builder::start);
    if (span != null && span.capturesContent()) {
      try {
        span.inputMessages(Content.embeddingInputs(inputs));
      } catch (RuntimeException | LinkageError e) {
        instrumentationFailed(e);
      }
    }
    return span;
  }

  /**
   * Records an embeddings response and ends the span: the input tokens ({@code TokenUsage}'s input
   * count, else its total: an embedding has no output) and the response model when known.
   */
  void succeedEmbeddings(GenAiSpan span, TokenUsage usage, String responseModel) {
    try {
      if (responseModel != null && !responseModel.isEmpty()) {
        span.responseModel(responseModel);
      }
      if (usage != null) {
        Integer input =
            usage.inputTokenCount() != null ? usage.inputTokenCount() : usage.totalTokenCount();
        if (input != null) {
          span.usage(input);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    } finally {
      span.close();
    }
  }

  /**
   * Starts a span through {@code start}; null when that fails (logged once), except for a refusal
   * over budget, which is thrown to the caller. Every wrapper of this module starts its spans here.
   */
  GenAiSpan startOrNull(Supplier<GenAiSpan> start) {
    try {
      return start.get();
    } catch (BudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      instrumentationFailed(e);
      return null;
    }
  }

  /** Records the response and ends the span. */
  void succeed(GenAiSpan span, ChatResponse response) {
    try {
      if (response != null) {
        if (response.id() != null) {
          span.responseId(response.id());
        }
        if (response.modelName() != null) {
          span.responseModel(response.modelName());
        }
        if (response.finishReason() != null) {
          span.finishReasons(finishReason(response.finishReason()));
        }
        Usage.record(span, response.tokenUsage());
        if (genAi.capturesMessageContent() && response.aiMessage() != null) {
          span.outputMessages(Content.output(response.aiMessage(), response.finishReason()));
        }
      }
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    } finally {
      span.close();
    }
  }

  /** Marks the call failed with {@code error} and ends the span. */
  void fail(GenAiSpan span, Throwable error) {
    try {
      span.error(error);
    } catch (RuntimeException e) {
      instrumentationFailed(e);
    } finally {
      span.close();
    }
  }

  /**
   * LangChain4j's provider as the conventions' {@code gen_ai.provider.name}; a provider the
   * conventions do not name, in lower case.
   */
  static String providerName(ModelProvider provider) {
    if (provider == null) {
      return "other";
    }
    return switch (provider.name()) {
      case "OPEN_AI" -> "openai";
      case "ANTHROPIC" -> "anthropic";
      case "AMAZON_BEDROCK" -> "aws.bedrock";
      case "AZURE_OPEN_AI" -> "azure.ai.openai";
      case "MICROSOFT_FOUNDRY" -> "azure.ai.inference";
      case "GOOGLE_AI_GEMINI" -> "gcp.gemini";
      case "GOOGLE_GENAI" -> "gcp.gen_ai";
      case "GOOGLE_VERTEX_AI_GEMINI", "GOOGLE_VERTEX_AI_ANTHROPIC" -> "gcp.vertex_ai";
      case "MISTRAL_AI" -> "mistral_ai";
      case "WATSONX" -> "ibm.watsonx.ai";
      default -> provider.name().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * LangChain4j's normalized finish reason as the conventions' values: {@code stop}, {@code
   * length}, {@code tool_call}, {@code content_filter}; others in lower case.
   */
  static String finishReason(FinishReason reason) {
    return switch (reason.name()) {
      case "STOP" -> "stop";
      case "LENGTH" -> "length";
      case "TOOL_EXECUTION" -> "tool_call";
      case "CONTENT_FILTER" -> "content_filter";
      default -> reason.name().toLowerCase(Locale.ROOT);
    };
  }

  /** Instrumentation never fails the call: its own errors are logged once and swallowed. */
  void instrumentationFailed(Throwable e) {
    if (failureLogged.compareAndSet(false, true)) {
      logger.log(
          Level.WARNING,
          "recording a LangChain4j call failed; the call itself is unaffected (logged once)",
          e);
    }
  }

  /**
   * The {@code server.address} and {@code server.port} the wrapped models call, as configured
   * ({@code address} null when unknown: nothing is recorded).
   */
  record Server(String address, int port) {

    void applyTo(ModelCallBuilder builder) {
      if (address != null) {
        builder.serverAddress(address).serverPort(port);
      }
    }
  }
}
