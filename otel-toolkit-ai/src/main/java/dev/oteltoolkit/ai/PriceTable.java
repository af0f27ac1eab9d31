package dev.oteltoolkit.ai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-model token prices in US dollars, used to put a cost on every GenAI call.
 *
 * <p>Sources: {@link #defaults()} (a small table shipped with the toolkit, each entry with its
 * source and date), {@link #of(ModelPrice...)} in code, {@link #load(Path)} for the toolkit's JSON
 * format, and {@link #loadLiteLlm(Path)} for LiteLLM's community price file ({@code
 * model_prices_and_context_window.json}), so a current table can be brought without a new
 * release. Combine them with {@link #withOverrides(PriceTable)}.
 *
 * <p>The toolkit's JSON format, prices per million tokens ({@code null} or absent optional prices
 * fall back to the input or output price):
 *
 * <pre>{@code
 * {"source": "https://openai.com/api/pricing", "date": "2025-08-01", "currency": "USD",
 *  "models": {"gpt-4o": {"provider": "openai", "input": 2.50, "output": 10.00,
 *                        "cached_input": 1.25, "cache_creation_input": null,
 *                        "reasoning_output": null, "aliases": ["gpt-4o-latest"],
 *                        "source": "...", "date": "2025-08-01"}}}
 * }</pre>
 *
 * <p>A model name is looked up exactly, then among the aliases, then with a trailing date stamp
 * ({@code -2024-08-06} or {@code -20240806}) removed, so dated snapshots find their model. An
 * entry for the dated name itself wins over that fallback (snapshots priced differently stay
 * exact). A name found nowhere has no price: the toolkit never guesses one.
 *
 * <p>Immutable and thread-safe. Lookups are cached, so the lookup of a known name allocates
 * nothing once warm.
 */
public final class PriceTable {

  private static final String DEFAULTS_RESOURCE = "prices.json";
  private static final int MAX_CACHED_LOOKUPS = 4096;
  private static final Object MISSING = new Object();
  private static final Set<String> TABLE_KEYS =
      new LinkedHashSet<>(Arrays.asList("source", "date", "currency", "models"));
  private static final Set<String> MODEL_KEYS =
      new LinkedHashSet<>(
          Arrays.asList(
              "provider",
              "input",
              "output",
              "cached_input",
              "cache_creation_input",
              "reasoning_output",
              "aliases",
              "source",
              "date"));

  private final List<ModelPrice> prices;
  private final Map<String, ModelPrice> byName;
  private final Map<String, ModelPrice> byAlias;
  private final String source;
  private final LocalDate date;
  private final ConcurrentHashMap<String, Object> lookups = new ConcurrentHashMap<>();

  /**
   * Returns the price table shipped with the toolkit: current major models of OpenAI, Anthropic,
   * Google, Mistral, DeepSeek and Cohere, each entry with its {@link ModelPrice#source() source}
   * and {@link ModelPrice#date() date}. Prices change: read the sources, and bring your own table
   * ({@link #load(Path)}, {@link #loadLiteLlm(Path)}) where cost matters.
   *
   * @return the shipped table
   */
  public static PriceTable defaults() {
    return Defaults.TABLE;
  }

  /**
   * Returns a table of the given prices.
   *
   * @param prices the prices; model names and aliases must be unique
   * @return the table
   * @throws IllegalArgumentException if a name or alias appears twice
   */
  public static PriceTable of(ModelPrice... prices) {
    return of(Arrays.asList(prices));
  }

  /**
   * Returns a table of the given prices.
   *
   * @param prices the prices; model names and aliases must be unique
   * @return the table
   * @throws IllegalArgumentException if a name or alias appears twice
   */
  public static PriceTable of(Collection<ModelPrice> prices) {
    Objects.requireNonNull(prices, "prices");
    return new PriceTable(new ArrayList<>(prices), null, null, "PriceTable.of");
  }

  /**
   * Reads a table in the toolkit's JSON format (see the class description).
   *
   * @param path the file
   * @return the table
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is malformed: the message names the file, the
   *     entry and what is wrong
   */
  public static PriceTable load(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    return parseOwn(utf8(Files.readAllBytes(path), path.toString()), path.toString());
  }

  /**
   * Reads a table in the toolkit's JSON format (see the class description).
   *
   * @param in the JSON, UTF-8; not closed
   * @return the table
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if the JSON is malformed: the message names the entry and
   *     what is wrong
   */
  public static PriceTable load(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in");
    return parseOwn(utf8(in.readAllBytes(), "price table stream"), "price table stream");
  }

