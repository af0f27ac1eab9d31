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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per-model token prices in US dollars, used to put a cost on every GenAI call.
 *
 * <p>Sources: {@link #defaults()} (a small table shipped with the toolkit, each entry with its
 * source and date), {@link #of(ModelPrice...)} in code, {@link #load(Path)} for the toolkit's JSON
 * format, and {@link #loadLiteLlm(Path)} for LiteLLM's community price file ({@code
 * model_prices_and_context_window.json}), so a current table can be brought without a new release.
 * Combine them with {@link #withOverrides(PriceTable)}.
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
 * <p>Loading is strict and bounded: a file that cannot be used fails with an {@link
 * IllegalArgumentException} naming the file, the entry, the problem and its line and column, in a
 * message of a few hundred characters at most, and in time proportional to the file's size. Files
 * over 64 MiB, number literals over 100 characters and exponents beyond &plusmn;1000 are refused. A
 * LiteLLM entry whose price is not accepted (negative, above 1 US dollar per token, more than 36
 * decimal places) is skipped with one warning for the whole file instead.
 *
 * <p>A model name is looked up exactly, then among the aliases, then with a trailing date stamp
 * ({@code -2024-08-06} or {@code -20240806}) removed, so dated snapshots find their model. An entry
 * for the dated name itself wins over that fallback (snapshots priced differently stay exact). A
 * name found nowhere has no price: the toolkit never guesses one.
 *
 * <p>Immutable and thread-safe. Lookups are cached, so the lookup of a known name allocates nothing
 * once warm.
 */
public final class PriceTable {

  private static final Logger logger = Logger.getLogger(PriceTable.class.getName());
  private static final String DEFAULTS_RESOURCE = "prices.json";

  /** The largest price file read: 64 MiB (LiteLLM's whole file is about 1.5 MB). */
  static final int MAX_FILE_BYTES = 64 << 20;

  /** File names longer than this are cut from the start in messages. */
  private static final int MAX_NAME_LENGTH = 160;

  /** LiteLLM's per-token keys, in the order perMillionTokens and the copies take them. */
  private static final String[] LITELLM_KEYS = {
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "output_cost_per_reasoning_token"
  };

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
   * @throws IllegalArgumentException if the file is malformed or over 64 MiB: the message names the
   *     file, the entry, what is wrong and where (line and column)
   */
  public static PriceTable load(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    return parseOwn(utf8(readBounded(path), path.toString()), path.toString());
  }

  /**
   * Reads a table in the toolkit's JSON format (see the class description).
   *
   * @param in the JSON, UTF-8; not closed
   * @return the table
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if the JSON is malformed or over 64 MiB: the message names the
   *     entry, what is wrong and where (line and column)
   */
  public static PriceTable load(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in");
    return parseOwn(
        utf8(readBounded(in, "price table stream"), "price table stream"), "price table stream");
  }

  /**
   * Reads LiteLLM's {@code model_prices_and_context_window.json}: entries keyed by model with
   * {@code input_cost_per_token}, {@code output_cost_per_token}, {@code
   * cache_read_input_token_cost}, {@code cache_creation_input_token_cost}, {@code
   * output_cost_per_reasoning_token} and {@code litellm_provider}. Entries without both an input
   * and an output token price (images, audio, per-request pricing) are skipped, as is {@code
   * sample_spec}; tiered prices (above 128k/200k tokens) are not modelled: the base tier applies.
   * Entries get the file as their source and no date (the file has none). An entry with a price the
   * toolkit does not accept (negative, above 1 US dollar per token, more than 36 decimal places) is
   * skipped, and the load logs one warning ({@code java.util.logging}, this class's logger) with
   * the number skipped and where the first is: one odd entry of a third-party file should not cost
   * the thousands of others. {@link #load(Path)} stays strict.
   *
   * @param path the file
   * @return the table
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is not in LiteLLM's shape (not JSON, an entry that
   *     is not an object, a price that is not a number) or over 64 MiB: the message names the file,
   *     the entry, what is wrong and where (line and column)
   */
  public static PriceTable loadLiteLlm(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    return parseLiteLlm(utf8(readBounded(path), path.toString()), path.toString());
  }

  /**
   * Reads LiteLLM's {@code model_prices_and_context_window.json} from a stream; see {@link
   * #loadLiteLlm(Path)}.
   *
   * @param in the JSON, UTF-8; not closed
   * @return the table
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if the JSON is not in LiteLLM's shape or over 64 MiB: the
   *     message names the entry, what is wrong and where (line and column)
   */
  public static PriceTable loadLiteLlm(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in");
    return parseLiteLlm(
        utf8(readBounded(in, "LiteLLM price stream"), "LiteLLM price stream"),
        "LiteLLM price stream");
  }

  private PriceTable(List<ModelPrice> prices, String source, LocalDate date, String origin) {
    Map<String, ModelPrice> names = new HashMap<>();
    Map<String, ModelPrice> aliases = new HashMap<>();
    for (ModelPrice price : prices) {
      Objects.requireNonNull(price, "price");
      if (names.put(price.model(), price) != null) {
        throw new IllegalArgumentException(
            shortName(origin) + ": model " + Json.quote(price.model()) + " appears twice");
      }
    }
    for (ModelPrice price : prices) {
      for (String alias : price.aliases()) {
        if (names.containsKey(alias) || aliases.containsKey(alias)) {
          throw new IllegalArgumentException(
              shortName(origin)
                  + ": alias "
                  + Json.quote(alias)
                  + " of model "
                  + Json.quote(price.model())
                  + " is already the name or alias of another model");
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
   * Returns the price of {@code model}: by exact name, then alias, then the name without a trailing
   * date stamp ({@code -2024-08-06}, {@code -20240806}).
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

  private static PriceTable parseOwn(String document, String name) {
    String text = withoutByteOrderMark(document);
    Json.JsonObject root = object(parseJson(text, name), name, "the document", rootLocation(text));
    for (String key : root.keySet()) {
      if (!TABLE_KEYS.contains(key)) {
        throw malformed(
            name,
            "unknown member " + Json.quote(key) + " (expected one of " + TABLE_KEYS + ")",
            root.location(key));
      }
    }
    Object currency = root.get("currency");
    if (currency != null && currency != Json.NULL && !"USD".equals(currency)) {
      throw malformed(
          name,
          "\"currency\" is " + describe(currency) + ": only \"USD\" is supported",
          root.location("currency"));
    }
    String tableSource = optionalString(root, "source", name, "");
    LocalDate tableDate = optionalDate(root, "date", name, "");
    Object models = root.get("models");
    if (models == null) {
      throw malformed(name, "\"models\" is missing", root.location());
    }
    Json.JsonObject entries = object(models, name, "\"models\"", root.location("models"));
    checkAliases(entries, name);
    List<ModelPrice> prices = new ArrayList<>(entries.size());
    for (Map.Entry<String, Object> entry : entries.entrySet()) {
      String model = entry.getKey();
      String where = "entry " + Json.quote(model) + ": ";
      Json.JsonObject fields =
          object(entry.getValue(), name, "entry " + Json.quote(model), entries.location(model));
      for (String key : fields.keySet()) {
        if (!MODEL_KEYS.contains(key)) {
          throw malformed(
              name,
              where + "unknown member " + Json.quote(key) + " (expected one of " + MODEL_KEYS + ")",
              fields.location(key));
        }
      }
      BigDecimal input = requiredPrice(fields, "input", name, where);
      BigDecimal output = requiredPrice(fields, "output", name, where);
      BigDecimal cachedInput = optionalPrice(fields, "cached_input", name, where);
      BigDecimal cacheCreation = optionalPrice(fields, "cache_creation_input", name, where);
      BigDecimal reasoning = optionalPrice(fields, "reasoning_output", name, where);
      String provider = optionalString(fields, "provider", name, where);
      String[] aliases = aliases(fields, name, where);
      String source = optionalString(fields, "source", name, where);
      LocalDate date = optionalDate(fields, "date", name, where);
      try {
        prices.add(
            ModelPrice.perMillionTokens(model, input, output)
                .cachedInput(cachedInput)
                .cacheCreationInput(cacheCreation)
                .reasoningOutput(reasoning)
                .provider(provider)
                .aliases(aliases)
                .source(source != null ? source : tableSource)
                .date(date != null ? date : tableDate));
      } catch (IllegalArgumentException e) {
        // every value was checked above; what is left is the name itself (empty)
        throw malformed(name, where + e.getMessage(), entries.location(model));
      }
    }
    return new PriceTable(prices, tableSource, tableDate, name);
  }

  /** Fails on the first alias that is already a model name or another entry's alias. */
  private static void checkAliases(Json.JsonObject entries, String name) {
    Set<String> taken = new HashSet<>(entries.keySet());
    for (Map.Entry<String, Object> entry : entries.entrySet()) {
      if (!(entry.getValue() instanceof Json.JsonObject)) {
        continue; // reported in entry order by the caller
      }
      Json.JsonObject fields = (Json.JsonObject) entry.getValue();
      if (!(fields.get("aliases") instanceof List)) {
        continue;
      }
      for (Object alias : (List<?>) fields.get("aliases")) {
        if (alias instanceof String string && !taken.add(string)) {
          throw malformed(
              name,
              "alias "
                  + Json.quote(string)
                  + " of model "
                  + Json.quote(entry.getKey())
                  + " is already the name or alias of another model",
              fields.location("aliases"));
        }
      }
    }
  }

  private static PriceTable parseLiteLlm(String document, String name) {
    String text = withoutByteOrderMark(document);
    Json.JsonObject root = object(parseJson(text, name), name, "the document", rootLocation(text));
    String source = "LiteLLM price file " + name;
    List<ModelPrice> prices = new ArrayList<>(root.size());
    int skipped = 0;
    String firstSkipped = null;
    for (Map.Entry<String, Object> entry : root.entrySet()) {
      String model = entry.getKey();
      if (model.equals("sample_spec")) {
        continue;
      }
      String where = "entry " + Json.quote(model) + ": ";
      Json.JsonObject fields =
          object(entry.getValue(), name, "entry " + Json.quote(model), root.location(model));
      BigDecimal[] perMillion = new BigDecimal[LITELLM_KEYS.length];
      String unusable = null;
      for (int i = 0; i < LITELLM_KEYS.length && unusable == null; i++) {
        String key = LITELLM_KEYS[i];
        BigDecimal perToken = optionalNumber(fields, key, name, where);
        unusable = perToken == null ? null : perTokenProblem(perToken);
        if (unusable != null) {
          unusable =
              where
                  + Json.quote(key)
                  + "="
                  + ModelPrice.describe(perToken)
                  + ": "
                  + unusable
                  + " at "
                  + fields.location(key);
        } else if (perToken != null) {
          perMillion[i] = perToken.scaleByPowerOfTen(6);
        }
      }
      if (unusable != null) {
        // one bad entry of a third-party file should not cost the other thousands
        if (skipped++ == 0) {
          firstSkipped = unusable;
        }
        continue;
      }
      if (perMillion[0] == null || perMillion[1] == null) {
        continue; // not priced per token (images, audio, per request)
      }
      Object provider = fields.get("litellm_provider");
      try {
        prices.add(
            ModelPrice.perMillionTokens(model, perMillion[0], perMillion[1])
                .cachedInput(perMillion[2])
                .cacheCreationInput(perMillion[3])
                .reasoningOutput(perMillion[4])
                .provider(provider instanceof String string ? string : null)
                .source(source));
      } catch (IllegalArgumentException e) {
        throw malformed(name, where + e.getMessage(), root.location(model));
      }
    }
    if (skipped > 0) {
      logger.log(
          Level.WARNING,
          shortName(name)
              + ": skipped "
              + skipped
              + " LiteLLM price entr"
              + (skipped == 1 ? "y" : "ies")
              + " with a price the toolkit does not accept"
              + " (negative, above 1 US dollar per token, or more than 36 decimal places); the"
              + " first: "
              + firstSkipped);
    }
    return new PriceTable(prices, source, null, name);
  }

  /** What makes a LiteLLM price per token unusable, or {@code null}; checked before scaling. */
  private static String perTokenProblem(BigDecimal perToken) {
    if (perToken.signum() < 0) {
      return "must not be negative";
    }
    if (perToken.compareTo(BigDecimal.ONE) > 0) {
      return "above 1 US dollar per token";
    }
    return ModelPrice.priceProblem(perToken.scaleByPowerOfTen(6)) == null
        ? null
        : "more than " + (ModelPrice.MAX_DECIMAL_PLACES + 6) + " decimal places per token";
  }

  private static Object parseJson(String text, String name) {
    try {
      return Json.parse(text);
    } catch (Json.ParseException e) {
      throw malformed(name, "not valid JSON: " + e.getMessage());
    }
  }

  /** The text without a UTF-8 byte order mark, which some editors write. */
  private static String withoutByteOrderMark(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Where the document's value starts, for a document that is not an object. */
  private static String rootLocation(String text) {
    int at = 0;
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    return Json.location(text, at);
  }

  private static Json.JsonObject object(Object value, String name, String what, String location) {
    if (!(value instanceof Json.JsonObject jsonObject)) {
      throw malformed(name, what + " must be a JSON object, got " + describe(value), location);
    }
    return jsonObject;
  }

  private static BigDecimal requiredPrice(
      Json.JsonObject fields, String key, String name, String where) {
    Object value = fields.get(key);
    if (value == null || value == Json.NULL) {
      throw malformed(
          name,
          where + Json.quote(key) + " is missing (US dollars per million tokens)",
          fields.location());
    }
    return optionalPrice(fields, key, name, where);
  }

  private static BigDecimal optionalPrice(
      Json.JsonObject fields, String key, String name, String where) {
    BigDecimal price = optionalNumber(fields, key, name, where);
    if (price == null) {
      return null;
    }
    String problem = ModelPrice.priceProblem(price);
    if (problem != null) {
      throw malformed(
          name,
          where + Json.quote(key) + "=" + ModelPrice.describe(price) + ": " + problem,
          fields.location(key));
    }
    return price;
  }

  private static BigDecimal optionalNumber(
      Json.JsonObject fields, String key, String name, String where) {
    Object value = fields.get(key);
    if (value == null || value == Json.NULL) {
      return null;
    }
    if (!(value instanceof BigDecimal bigDecimal)) {
      throw malformed(
          name,
          where + Json.quote(key) + " must be a number, got " + describe(value),
          fields.location(key));
    }
    return bigDecimal;
  }

  private static String optionalString(
      Json.JsonObject fields, String key, String name, String where) {
    Object value = fields.get(key);
    if (value == null || value == Json.NULL) {
      return null;
    }
    if (!(value instanceof String string)) {
      throw malformed(
          name,
          where + Json.quote(key) + " must be a string, got " + describe(value),
          fields.location(key));
    }
    return string;
  }

  private static LocalDate optionalDate(
      Json.JsonObject fields, String key, String name, String where) {
    String text = optionalString(fields, key, name, where);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw malformed(
          name,
          where + Json.quote(key) + " must be a date YYYY-MM-DD, got " + Json.quote(text),
          fields.location(key));
    }
  }

  private static String[] aliases(Json.JsonObject fields, String name, String where) {
    Object value = fields.get("aliases");
    if (value == null || value == Json.NULL) {
      return new String[0];
    }
    if (!(value instanceof List)) {
      throw malformed(
          name,
          where + "\"aliases\" must be an array of strings, got " + describe(value),
          fields.location("aliases"));
    }
    List<?> list = (List<?>) value;
    String[] aliases = new String[list.size()];
    for (int i = 0; i < aliases.length; i++) {
      Object alias = list.get(i);
      if (!(alias instanceof String string) || string.isEmpty()) {
        throw malformed(
            name,
            where + "\"aliases\" must hold non-empty strings, got " + describe(alias),
            fields.location("aliases"));
      }
      aliases[i] = string;
    }
    return aliases;
  }

  /** A JSON value for a message, bounded whatever the value. */
  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof String string) {
      return Json.quote(string);
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof BigDecimal bigDecimal) {
      return ModelPrice.describe(bigDecimal);
    }
    return String.valueOf(value); // true, false, null
  }

  /** Reads at most {@link #MAX_FILE_BYTES}, failing beyond that without reading the rest. */
  private static byte[] readBounded(InputStream in, String name) throws IOException {
    byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge(name);
    }
    return bytes;
  }

  private static byte[] readBounded(Path path) throws IOException {
    if (Files.size(path) > MAX_FILE_BYTES) {
      throw tooLarge(path.toString());
    }
    try (InputStream in = Files.newInputStream(path)) {
      return readBounded(in, path.toString());
    }
  }

  private static IllegalArgumentException tooLarge(String name) {
    return malformed(
        name,
        "larger than "
            + MAX_FILE_BYTES
            + " bytes ("
            + (MAX_FILE_BYTES >> 20)
            + " MiB), the most a price table may have");
  }

  /**
   * Decodes {@code bytes} as UTF-8, failing with the file name and the position of the first byte
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
      String decoded = out.flip().toString();
      throw malformed(
          name,
          "not UTF-8 text: invalid byte sequence (byte offset " + in.position() + ")",
          Json.location(decoded, decoded.length()));
    }
    return out.flip().toString();
  }

  private static IllegalArgumentException malformed(String name, String problem, String location) {
    return malformed(name, problem + " at " + location);
  }

  private static IllegalArgumentException malformed(String name, String problem) {
    return new IllegalArgumentException(shortName(name) + ": " + problem);
  }

  /** A file name for a message: its end, the part that names the file, when it is long. */
  private static String shortName(String name) {
    return name.length() <= MAX_NAME_LENGTH
        ? name
        : "..." + name.substring(name.length() - MAX_NAME_LENGTH + 3);
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
