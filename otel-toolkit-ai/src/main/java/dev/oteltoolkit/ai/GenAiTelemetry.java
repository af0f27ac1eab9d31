package dev.oteltoolkit.ai;

import static dev.oteltoolkit.ai.GenAiAttributes.BUDGET_EXCEEDED;
import static dev.oteltoolkit.ai.GenAiAttributes.BUDGET_EXCEEDED_EVENT;
import static dev.oteltoolkit.ai.GenAiAttributes.BUDGET_KIND;
import static dev.oteltoolkit.ai.GenAiAttributes.BUDGET_TOKENS;
import static dev.oteltoolkit.ai.GenAiAttributes.BUDGET_USD;
import static dev.oteltoolkit.ai.GenAiAttributes.TOTAL_COST;
import static dev.oteltoolkit.ai.GenAiAttributes.TOTAL_INPUT_TOKENS;
import static dev.oteltoolkit.ai.GenAiAttributes.TOTAL_OUTPUT_TOKENS;
import static dev.oteltoolkit.ai.GenAiAttributes.TOTAL_TOKENS;

import dev.oteltoolkit.api.RequestAccumulator;
import dev.oteltoolkit.api.instrumentation.InstrumentationFailures;
import dev.oteltoolkit.api.instrumentation.InstrumentationScope;
import dev.oteltoolkit.api.instrumentation.SpanNames;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Records GenAI calls (model calls, tools, agents, retrieval) by the OpenTelemetry GenAI semantic
 * conventions, with what the conventions lack: cost from a {@link PriceTable}, exact per-request
 * totals on the local root span, and budgets.
 *
 * <pre>{@code
 * GenAiTelemetry ai = GenAiTelemetry.create(openTelemetry);
 * String answer = ai.chat("openai", "gpt-4o").temperature(0.2).call(span -> {
 *   ChatResponse response = client.chat(request);        // any client, any provider
 *   span.responseModel(response.model()).responseId(response.id())
 *       .usage(response.inputTokens(), response.outputTokens());
 *   return response.text();
 * });
 * }</pre>
 *
 * <p>Each operation method returns a builder of request attributes (set at span start, where
 * samplers see them) that ends in {@code call(span -> ...)}, which starts the span, makes it
 * current, runs the body and ends the span, or {@code start()} for streaming and manual use. A body
 * that throws gets {@code recordException}, status {@code ERROR} and {@code error.type}, and the
 * very same exception is rethrown.
 *
 * <p>Metrics ({@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}, {@code
 * gen_ai.client.operation.time_to_first_chunk}, {@code oteltoolkit.gen_ai.cost}) and per-request
 * totals are recorded whether or not the span is sampled. The module uses only the OpenTelemetry
 * API: it works with the toolkit's {@code Telemetry}, an SDK built by hand, or the Java agent's
 * {@code GlobalOpenTelemetry}. Thread-safe; create one per application and share it.
 */
public final class GenAiTelemetry {

  /** Instrumentation scope of everything this module records. */
  static final InstrumentationScope SCOPE = InstrumentationScope.of("dev.oteltoolkit.ai");

  /** The request's accumulator, carried below our own spans (see {@link #accumulator}). */
  static final ContextKey<RequestAccumulator> ACCUMULATOR =
      ContextKey.named("oteltoolkit-gen-ai-accumulator");

  private static final Logger logger = Logger.getLogger(GenAiTelemetry.class.getName());
  private static final int MAX_WARNED_MODELS = 1000;

  final Tracer tracer;
  final GenAiMetrics metrics;

  /** Which GenAI names are emitted ({@code OTEL_SEMCONV_STABILITY_OPT_IN}). */
  final GenAiConventions conventions;

  final PriceTable priceTable;

  /** Null when content capture is off: then no content is ever looked at. */
  final ContentCapture content;

  private final BigDecimal budgetUsd;
  private final long budgetTokens;
  private final boolean stopOverBudget;
  private final Set<String> warnedModels = ConcurrentHashMap.newKeySet();
  private final InstrumentationFailures failures =
      new InstrumentationFailures(logger, "otel-toolkit-ai");
  private final SpanNames chatNames = SpanNames.of(GenAiAttributes.CHAT);
  private final SpanNames textCompletionNames = SpanNames.of(GenAiAttributes.TEXT_COMPLETION);
  private final SpanNames generateContentNames = SpanNames.of(GenAiAttributes.GENERATE_CONTENT);
  private final SpanNames embeddingsNames = SpanNames.of(GenAiAttributes.EMBEDDINGS);
  private final SpanNames retrievalNames = SpanNames.of(GenAiAttributes.RETRIEVAL);
  private final SpanNames executeToolNames = SpanNames.of(GenAiAttributes.EXECUTE_TOOL);
  private final SpanNames invokeAgentNames = SpanNames.of(GenAiAttributes.INVOKE_AGENT);
  private final SpanNames createAgentNames = SpanNames.of(GenAiAttributes.CREATE_AGENT);