  /**
   * Reads LiteLLM's {@code model_prices_and_context_window.json}: entries keyed by model with
   * {@code input_cost_per_token}, {@code output_cost_per_token}, {@code
   * cache_read_input_token_cost}, {@code cache_creation_input_token_cost}, {@code
   * output_cost_per_reasoning_token} and {@code litellm_provider}. Entries without both an input
   * and an output token price (images, audio, per-request pricing) are skipped, as is {@code
   * sample_spec}; tiered prices (above 128k/200k tokens) are not modelled: the base tier applies.
   * Entries get the file as their source and no date (the file has none).
   *
   * @param path the file
   * @return the table
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is malformed: the message names the file, the
   *     entry and what is wrong
   */
  public static PriceTable loadLiteLlm(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    return parseLiteLlm(utf8(Files.readAllBytes(path), path.toString()), path.toString());
  }

  /**
   * Reads LiteLLM's {@code model_prices_and_context_window.json} from a stream; see {@link
   * #loadLiteLlm(Path)}.
   *
   * @param in the JSON, UTF-8; not closed
   * @return the table
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if the JSON is malformed: the message names the entry and
   *     what is wrong
   */
  public static PriceTable loadLiteLlm(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in");
    return parseLiteLlm(utf8(in.readAllBytes(), "LiteLLM price stream"), "LiteLLM price stream");
  }

  private PriceTable(List<ModelPrice> prices, String source, LocalDate date, String origin) {
    Map<String, ModelPrice> names = new HashMap<>();
    Map<String, ModelPrice> aliases = new HashMap<>();
    for (ModelPrice price : prices) {
      Objects.requireNonNull(price, "price");
      if (names.put(price.model(), price) != null) {
        throw new IllegalArgumentException(origin + ": model \"" + price.model() + "\" appears twice");
      }
    }
    for (ModelPrice price : prices) {
      for (String alias : price.aliases()) {
        if (names.containsKey(alias) || aliases.containsKey(alias)) {
          throw new IllegalArgumentException(
              origin
                  + ": alias \""
                  + alias
                  + "\" of model \""
                  + price.model()
                  + "\" is already the name or alias of another model");
        }
        aliases.put(alias, price);
      }
    }
    this.prices = Collections.unmodifiableList(prices);
    this.byName = names;
    this.byAlias = aliases;
    this.source = source;
    this.date = date;
  }

  private PriceTable(PriceTable base, PriceTable overrides) {
    Map<String, ModelPrice> names = new HashMap<>(base.byName);
    Map<String, ModelPrice> aliases = new HashMap<>(base.byAlias);
    names.putAll(overrides.byName);
    aliases.putAll(overrides.byAlias);
    Map<String, ModelPrice> ordered = new LinkedHashMap<>();
    for (ModelPrice price : base.prices) {
      ordered.put(price.model(), price);
    }
    for (ModelPrice price : overrides.prices) {
      ordered.put(price.model(), price);
    }
    this.prices = Collections.unmodifiableList(new ArrayList<>(ordered.values()));
    this.byName = names;
    this.byAlias = aliases;
    this.source = overrides.source != null ? overrides.source : base.source;
    this.date = overrides.date != null ? overrides.date : base.date;
  }

  /**
   * Returns a table with the prices of {@code overrides} added to these; where both have a name or
   * alias, {@code overrides} wins. E.g. {@code
   * PriceTable.defaults().withOverrides(PriceTable.load(path))}.
   *
   * @param overrides the prices that win
   * @return the combined table
   */
  public PriceTable withOverrides(PriceTable overrides) {
    Objects.requireNonNull(overrides, "overrides");
    return new PriceTable(this, overrides);
  }

  /**
   * Returns the price of {@code model}: by exact name, then alias, then the name without a
   * trailing date stamp ({@code -2024-08-06}, {@code -20240806}).
   *
   * @param model the model name, e.g. the response model a provider reported
   * @return the price, {@code null} when the table does not know the model
   */
  public ModelPrice find(String model) {
    if (model == null) {
      return null;
    }
    Object cached = lookups.get(model);
    if (cached == null) {
      ModelPrice found = resolve(model);
      cached = found != null ? found : MISSING;
      if (lookups.size() < MAX_CACHED_LOOKUPS) {
        lookups.putIfAbsent(model, cached);
      }
    }
    return cached == MISSING ? null : (ModelPrice) cached;
  }

  private ModelPrice resolve(String model) {
    ModelPrice price = byName.get(model);
    if (price == null) {
      price = byAlias.get(model);
    }
    if (price == null) {
      String undated = withoutDateStamp(model);
      if (undated != null) {
        price = byName.get(undated);
        if (price == null) {
          price = byAlias.get(undated);
        }
      }
    }
    return price;
  }

