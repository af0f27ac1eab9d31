package dev.oteltoolkit.ai;

import io.opentelemetry.api.OpenTelemetry;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Configures a {@link GenAiTelemetry}: {@code GenAiTelemetry.builder(openTelemetry)
 * .captureMessageContent(true).requestBudgetUsd(new BigDecimal("0.50")).build()}.
 *
 * <p>Which GenAI names are emitted follows OpenTelemetry's {@code OTEL_SEMCONV_STABILITY_OPT_IN}
 * (system property {@code otel.semconv-stability.opt-in}), read at {@link #build()}: {@code
 * gen_ai_latest_experimental} emits the newest names of the GenAI conventions in place of renamed
 * ones ({@code gen_ai.usage.cache_write.input_tokens}, the {@code gen_ai.client.inference.*} token
 * metrics), {@code gen_ai_latest_experimental/dup} emits both; by default the names of semconv
 * 1.44.0 are emitted. See docs/CONFIGURATION.md for the names of each setting.
 */
public final class GenAiTelemetryBuilder {

  /** System property that turns content capture on or off, over the builder. */
  static final String CAPTURE_PROPERTY = "otel.instrumentation.genai.capture-message-content";

  /** Environment variable that turns content capture on or off, over the builder. */
  static final String CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

  static final int DEFAULT_MAX_CONTENT_LENGTH = 8192;

  private final OpenTelemetry openTelemetry;
  private PriceTable priceTable;
  private boolean captureMessageContent;
  private UnaryOperator<String> contentRedactor = UnaryOperator.identity();
  private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
  private BigDecimal requestBudgetUsd;
  private long requestBudgetTokens = -1;
  private boolean stopOverBudget;
  private Function<String, String> systemProperties = System::getProperty;
  private Function<String, String> environment = System::getenv;

  GenAiTelemetryBuilder(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
  }

  /**
   * Sets the prices used to put a cost on each call. Default: {@link PriceTable#defaults()}.
   *
   * @param priceTable the prices
   * @return this builder
   */
  public GenAiTelemetryBuilder priceTable(PriceTable priceTable) {
    this.priceTable = Objects.requireNonNull(priceTable, "priceTable");
    return this;
  }

  /**
   * Records prompts, completions, system instructions, tool arguments and results and retrieval
   * queries on the spans, in the GenAI conventions' JSON structure, after the {@link
   * #contentRedactor(UnaryOperator) redactor}. Default: {@code false}: no content is ever recorded.
   *
   * <p>The system property {@code otel.instrumentation.genai.capture-message-content} or the
   * environment variable {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT} ({@code true}
   * or {@code false}) win over this call, so operators can switch it without a rebuild.
   *
   * <p>WARNING: prompts and completions routinely hold personal data, secrets and customer
   * documents, and they are large. With capture on they are stored by every backend the spans
   * reach, with that backend's retention and access rules. Turn it on only where that is allowed,
   * with a redactor, and mind the {@link #maxContentLength(int) size}.
   *
   * @param captureMessageContent whether to record content
   * @return this builder
   */
  public GenAiTelemetryBuilder captureMessageContent(boolean captureMessageContent) {
    this.captureMessageContent = captureMessageContent;
    return this;
  }

  /**
   * Sets the hook every piece of captured text passes before it is recorded: each message text
   * part, each tool call's arguments and result, system instructions and retrieval queries. It
   * returns the text to record ({@code null} records an empty text); if it throws, that content is
   * not recorded at all. Used only when content capture is on. Default: the identity.
   *
   * @param redactor the redaction hook, e.g. one that masks e-mail addresses and card numbers
   * @return this builder
   */
  public GenAiTelemetryBuilder contentRedactor(UnaryOperator<String> redactor) {
    this.contentRedactor = Objects.requireNonNull(redactor, "redactor");
    return this;
  }