  /**
   * Returns a {@code GenAiTelemetry} with the default configuration: the shipped price table, no
   * content capture (unless {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true}), no
   * budgets.
   *
   * @param openTelemetry the OpenTelemetry to record spans and metrics with
   * @return a new {@code GenAiTelemetry}
   */
  public static GenAiTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Returns a builder to configure prices, content capture and budgets.
   *
   * @param openTelemetry the OpenTelemetry to record spans and metrics with
   * @return a new builder
   */
  public static GenAiTelemetryBuilder builder(OpenTelemetry openTelemetry) {
    return new GenAiTelemetryBuilder(openTelemetry);
  }

  GenAiTelemetry(
      OpenTelemetry openTelemetry,
      PriceTable priceTable,
      ContentCapture content,
      BigDecimal budgetUsd,
      long budgetTokens,
      boolean stopOverBudget,
      GenAiConventions conventions) {
    this.tracer = SCOPE.tracer(openTelemetry);
    Meter meter = SCOPE.meter(openTelemetry);
    this.conventions = conventions;
    this.metrics = new GenAiMetrics(meter, conventions);
    this.priceTable = priceTable;
    this.content = content;
    this.budgetUsd = budgetUsd;
    this.budgetTokens = budgetTokens;
    this.stopOverBudget = stopOverBudget;
  }

  /**
   * Describes a chat completion call ({@code chat {model}}, CLIENT).
   *
   * @param provider the {@code gen_ai.provider.name}, e.g. {@code openai}, {@code anthropic},
   *     {@code aws.bedrock}, {@code azure.ai.openai}, {@code gcp.gemini}, {@code gcp.vertex_ai},
   *     {@code mistral_ai}, {@code cohere}, {@code deepseek}, {@code groq}; any string is accepted
   * @param model the requested model, e.g. {@code gpt-4o}
   * @return a builder for the call
   */
  public ModelCallBuilder chat(String provider, String model) {
    return new ModelCallBuilder(this, chatNames, provider, model);
  }

  /**
   * Describes a legacy text completion call ({@code text_completion {model}}, CLIENT).
   *
   * @param provider the {@code gen_ai.provider.name}, e.g. {@code openai}
   * @param model the requested model
   * @return a builder for the call
   */
  public ModelCallBuilder textCompletion(String provider, String model) {
    return new ModelCallBuilder(this, textCompletionNames, provider, model);
  }

  /**
   * Describes a multimodal content generation call, as Gemini's {@code generateContent} ({@code
   * generate_content {model}}, CLIENT).
   *
   * @param provider the {@code gen_ai.provider.name}, e.g. {@code gcp.gemini}
   * @param model the requested model
   * @return a builder for the call
   */
  public ModelCallBuilder generateContent(String provider, String model) {
    return new ModelCallBuilder(this, generateContentNames, provider, model);
  }

  /**
   * Describes an embeddings call ({@code embeddings {model}}, CLIENT).
   *
   * @param provider the {@code gen_ai.provider.name}, e.g. {@code openai}
   * @param model the requested model, e.g. {@code text-embedding-3-small}
   * @return a builder for the call
   */
  public ModelCallBuilder embeddings(String provider, String model) {
    return new ModelCallBuilder(this, embeddingsNames, provider, model);
  }

  /**
   * Describes a retrieval from a data source in a RAG pipeline ({@code retrieval {dataSourceId}},
   * CLIENT).
   *
   * @param dataSourceId the {@code gen_ai.data_source.id}, e.g. a vector store or index id
   * @return a builder for the call
   */
  public RetrievalBuilder retrieval(String dataSourceId) {
    return new RetrievalBuilder(this, retrievalNames, dataSourceId);
  }

  /**
   * Describes the execution of a tool a model asked for ({@code execute_tool {toolName}},
   * INTERNAL).
   *
   * @param toolName the {@code gen_ai.tool.name}
   * @return a builder for the call
   */
  public ToolCallBuilder executeTool(String toolName) {
    return new ToolCallBuilder(this, executeToolNames, toolName);
  }

  /**
   * Describes the invocation of an agent ({@code invoke_agent {agentName}}): INTERNAL for an agent
   * running in this process, CLIENT after {@link AgentCallBuilder#remote(String) remote(provider)}
   * for a hosted one.
   *
   * @param agentName the {@code gen_ai.agent.name}
   * @return a builder for the call
   */
  public AgentCallBuilder invokeAgent(String agentName) {
    return new AgentCallBuilder(this, invokeAgentNames, agentName, SpanKind.INTERNAL);
  }