  /** Returns the name without a trailing {@code -YYYY-MM-DD} or {@code -YYYYMMDD}, else null. */
  static String withoutDateStamp(String model) {
    int n = model.length();
    // -YYYY-MM-DD
    if (n > 11
        && model.charAt(n - 11) == '-'
        && digits(model, n - 10, n - 6)
        && model.charAt(n - 6) == '-'
        && digits(model, n - 5, n - 3)
        && model.charAt(n - 3) == '-'
        && digits(model, n - 2, n)) {
      return model.substring(0, n - 11);
    }
    // -YYYYMMDD
    if (n > 9 && model.charAt(n - 9) == '-' && digits(model, n - 8, n)) {
      return model.substring(0, n - 9);
    }
    return null;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns every price in the table, in the order they were given.
   *
   * @return the prices
   */
  public List<ModelPrice> prices() {
    return prices;
  }

  /**
   * Returns where the table as a whole comes from.
   *
   * @return the table's source, {@code null} when unknown
   */
  public String source() {
    return source;
  }

  /**
   * Returns the date of the table as a whole.
   *
   * @return the table's date, {@code null} when unknown
   */
  public LocalDate date() {
    return date;
  }

  @Override
  public String toString() {
    return "PriceTable{"
        + prices.size()
        + " models"
        + (source != null ? ", source=" + source : "")
        + (date != null ? ", date=" + date : "")
        + "}";
  }

  // ---------------------------------------------------------------- parsing

  private static PriceTable parseOwn(String text, String name) {
    Map<String, Object> root = object(parseJson(text, name), name, "the document");
    for (String key : root.keySet()) {
      if (!TABLE_KEYS.contains(key)) {
        throw malformed(name, "unknown member \"" + key + "\" (expected one of " + TABLE_KEYS + ")");
      }
    }
    Object currency = root.get("currency");
    if (currency != null && currency != Json.NULL && !"USD".equals(currency)) {
      throw malformed(name, "\"currency\" is " + describe(currency) + ": only \"USD\" is supported");
    }
    String tableSource = optionalString(root.get("source"), name, "\"source\"");
    LocalDate tableDate = optionalDate(root.get("date"), name, "\"date\"");
    Object models = root.get("models");
    if (models == null) {
      throw malformed(name, "\"models\" is missing");
    }
    Map<String, Object> entries = object(models, name, "\"models\"");
    List<ModelPrice> prices = new ArrayList<>(entries.size());
    for (Map.Entry<String, Object> entry : entries.entrySet()) {
      String model = entry.getKey();
      String where = "entry \"" + model + "\"";
      Map<String, Object> fields = object(entry.getValue(), name, where);
      for (String key : fields.keySet()) {
        if (!MODEL_KEYS.contains(key)) {
          throw malformed(
              name, where + ": unknown member \"" + key + "\" (expected one of " + MODEL_KEYS + ")");
        }
      }
      BigDecimal input = requiredPrice(fields.get("input"), name, where, "input");
      BigDecimal output = requiredPrice(fields.get("output"), name, where, "output");
      String source = optionalString(fields.get("source"), name, where + ": \"source\"");
      LocalDate date = optionalDate(fields.get("date"), name, where + ": \"date\"");
      ModelPrice price;
      try {
        price =
          ModelPrice.perMillionTokens(model, input, output)
              .cachedInput(optionalPrice(fields.get("cached_input"), name, where, "cached_input"))
              .cacheCreationInput(
                  optionalPrice(
                      fields.get("cache_creation_input"), name, where, "cache_creation_input"))
              .reasoningOutput(
                  optionalPrice(fields.get("reasoning_output"), name, where, "reasoning_output"))
              .provider(optionalString(fields.get("provider"), name, where + ": \"provider\""))
              .aliases(aliases(fields.get("aliases"), name, where))
              .source(source != null ? source : tableSource)
              .date(date != null ? date : tableDate);
      } catch (IllegalArgumentException e) {
        throw malformed(name, where + ": " + e.getMessage());
      }
      prices.add(price);
    }
    return new PriceTable(prices, tableSource, tableDate, name);
  }

  private static PriceTable parseLiteLlm(String text, String name) {
    Map<String, Object> root = object(parseJson(text, name), name, "the document");
    String source = "LiteLLM price file " + name;
    List<ModelPrice> prices = new ArrayList<>(root.size());
    for (Map.Entry<String, Object> entry : root.entrySet()) {
      String model = entry.getKey();
      if (model.equals("sample_spec")) {
        continue;
      }
      String where = "entry \"" + model + "\"";
      Map<String, Object> fields = object(entry.getValue(), name, where);
      BigDecimal input = perToken(fields, "input_cost_per_token", name, where);
      BigDecimal output = perToken(fields, "output_cost_per_token", name, where);
      if (input == null || output == null) {
        continue; // not priced per token (images, audio, per request)
      }
      Object provider = fields.get("litellm_provider");
      BigDecimal cachedInput = perToken(fields, "cache_read_input_token_cost", name, where);
      BigDecimal cacheCreation = perToken(fields, "cache_creation_input_token_cost", name, where);
      BigDecimal reasoning = perToken(fields, "output_cost_per_reasoning_token", name, where);
      try {
        prices.add(
            ModelPrice.perMillionTokens(model, input, output)
                .cachedInput(cachedInput)
                .cacheCreationInput(cacheCreation)
                .reasoningOutput(reasoning)
                .provider(provider instanceof String ? (String) provider : null)
                .source(source));
      } catch (IllegalArgumentException e) {
        throw malformed(name, where + ": " + e.getMessage());
      }
    }
    return new PriceTable(prices, source, null, name);
  }

  private static Object parseJson(String text, String name) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a UTF-8 byte order mark, as some editors write
    }
    try {
      return Json.parse(text);
    } catch (Json.ParseException e) {
      throw malformed(name, "not valid JSON: " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String name, String where) {
    if (!(value instanceof Map)) {
      throw malformed(name, where + " must be a JSON object, got " + describe(value));
    }
    return (Map<String, Object>) value;
  }

  private static BigDecimal requiredPrice(Object value, String name, String where, String key) {
    if (value == null || value == Json.NULL) {
      throw malformed(name, where + ": \"" + key + "\" is missing (US dollars per million tokens)");
    }
    return optionalPrice(value, name, where, key);
  }

  private static BigDecimal optionalPrice(Object value, String name, String where, String key) {
    if (value == null || value == Json.NULL) {
      return null;
    }
    if (!(value instanceof BigDecimal) || ((BigDecimal) value).signum() < 0) {
      throw malformed(
          name,
          where + ": \"" + key + "\" must be a non-negative number, got " + describe(value));
    }
    return (BigDecimal) value;
  }

  private static BigDecimal perToken(
      Map<String, Object> fields, String key, String name, String where) {
    BigDecimal perToken = optionalPrice(fields.get(key), name, where, key);
    return perToken == null ? null : perToken.movePointRight(6);
  }

  private static String optionalString(Object value, String name, String where) {
    if (value == null || value == Json.NULL) {
      return null;
    }
    if (!(value instanceof String)) {
      throw malformed(name, where + " must be a string, got " + describe(value));
    }
    return (String) value;
  }

  private static LocalDate optionalDate(Object value, String name, String where) {
    String text = optionalString(value, name, where);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw malformed(name, where + " must be a date YYYY-MM-DD, got \"" + text + "\"");
    }
  }

