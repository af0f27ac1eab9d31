package dev.oteltoolkit.ai;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The prices of one model, in US dollars per million tokens, with where they come from.
 *
 * <pre>{@code
 * ModelPrice price = ModelPrice.perMillionTokens("gpt-4o", "2.50", "10.00")
 *     .cachedInput(new BigDecimal("1.25"))
 *     .aliases("gpt-4o-latest")
 *     .source("https://openai.com/api/pricing")
 *     .date(LocalDate.of(2025, 8, 1));
 * }</pre>
 *
 * <p>Immutable: every {@code with}-style method returns a new instance. Arithmetic is exact ({@link
 * BigDecimal}); nothing is rounded. A price written with more than 30 decimal places (trailing
 * zeros: the value has at most 30) is kept without its trailing zeros, and a zero price as {@link
 * BigDecimal#ZERO}.
 */
public final class ModelPrice {

  /** The highest price accepted: one US dollar per token. */
  static final BigDecimal MAX_PRICE_PER_MILLION = BigDecimal.valueOf(1_000_000);

  /** The most decimal places a price per million tokens may have (a millionth of a micro-cent). */
  static final int MAX_DECIMAL_PLACES = 30;

  /** The most digits a price may be written with, trailing zeros included. */
  static final int MAX_DIGITS = 100;

  /** Values of more bits have more than {@link #MAX_DIGITS} digits (2^400 has 121). */
  private static final int MAX_UNSCALED_BITS = 400;

  /** Significant digits above which a number is shown rounded in messages. */
  private static final int MAX_SHOWN_DIGITS = 40;

  private final String model;
  private final BigDecimal input;
  private final BigDecimal output;
  private final BigDecimal cachedInput;
  private final BigDecimal cacheCreationInput;
  private final BigDecimal reasoningOutput;
  private final String provider;
  private final List<String> aliases;
  private final String source;
  private final LocalDate date;

  /**
   * Returns the price of {@code model} for input and output tokens.
   *
   * @param model the model name as providers report it, e.g. {@code gpt-4o}
   * @param input US dollars per million input tokens (not cached)
   * @param output US dollars per million output tokens
   * @return the price
   * @throws IllegalArgumentException if a price is negative or above a million US dollars per
   *     million tokens, has more than 30 decimal places, is written with more than 100 digits
   *     (trailing zeros included), or the name is empty
   */
  public static ModelPrice perMillionTokens(String model, BigDecimal input, BigDecimal output) {
    Objects.requireNonNull(model, "model");
    if (model.isEmpty()) {
      throw new IllegalArgumentException("model name must not be empty");
    }
    return new ModelPrice(
        model,
        checkPrice(model, "input", Objects.requireNonNull(input, "input")),
        checkPrice(model, "output", Objects.requireNonNull(output, "output")),
        null,
        null,
        null,
        null,
        Collections.emptyList(),
        null,
        null);
  }

  /**
   * Returns the price of {@code model} for input and output tokens, given as decimal text.
   *
   * @param model the model name as providers report it, e.g. {@code gpt-4o}
   * @param input US dollars per million input tokens, e.g. {@code "2.50"}
   * @param output US dollars per million output tokens, e.g. {@code "10.00"}
   * @return the price
   * @throws NumberFormatException if a price is not a decimal number
   * @throws IllegalArgumentException if a price is negative or above a million US dollars per
   *     million tokens, has more than 30 decimal places, is written with more than 100 digits
   *     (trailing zeros included), or the name is empty
   */
  public static ModelPrice perMillionTokens(String model, String input, String output) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    return perMillionTokens(model, new BigDecimal(input), new BigDecimal(output));
  }

  /** Takes values already checked: each copy checks only the value it changes. */
  private ModelPrice(
      String model,
      BigDecimal input,
      BigDecimal output,
      BigDecimal cachedInput,
      BigDecimal cacheCreationInput,
      BigDecimal reasoningOutput,
      String provider,
      List<String> aliases,
      String source,
      LocalDate date) {
    this.model = model;
    this.input = input;
    this.output = output;
    this.cachedInput = cachedInput;
    this.cacheCreationInput = cacheCreationInput;
    this.reasoningOutput = reasoningOutput;
    this.provider = provider;
    this.aliases = aliases;
    this.source = source;
    this.date = date;
  }

  private static BigDecimal checkPrice(String model, String name, BigDecimal price) {
    if (price == null) {
      return null;
    }
    String problem = priceProblem(price);
    if (problem != null) {
      throw new IllegalArgumentException(
          "price of " + shorten(model) + ": " + name + "=" + describe(price) + ": " + problem);
    }
    return normalize(price);
  }

  /**
   * Returns what is wrong with a price per million tokens, or {@code null} when it is accepted.
   * Bounded work whatever the value: the digit count is checked first from the bit length (no
   * division), ranges are compared before any scaling, and trailing zeros are never stripped one by
   * one (quadratic on JDK 17: 27 s for a 100 KB literal).
   */
  static String priceProblem(BigDecimal price) {
    if (price.signum() < 0) {
      return "must not be negative";
    }
    if (price.signum() == 0) {
      return null;
    }
    if (hasTooManyDigits(price)) {
      return "written with more than " + MAX_DIGITS + " digits";
    }
    if (price.compareTo(MAX_PRICE_PER_MILLION) > 0) {
      return "must be at most " + MAX_PRICE_PER_MILLION + " US dollars per million tokens";
    }
    if (hasTooManyDecimalPlaces(price)) {
      return "more than " + MAX_DECIMAL_PLACES + " decimal places per million tokens";
    }
    return null;
  }

  private static boolean hasTooManyDigits(BigDecimal value) {
    return value.unscaledValue().bitLength() > MAX_UNSCALED_BITS || value.precision() > MAX_DIGITS;
  }

  private static boolean hasTooManyDecimalPlaces(BigDecimal price) {
    long excess = (long) price.scale() - MAX_DECIMAL_PLACES;
    if (excess <= 0) {
      return false;
    }
    if (excess >= price.precision()) {
      // a non-zero number of P digits is not a multiple of 10^excess when excess >= P
      return true;
    }
    try {
      // an exact rescale exists unless it throws: the result itself is not needed
      BigDecimal rescaled = price.setScale(MAX_DECIMAL_PLACES, RoundingMode.UNNECESSARY);
      return rescaled.signum() != price.signum();
    } catch (ArithmeticException e) {
      return true;
    }
  }

  /**
   * An accepted price with at most {@link #MAX_DECIMAL_PLACES} decimal places, so that its digits
   * (at most 37) bound every later computation and message.
   */
  private static BigDecimal normalize(BigDecimal price) {
    if (price.signum() == 0) {
      return BigDecimal.ZERO;
    }
    if (price.scale() > MAX_DECIMAL_PLACES) {
      return price.setScale(MAX_DECIMAL_PLACES, RoundingMode.UNNECESSARY).stripTrailingZeros();
    }
    return price;
  }

  /**
   * A number for a message, bounded: exact up to {@value #MAX_SHOWN_DIGITS} significant digits,
   * else rounded to 12 with the count of digits, or only its size above {@value #MAX_DIGITS}
   * ({@code toString()}, never {@code toPlainString()}: {@code 1e999999999} would print a billion
   * digits).
   */
  static String describe(BigDecimal value) {
    if (value.unscaledValue().bitLength() > MAX_UNSCALED_BITS) {
      return "(too long to show)";
    }
    int digits = value.precision();
    if (digits <= MAX_SHOWN_DIGITS) {
      return value.toString();
    }
    return value.round(new MathContext(12, RoundingMode.HALF_EVEN))
        + " (rounded, "
        + digits
        + " digits)";
  }

  /** A name for a message, cut after 64 characters. */
  static String shorten(String text) {
    if (text.length() <= Json.MAX_QUOTED) {
      return text;
    }
    int cut = Json.MAX_QUOTED;
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return text.substring(0, cut) + "...";
  }

  /**
   * Returns a copy with the price of cached input tokens (cache reads). Default: unset, when cached
   * tokens are charged at the input price.
   *
   * @param pricePerMillion US dollars per million cached input tokens; {@code null} to unset
   * @return the new price
   * @throws IllegalArgumentException if the price is negative or above a million US dollars per
   *     million tokens, has more than 30 decimal places, or is written with more than 100 digits
   */
  public ModelPrice cachedInput(BigDecimal pricePerMillion) {
    return new ModelPrice(
        model,
        input,
        output,
        checkPrice(model, "cached_input", pricePerMillion),
        cacheCreationInput,
        reasoningOutput,
        provider,
        aliases,
        source,
        date);
  }

  /**
   * Returns a copy with the price of input tokens written to the prompt cache. Default: unset, when
   * they are charged at the input price.
   *
   * @param pricePerMillion US dollars per million cache-creation input tokens; {@code null} to
   *     unset
   * @return the new price
   * @throws IllegalArgumentException if the price is negative or above a million US dollars per
   *     million tokens, has more than 30 decimal places, or is written with more than 100 digits
   */
  public ModelPrice cacheCreationInput(BigDecimal pricePerMillion) {
    return new ModelPrice(
        model,
        input,
        output,
        cachedInput,
        checkPrice(model, "cache_creation_input", pricePerMillion),
        reasoningOutput,
        provider,
        aliases,
        source,
        date);
  }

  /**
   * Returns a copy with the price of reasoning output tokens, for models that price them apart.
   * Default: unset, when they are charged at the output price.
   *
   * @param pricePerMillion US dollars per million reasoning tokens; {@code null} to unset
   * @return the new price
   * @throws IllegalArgumentException if the price is negative or above a million US dollars per
   *     million tokens, has more than 30 decimal places, or is written with more than 100 digits
   */
  public ModelPrice reasoningOutput(BigDecimal pricePerMillion) {
    return new ModelPrice(
        model,
        input,
        output,
        cachedInput,
        cacheCreationInput,
        checkPrice(model, "reasoning_output", pricePerMillion),
        provider,
        aliases,
        source,
        date);
  }

  /**
   * Returns a copy with the provider that sells the model at this price (informational; lookups are
   * by model name). Default: unset.
   *
   * @param provider the provider, e.g. {@code openai}
   * @return the new price
   */
  public ModelPrice provider(String provider) {
    return new ModelPrice(
        model,
        input,
        output,
        cachedInput,
        cacheCreationInput,
        reasoningOutput,
        provider,
        aliases,
        source,
        date);
  }

  /**
   * Returns a copy with other names of the same model (e.g. {@code claude-3-7-sonnet-latest}).
   * Default: none.
   *
   * @param aliases other names of the model
   * @return the new price
   */
  public ModelPrice aliases(String... aliases) {
    List<String> copy = new ArrayList<>(Arrays.asList(aliases));
    for (String alias : copy) {
      Objects.requireNonNull(alias, "alias");
    }
    return new ModelPrice(
        model,
        input,
        output,
        cachedInput,
        cacheCreationInput,
        reasoningOutput,
        provider,
        Collections.unmodifiableList(copy),
        source,
        date);
  }

  /**
   * Returns a copy with where the price comes from (a URL, a file). Default: unset.
   *
   * @param source the source of the price
   * @return the new price
   */
  public ModelPrice source(String source) {
    return new ModelPrice(
        model,
        input,
        output,
        cachedInput,
        cacheCreationInput,
        reasoningOutput,
        provider,
        aliases,
        source,
        date);
  }

  /**
   * Returns a copy with the date the price was taken from its source. Default: unset.
   *
   * @param date the date
   * @return the new price
   */
  public ModelPrice date(LocalDate date) {
    return new ModelPrice(
        model,
        input,
        output,
        cachedInput,
        cacheCreationInput,
        reasoningOutput,
        provider,
        aliases,
        source,
        date);
  }

  /**
   * Returns the exact cost of one call in US dollars.
   *
   * <p>Token counts follow the GenAI semantic conventions: {@code inputTokens} includes the cached
   * ({@code cacheReadInputTokens}) and cache-creation tokens, and {@code outputTokens} includes the
   * reasoning tokens. Each token is charged once, at its own rate: cached tokens at the cached
   * price, cache writes at the cache-creation price, reasoning tokens at the reasoning price, each
   * falling back to the input or output price when the model has no separate one. Counts that
   * exceed their total (more cached than input tokens) are capped at it.
   *
   * @param inputTokens all input tokens, cached ones included
   * @param outputTokens all output tokens, reasoning ones included
   * @param cacheReadInputTokens input tokens read from the provider's prompt cache
   * @param cacheCreationInputTokens input tokens written to the provider's prompt cache
   * @param reasoningOutputTokens output tokens used for reasoning
   * @return the cost in US dollars, exact
   * @throws IllegalArgumentException if a count is negative
   */
  public BigDecimal cost(
      long inputTokens,
      long outputTokens,
      long cacheReadInputTokens,
      long cacheCreationInputTokens,
      long reasoningOutputTokens) {
    if (inputTokens < 0
        || outputTokens < 0
        || cacheReadInputTokens < 0
        || cacheCreationInputTokens < 0
        || reasoningOutputTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
    long cacheRead = Math.min(cacheReadInputTokens, inputTokens);
    long cacheCreation = Math.min(cacheCreationInputTokens, inputTokens - cacheRead);
    long plainInput = inputTokens - cacheRead - cacheCreation;
    long reasoning = Math.min(reasoningOutputTokens, outputTokens);
    long plainOutput = outputTokens - reasoning;

    BigDecimal total = BigDecimal.ZERO;
    total = add(total, plainInput, input);
    total = add(total, cacheRead, cachedInput != null ? cachedInput : input);
    total = add(total, cacheCreation, cacheCreationInput != null ? cacheCreationInput : input);
    total = add(total, plainOutput, output);
    total = add(total, reasoning, reasoningOutput != null ? reasoningOutput : output);
    return total.signum() == 0 ? BigDecimal.ZERO : total.movePointLeft(6).stripTrailingZeros();
  }

  private static BigDecimal add(BigDecimal total, long tokens, BigDecimal pricePerMillion) {
    if (tokens == 0 || pricePerMillion.signum() == 0) {
      return total;
    }
    return total.add(pricePerMillion.multiply(BigDecimal.valueOf(tokens)));
  }

  /**
   * Returns the model name.
   *
   * @return the model name
   */
  public String model() {
    return model;
  }

  /**
   * Returns the price per million input tokens, in US dollars.
   *
   * @return the input price
   */
  public BigDecimal input() {
    return input;
  }

  /**
   * Returns the price per million output tokens, in US dollars.
   *
   * @return the output price
   */
  public BigDecimal output() {
    return output;
  }

  /**
   * Returns the price per million cached input tokens.
   *
   * @return the cached input price, {@code null} when charged at the input price
   */
  public BigDecimal cachedInput() {
    return cachedInput;
  }

  /**
   * Returns the price per million cache-creation input tokens.
   *
   * @return the cache-creation price, {@code null} when charged at the input price
   */
  public BigDecimal cacheCreationInput() {
    return cacheCreationInput;
  }

  /**
   * Returns the price per million reasoning output tokens.
   *
   * @return the reasoning price, {@code null} when charged at the output price
   */
  public BigDecimal reasoningOutput() {
    return reasoningOutput;
  }

  /**
   * Returns the provider that sells the model at this price.
   *
   * @return the provider, {@code null} when unknown
   */
  public String provider() {
    return provider;
  }

  /**
   * Returns the other names of the model.
   *
   * @return the aliases, possibly empty
   */
  public List<String> aliases() {
    return aliases;
  }

  /**
   * Returns where the price comes from.
   *
   * @return the source, {@code null} when unknown
   */
  public String source() {
    return source;
  }

  /**
   * Returns the date the price was taken from its source.
   *
   * @return the date, {@code null} when unknown
   */
  public LocalDate date() {
    return date;
  }

  @Override
  public String toString() {
    return "ModelPrice{"
        + model
        + ": input="
        + input.toPlainString()
        + ", output="
        + output.toPlainString()
        + (cachedInput != null ? ", cached_input=" + cachedInput.toPlainString() : "")
        + (cacheCreationInput != null
            ? ", cache_creation_input=" + cacheCreationInput.toPlainString()
            : "")
        + (reasoningOutput != null ? ", reasoning_output=" + reasoningOutput.toPlainString() : "")
        + " USD per million tokens"
        + (source != null ? ", source=" + source : "")
        + (date != null ? ", date=" + date : "")
        + "}";
  }
}
