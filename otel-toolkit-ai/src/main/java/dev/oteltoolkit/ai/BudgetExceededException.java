package dev.oteltoolkit.ai;

import java.math.BigDecimal;

/**
 * Thrown instead of starting a GenAI call when the request it belongs to has already spent more
 * than its budget and {@link GenAiTelemetryBuilder#stopOverBudget(boolean) stopOverBudget} is on.
 * The call's body does not run and no span is started for it; the request's local root span already
 * carries {@code oteltoolkit.gen_ai.budget.exceeded=true} and an event from the moment the budget
 * was crossed.
 */
public final class BudgetExceededException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What the request had spent, in US dollars. */
  private final BigDecimal spentUsd;

  /** The input plus output tokens the request had used. */
  private final long spentTokens;

  /** The budget in US dollars, null when none is set. */
  private final BigDecimal budgetUsd;

  /** The budget in tokens, null when none is set. */
  private final Long budgetTokens;

  BudgetExceededException(
      String operation,
      BigDecimal spentUsd,
      long spentTokens,
      BigDecimal budgetUsd,
      Long budgetTokens) {
    super(message(operation, spentUsd, spentTokens, budgetUsd, budgetTokens));
    this.spentUsd = spentUsd;
    this.spentTokens = spentTokens;
    this.budgetUsd = budgetUsd;
    this.budgetTokens = budgetTokens;
  }

  private static String message(
      String operation,
      BigDecimal spentUsd,
      long spentTokens,
      BigDecimal budgetUsd,
      Long budgetTokens) {
    StringBuilder message =
        new StringBuilder("GenAI request budget exceeded, not starting ").append(operation);
    message.append(": spent ").append(spentUsd.toPlainString()).append(" USD");
    if (budgetUsd != null) {
      message.append(" (budget ").append(budgetUsd.toPlainString()).append(" USD)");
    }
    message.append(" and ").append(spentTokens).append(" tokens");
    if (budgetTokens != null) {
      message.append(" (budget ").append(budgetTokens).append(" tokens)");
    }
    return message.toString();
  }

  /**
   * Returns what the request had spent, in US dollars, when the call was refused.
   *
   * @return the request's total cost
   */
  public BigDecimal spentUsd() {
    return spentUsd;
  }

  /**
   * Returns the input plus output tokens the request had used when the call was refused.
   *
   * @return the request's total tokens
   */
  public long spentTokens() {
    return spentTokens;
  }

  /**
   * Returns the request's budget in US dollars.
   *
   * @return the budget, {@code null} when none is set
   */
  public BigDecimal budgetUsd() {
    return budgetUsd;
  }

  /**
   * Returns the request's budget in tokens.
   *
   * @return the budget, {@code null} when none is set
   */
  public Long budgetTokens() {
    return budgetTokens;
  }
}