  private static String[] aliases(Object value, String name, String where) {
    if (value == null || value == Json.NULL) {
      return new String[0];
    }
    if (!(value instanceof List)) {
      throw malformed(name, where + ": \"aliases\" must be an array of strings, got " + describe(value));
    }
    List<?> list = (List<?>) value;
    String[] aliases = new String[list.size()];
    for (int i = 0; i < aliases.length; i++) {
      Object alias = list.get(i);
      if (!(alias instanceof String) || ((String) alias).isEmpty()) {
        throw malformed(
            name, where + ": \"aliases\" must hold non-empty strings, got " + describe(alias));
      }
      aliases[i] = (String) alias;
    }
    return aliases;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof String) {
      return "\"" + value + "\"";
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).toPlainString();
    }
    return String.valueOf(value);
  }

  /**
   * Decodes {@code bytes} as UTF-8, failing with the file name and the offset of the first byte
   * that is not UTF-8 (the JDK's own error says neither).
   */
  static String utf8(byte[] bytes, String name) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw malformed(
          name, "not UTF-8 text: invalid byte sequence at byte offset " + in.position());
    }
    return out.flip().toString();
  }

  private static IllegalArgumentException malformed(String name, String problem) {
    return new IllegalArgumentException(name + ": " + problem);
  }

  /** Lazily loaded shipped table. */
  private static final class Defaults {
    static final PriceTable TABLE = load();

    private static PriceTable load() {
      try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + DEFAULTS_RESOURCE);
        }
        return parseOwn(
            new String(in.readAllBytes(), StandardCharsets.UTF_8),
            "otel-toolkit-ai " + DEFAULTS_RESOURCE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