  /**
   * Sets the length in characters beyond which each captured piece of text (after redaction) is cut
   * and marked {@code ...[truncated]}. Default: 8192.
   *
   * @param maxContentLength the maximum length, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code maxContentLength} is less than 1
   */
  public GenAiTelemetryBuilder maxContentLength(int maxContentLength) {
    if (maxContentLength < 1) {
      throw new IllegalArgumentException(
          "maxContentLength=" + maxContentLength + ": must be at least 1");
    }
    this.maxContentLength = maxContentLength;
    return this;
  }

  /**
   * Sets a budget in US dollars for each request (the calls under one local root span). When the
   * request's total cost goes over it, the root span gets {@code
   * oteltoolkit.gen_ai.budget.exceeded=true} and an event; with {@link #stopOverBudget(boolean)}
   * the next call of the request throws {@link BudgetExceededException} instead of starting.
   * Default: none.
   *
   * @param budgetUsd the budget, not negative
   * @return this builder
   * @throws IllegalArgumentException if {@code budgetUsd} is negative
   */
  public GenAiTelemetryBuilder requestBudgetUsd(BigDecimal budgetUsd) {
    Objects.requireNonNull(budgetUsd, "budgetUsd");
    if (budgetUsd.signum() < 0) {
      throw new IllegalArgumentException(
          "requestBudgetUsd=" + budgetUsd.toPlainString() + ": must not be negative");
    }
    this.requestBudgetUsd = budgetUsd;
    return this;
  }

  /**
   * Sets a budget in tokens (input plus output) for each request, with the same effects as {@link
   * #requestBudgetUsd(BigDecimal)}. Default: none.
   *
   * @param budgetTokens the budget, not negative
   * @return this builder
   * @throws IllegalArgumentException if {@code budgetTokens} is negative
   */
  public GenAiTelemetryBuilder requestBudgetTokens(long budgetTokens) {
    if (budgetTokens < 0) {
      throw new IllegalArgumentException(
          "requestBudgetTokens=" + budgetTokens + ": must not be negative");
    }
    this.requestBudgetTokens = budgetTokens;
    return this;
  }

  /**
   * Makes a request that went over its budget throw {@link BudgetExceededException} from the start
   * of its next GenAI call (any operation: model, tool, agent, retrieval), before that call's body
   * runs. Calls already running finish normally. Default: {@code false}: over-budget requests are
   * only marked.
   *
   * @param stopOverBudget whether to stop over-budget requests
   * @return this builder
   */
  public GenAiTelemetryBuilder stopOverBudget(boolean stopOverBudget) {
    this.stopOverBudget = stopOverBudget;
    return this;
  }

  /** For tests: where system properties and environment variables are read. */
  GenAiTelemetryBuilder configSource(
      Function<String, String> systemProperties, Function<String, String> environment) {
    this.systemProperties = systemProperties;
    this.environment = environment;
    return this;
  }

  /**
   * Returns a new {@link GenAiTelemetry} with this configuration.
   *
   * @return the telemetry
   * @throws IllegalArgumentException if {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT}
   *     or its system property is set to something other than {@code true} or {@code false}
   */
  public GenAiTelemetry build() {
    boolean capture = captureMessageContent;
    String fromEnvironment = environment.apply(CAPTURE_ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      capture = parseBoolean(CAPTURE_ENV, fromEnvironment);
    }
    String fromProperty = systemProperties.apply(CAPTURE_PROPERTY);
    if (fromProperty != null && !fromProperty.isBlank()) {
      capture = parseBoolean(CAPTURE_PROPERTY, fromProperty);
    }
    return new GenAiTelemetry(
        openTelemetry,
        priceTable != null ? priceTable : PriceTable.defaults(),
        capture ? new ContentCapture(contentRedactor, maxContentLength) : null,
        requestBudgetUsd,
        requestBudgetTokens,
        stopOverBudget,
        GenAiConventions.resolve(systemProperties, environment));
  }

  private static boolean parseBoolean(String name, String value) {
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    if (normalized.equals("true")) {
      return true;
    }
    if (normalized.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException(name + "=" + value + ": must be true or false");
  }
}