  /**
   * Describes the creation of an agent at a provider ({@code create_agent {agentName}}, CLIENT).
   *
   * @param agentName the {@code gen_ai.agent.name}
   * @return a builder for the call
   */
  public AgentCallBuilder createAgent(String agentName) {
    return new AgentCallBuilder(this, createAgentNames, agentName, SpanKind.CLIENT);
  }

  // ------------------------------------------------------------- internals

  /**
   * The accumulator of the request {@code context} belongs to, or null when there is none: the one
   * our own spans carry, else core's (Tracing's roots, or SDK roots attached lazily).
   */
  static RequestAccumulator accumulator(Context context) {
    RequestAccumulator accumulator = context.get(ACCUMULATOR);
    if (accumulator == null) {
      accumulator = RequestAccumulator.fromContext(context);
    }
    return accumulator.isActive() ? accumulator : null;
  }

  /** Throws if the request is over budget and stopping is on; called before a call starts. */
  void checkBudget(RequestAccumulator totals, String operation) {
    if (!stopOverBudget || totals == null) {
      return;
    }
    BigDecimal spent = totals.decimalTotal(TOTAL_COST);
    long tokens = totals.longTotal(TOTAL_INPUT_TOKENS) + totals.longTotal(TOTAL_OUTPUT_TOKENS);
    if ((budgetUsd != null && spent.compareTo(budgetUsd) > 0)
        || (budgetTokens >= 0 && tokens > budgetTokens)) {
      throw new BudgetExceededException(
          operation, spent, tokens, budgetUsd, budgetTokens >= 0 ? budgetTokens : null);
    }
  }

  /** Adds one call's usage to its request's totals; marks the root when a budget is crossed. */
  void addToTotals(RequestAccumulator totals, long input, long output, BigDecimal callCost) {
    // Core's accumulator has no room for our per-request state, so the request's own accumulator
    // is the monitor that makes "add, then compare with the budget" one step: exactly one call
    // crosses each budget, however many run at once. Core locks on a private object, never on the
    // accumulator, so this cannot deadlock with it; contention is per request only.
    synchronized (totals) {
      if (!totals.isActive()) {
        return; // the request ended before this call did: not counted (see RequestAccumulator)
      }
      long inputTotal = totals.addLong(TOTAL_INPUT_TOKENS, input);
      long outputTotal = totals.addLong(TOTAL_OUTPUT_TOKENS, output);
      BigDecimal costTotal = callCost != null ? totals.addDecimal(TOTAL_COST, callCost) : null;
      if (budgetTokens >= 0) {
        long tokens = inputTotal + outputTotal;
        long tokensBefore = tokens - input - output;
        if (tokensBefore <= budgetTokens && tokens > budgetTokens) {
          markExceeded(
              totals.rootSpan(),
              Attributes.of(
                  BUDGET_KIND, "tokens", BUDGET_TOKENS, budgetTokens, TOTAL_TOKENS, tokens));
        }
      }
      if (budgetUsd != null
          && costTotal != null
          && costTotal.subtract(callCost).compareTo(budgetUsd) <= 0
          && costTotal.compareTo(budgetUsd) > 0) {
        markExceeded(
            totals.rootSpan(),
            Attributes.of(
                BUDGET_KIND,
                "usd",
                BUDGET_USD,
                budgetUsd.doubleValue(),
                TOTAL_COST,
                costTotal.doubleValue()));
      }
    }
  }

  private static void markExceeded(Span root, Attributes event) {
    root.setAttribute(BUDGET_EXCEEDED, true);
    root.addEvent(BUDGET_EXCEEDED_EVENT, event);
  }

  /** The price of {@code model}, warning once per model when the table does not know it. */
  ModelPrice price(String model) {
    ModelPrice price = priceTable.find(model);
    if (price == null && warnedModels.size() < MAX_WARNED_MODELS && warnedModels.add(model)) {
      logger.warning(
          "no price for GenAI model \""
              + model
              + "\" in the price table: gen_ai.usage.cost is not recorded for its calls. Add it"
              + " with GenAiTelemetry.builder(..).priceTable(...) (logged once per model)");
    }
    return price;
  }

  /** Instrumentation never fails the caller: its own errors are logged once and swallowed. */
  void instrumentationFailed(RuntimeException e) {
    failures.failed(e);
  }

  boolean capturesContent() {
    return content != null;
  }

  /**
   * Returns whether prompts and completions are recorded (content capture is on, by the builder or
   * by {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT}). Integrations use it to skip
   * converting a client's messages into {@link GenAiMessage}s when nothing would be recorded.
   *
   * @return {@code true} when content capture is on
   */
  public boolean capturesMessageContent() {
    return content != null;
  }

  static String requireName(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }
}
