package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceTableTest {

  private static final PriceTable TABLE =
      PriceTable.of(
          ModelPrice.perMillionTokens("gpt-4o", "2.50", "10.00")
              .cachedInput(new BigDecimal("1.25"))
              .aliases("gpt-4o-latest"),
          // the first snapshot kept its own, higher price: an exact entry beats date stripping
          ModelPrice.perMillionTokens("gpt-4o-2024-05-13", "5.00", "15.00"),
          ModelPrice.perMillionTokens("claude-sonnet-4", "3", "15")
              .cachedInput(new BigDecimal("0.30"))
              .cacheCreationInput(new BigDecimal("3.75"))
              .aliases("claude-sonnet-4-0"),
          ModelPrice.perMillionTokens("o1", "15", "60").reasoningOutput(new BigDecimal("70")));

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "none",
      value = {
        "gpt-4o, gpt-4o", // exact name
        "gpt-4o-latest, gpt-4o", // alias
        "gpt-4o-2024-08-06, gpt-4o", // OpenAI date stamp -YYYY-MM-DD removed
        "gpt-4o-20240806, gpt-4o", // compact date stamp -YYYYMMDD removed
        "gpt-4o-2024-05-13, gpt-4o-2024-05-13", // exact dated entry wins over stripping
        "claude-sonnet-4-20250514, claude-sonnet-4", // Anthropic snapshot
        "claude-sonnet-4-0, claude-sonnet-4", // alias
        "gpt-4o-mini, none", // no prefix matching: a different model is never priced as gpt-4o
        "gpt-4o-2024-08, none", // not a full date stamp
        "gpt-4o-2024-8-06, none", // not a date stamp
        "gpt-4o-202408061, none", // nine digits are not a date stamp
        "GPT-4O, none", // names are case-sensitive, as providers report them
        "-20240806, none", // nothing left once the stamp is removed
        "o1-preview, none"
      })
  void findsByExactNameThenAliasThenWithoutDateStamp(String query, String expected) {
    ModelPrice found = TABLE.find(query);
    if (expected == null) {
      assertThat(found).isNull();
    } else {
      assertThat(found).isNotNull();
      assertThat(found.model()).isEqualTo(expected);
    }
  }

  @Test
  void repeatedLookupsAreServedFromTheCache() {
    PriceTable table = PriceTable.of(ModelPrice.perMillionTokens("m", "1", "1"));
    ModelPrice first = table.find("m-2025-01-01");
    assertThat(table.find("m-2025-01-01")).isSameAs(first);
    assertThat(table.find("unknown")).isNull();
    assertThat(table.find("unknown")).isNull();
    assertThat(table.find(null)).isNull();
  }

  @Test
  void lookupsOfCachedNamesAllocateNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    PriceTable table = PriceTable.defaults();
    // exact, alias, dated snapshot (a substring to resolve), unknown: each resolved once here
    String[] names = {"gpt-4o", "claude-sonnet-4-0", "gpt-4o-2024-08-06", "no-such-model"};
    for (String name : names) {
      table.find(name);
    }
    long threadId = Thread.currentThread().getId();
    int lookups = 100_000;
    int found = 0;
    long before = threads.getThreadAllocatedBytes(threadId);
    for (int i = 0; i < lookups; i++) {
      if (table.find(names[i & 3]) != null) {
        found++;
      }
    }
    long allocated = threads.getThreadAllocatedBytes(threadId) - before;
    assertThat(found).isEqualTo(lookups / 4 * 3);
    // one resolution allocating per lookup (a substring is 40 bytes or more) would be megabytes;
    // the allowance is for the measurement itself
    assertThat(allocated).isLessThan(lookups / 10);
  }

  @Test
  void costIsExactDecimalArithmetic() {
    ModelPrice mini = ModelPrice.perMillionTokens("gpt-4o-mini", "0.15", "0.60");
    assertThat(mini.cost(1, 1, 0, 0, 0)).isEqualByComparingTo("0.00000075");
    // summing ten thousand tiny costs stays exact, where doubles drift
    BigDecimal sum = BigDecimal.ZERO;
    double doubleSum = 0;
    for (int i = 0; i < 10_000; i++) {
      BigDecimal cost = mini.cost(7, 3, 0, 0, 0);
      sum = sum.add(cost);
      doubleSum += cost.doubleValue();
    }
    assertThat(sum).isEqualByComparingTo("0.0285");
    assertThat(doubleSum).isNotEqualTo(0.0285);
    assertThat(mini.cost(0, 0, 0, 0, 0)).isEqualByComparingTo("0");
  }

  @Test
  void cachedAndReasoningTokensArePricedAtTheirRateAndCountedOnce() {
    ModelPrice gpt4o = TABLE.find("gpt-4o");
    // 1000 input of which 400 cached: 600 x 2.50 + 400 x 1.25, plus 100 output x 10.00
    assertThat(gpt4o.cost(1000, 100, 400, 0, 0)).isEqualByComparingTo("0.003");
    ModelPrice claude = TABLE.find("claude-sonnet-4");
    // 10000 input: 6000 read from cache, 3000 written to it, 1000 plain; 500 output
    assertThat(claude.cost(10_000, 500, 6000, 3000, 0))
        .isEqualByComparingTo(
            new BigDecimal("1000")
                .multiply(new BigDecimal("3"))
                .add(new BigDecimal("6000").multiply(new BigDecimal("0.30")))
                .add(new BigDecimal("3000").multiply(new BigDecimal("3.75")))
                .add(new BigDecimal("500").multiply(new BigDecimal("15")))
                .movePointLeft(6));
    ModelPrice o1 = TABLE.find("o1");
    // 1000 output of which 800 reasoning at the reasoning price
    assertThat(o1.cost(0, 1000, 0, 0, 800)).isEqualByComparingTo("0.068");
    // without separate prices, cached and reasoning tokens cost the plain rates
    ModelPrice plain = ModelPrice.perMillionTokens("plain", "1", "2");
    assertThat(plain.cost(1000, 1000, 500, 200, 300)).isEqualByComparingTo("0.003");
  }

  @Test
  void countsBeyondTheirTotalAreCappedSoNothingIsChargedTwice() {
    ModelPrice gpt4o = TABLE.find("gpt-4o");
    // more cached than input tokens: all 100 input tokens are charged at the cached rate
    assertThat(gpt4o.cost(100, 0, 500, 0, 0)).isEqualByComparingTo("0.000125");
    assertThatThrownBy(() -> gpt4o.cost(-1, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaultsShipCurrentModelsEachWithSourceAndDate() {
    PriceTable defaults = PriceTable.defaults();
    assertThat(defaults.prices()).hasSizeGreaterThanOrEqualTo(20);
    // the table says how it was compiled and what its entries were checked against
    assertThat(defaults.source()).contains("without network access").contains("LiteLLM");
    assertThat(defaults.date()).isNotNull();
    assertThat(defaults.prices())
        .allSatisfy(
            price -> {
              assertThat(price.source()).as(price.model()).startsWith("https://");
              // each entry says what it was checked against, or that it was not checked
              assertThat(price.source())
                  .as(price.model())
                  .containsAnyOf("verified against", "NOT verified");
              assertThat(price.date()).as(price.model()).isNotNull();
              assertThat(price.provider()).as(price.model()).isNotBlank();
            });
    for (String model :
        new String[] {
          "gpt-5",
          "gpt-4.1",
          "gpt-4o",
          "gpt-4o-mini",
          "o3",
          "o4-mini",
          "claude-opus-4-1",
          "claude-sonnet-4-5",
          "claude-haiku-4-5",
          "gemini-2.5-pro",
          "gemini-2.5-flash",
          "mistral-large-latest",
          "deepseek-chat",
          "text-embedding-3-small"
        }) {
      assertThat(defaults.find(model)).as(model).isNotNull();
    }
    assertThat(defaults.find("gpt-4o-2024-11-20").model()).isEqualTo("gpt-4o");
    assertThat(defaults.find("gpt-4o-2024-05-13").input()).isEqualByComparingTo("5.00");
    assertThat(defaults.find("claude-sonnet-4-5-20250929").model()).isEqualTo("claude-sonnet-4-5");
    // mistral-large-latest names Mistral Large 3, no longer Mistral Large 24.11
    assertThat(defaults.find("mistral-large-latest").model()).isEqualTo("mistral-large-2512");
    assertThat(defaults.find("mistral-large-2411").input()).isEqualByComparingTo("2.00");
    assertThat(PriceTable.defaults()).isSameAs(defaults);
  }

  @Test
  void loadsTheToolkitFormatFromAFileAndAStream() throws IOException {
    String json =
        "{\"source\": \"our negotiated prices\", \"date\": \"2026-01-15\", \"currency\": \"USD\",\n"
            + " \"models\": {\n"
            + "  \"gpt-4o\": {\"provider\": \"openai\", \"input\": 2.00, \"output\": 8.00,\n"
            + "             \"cached_input\": 1.00, \"cache_creation_input\": null,\n"
            + "             \"reasoning_output\": null, \"aliases\": [\"prod-chat\"]},\n"
            + "  \"our-finetune\": {\"input\": 0.5, \"output\": 1.5e0,\n"
            + "                   \"source\": \"invoice 42\", \"date\": \"2026-02-01\"}\n"
            + " }}";
    Path file = dir.resolve("prices.json");
    Files.writeString(file, json);

    for (PriceTable table :
        new PriceTable[] {
          PriceTable.load(file),
          PriceTable.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
        }) {
      assertThat(table.source()).isEqualTo("our negotiated prices");
      assertThat(table.date()).isEqualTo(LocalDate.of(2026, 1, 15));
      ModelPrice gpt4o = table.find("prod-chat");
      assertThat(gpt4o.model()).isEqualTo("gpt-4o");
      assertThat(gpt4o.provider()).isEqualTo("openai");
      assertThat(gpt4o.input()).isEqualByComparingTo("2.00");
      assertThat(gpt4o.cachedInput()).isEqualByComparingTo("1.00");
      assertThat(gpt4o.cacheCreationInput()).isNull();
      assertThat(gpt4o.source()).isEqualTo("our negotiated prices");
      assertThat(gpt4o.date()).isEqualTo(LocalDate.of(2026, 1, 15));
      ModelPrice finetune = table.find("our-finetune");
      assertThat(finetune.output()).isEqualByComparingTo("1.5");
      assertThat(finetune.source()).isEqualTo("invoice 42");
      assertThat(finetune.date()).isEqualTo(LocalDate.of(2026, 2, 1));
    }
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"models\": {| not valid JSON: expected a quoted member name at line 1, column 13",
        "{\"models\": {\"m\": {\"output\": 1}}}"
            + "| entry \"m\": \"input\" is missing (US dollars per million tokens)"
            + " at line 1, column 18",
        "{\"models\": {\"m\": {\"input\": -1, \"output\": 1}}}"
            + "| entry \"m\": \"input\"=-1: must not be negative at line 1, column 28",
        "{\"models\": {\"m\": {\"input\": \"cheap\", \"output\": 1}}}"
            + "| entry \"m\": \"input\" must be a number, got \"cheap\" at line 1, column 28",
        "{\"models\": {\"m\": {\"input\": 1, \"output\": 1, \"cached_inpt\": 1}}}"
            + "| entry \"m\": unknown member \"cached_inpt\" (expected one of [provider, input,"
            + " output, cached_input, cache_creation_input, reasoning_output, aliases, source,"
            + " date]) at line 1, column 59",
        "{\"models\": {\"m\": {\"input\": 1, \"output\": 1, \"date\": \"2025-13-01\"}}}"
            + "| entry \"m\": \"date\" must be a date YYYY-MM-DD, got \"2025-13-01\""
            + " at line 1, column 52",
        "{\"currency\": \"EUR\", \"models\": {}}"
            + "| \"currency\" is \"EUR\": only \"USD\" is supported at line 1, column 14",
        "{\"models\": []}| \"models\" must be a JSON object, got an array at line 1, column 12",
        "{\"models\": {\"m\": 3}}| entry \"m\" must be a JSON object, got 3 at line 1, column 18",
        "{\"models\": {\"m\": {\"input\": 1, \"output\": 1}, \"m\": {\"input\": 2, \"output\": 2}}}"
            + "| not valid JSON: duplicate member \"m\" at line 1, column 45",
        "{\"models\": {\"a\": {\"input\": 1, \"output\": 1, \"aliases\": [\"b\"]},"
            + " \"b\": {\"input\": 1, \"output\": 1}}}"
            + "| alias \"b\" of model \"a\" is already the name or alias of another model"
            + " at line 1, column 55",
        "{\"models\": {\"m\": {\"input\": 1, \"output\": 1, \"aliases\": \"m2\"}}}"
            + "| entry \"m\": \"aliases\" must be an array of strings, got \"m2\""
            + " at line 1, column 55",
        "{\"prices\": {}}| unknown member \"prices\" (expected one of [source, date, currency,"
            + " models]) at line 1, column 12",
        "[1, 2]| the document must be a JSON object, got an array at line 1, column 1",
        // absurd prices would make every cost of the model fail later: refused at load
        "{\"models\": {\"m\": {\"input\": 1000001, \"output\": 1}}}"
            + "| entry \"m\": \"input\"=1000001: must be at most 1000000 US dollars per million"
            + " tokens at line 1, column 28",
        "{\"models\": {\"m\": {\"input\": 1, \"output\": 1e-31}}}"
            + "| entry \"m\": \"output\"=1E-31: more than 30 decimal places per million tokens"
            + " at line 1, column 41",
        // an eleven-byte file once took the whole heap (printing it allocates a billion digits)
        "1e999999999| not valid JSON: number 1e999999999 has an exponent beyond 1000 either way"
            + " at line 1, column 1",
        "{\"models\": {\"m\": {\"input\": 1, \"output\": 1e-999999999}}}"
            + "| not valid JSON: number 1e-999999999 has an exponent beyond 1000 either way"
            + " at line 1, column 41",
        "{}| \"models\" is missing at line 1, column 1",
        "{\"models\": {\"\": {\"input\": 1, \"output\": 1}}}"
            + "| entry \"\": model name must not be empty at line 1, column 17"
      })
  void malformedFilesFailWithTheFileTheProblemAndWhereItIs(String json, String problem)
      throws IOException {
    Path file = dir.resolve("bad-prices.json");
    Files.writeString(file, json);
    assertThatThrownBy(() -> PriceTable.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": " + problem.trim());
  }

  @Test
  void problemsAreLocatedByLineAndColumnInMultiLineFiles() throws IOException {
    Path file = dir.resolve("multi-line.json");
    Files.writeString(
        file,
        "{\n"
            + "  \"models\": {\n"
            + "    \"m\": {\n"
            + "      \"input\": 1,\n"
            + "      \"output\": -2\n"
            + "    }\n"
            + "  }\n"
            + "}\n");
    assertThatThrownBy(() -> PriceTable.load(file))
        .hasMessage(
            file + ": entry \"m\": \"output\"=-2: must not be negative at line 5, column 17");
  }

  @Test
  void loadsLiteLlmsPriceFile() throws IOException {
    // a small excerpt in the shape of LiteLLM's model_prices_and_context_window.json
    String json =
        "{\n"
            + "  \"sample_spec\": {\"max_tokens\": \"LEGACY parameter\", \"input_cost_per_token\":"
            + " 0.0, \"output_cost_per_token\": 0.0, \"litellm_provider\": \"one of"
            + " https://docs.litellm.ai/docs/providers\"},\n"
            + "  \"gpt-4o\": {\"max_tokens\": 16384, \"input_cost_per_token\": 2.5e-06,"
            + " \"output_cost_per_token\": 1e-05, \"cache_read_input_token_cost\": 1.25e-06,"
            + " \"litellm_provider\": \"openai\", \"mode\": \"chat\", \"supports_vision\": true},\n"
            + "  \"claude-sonnet-4-20250514\": {\"input_cost_per_token\": 3e-06,"
            + " \"output_cost_per_token\": 1.5e-05, \"cache_creation_input_token_cost\": 3.75e-06,"
            + " \"cache_read_input_token_cost\": 3e-07, \"litellm_provider\": \"anthropic\"},\n"
            + "  \"o1\": {\"input_cost_per_token\": 1.5e-05, \"output_cost_per_token\": 6e-05,"
            + " \"output_cost_per_reasoning_token\": 6e-05, \"litellm_provider\": \"openai\"},\n"
            + "  \"dall-e-3\": {\"input_cost_per_image\": 0.04, \"litellm_provider\": \"openai\","
            + " \"mode\": \"image_generation\"},\n"
            + "  \"text-embedding-3-small\": {\"input_cost_per_token\": 2e-08,"
            + " \"output_cost_per_token\": 0.0, \"litellm_provider\": \"openai\", \"mode\":"
            + " \"embedding\"}\n"
            + "}";
    Path file = dir.resolve("model_prices_and_context_window.json");
    Files.writeString(file, json);

    PriceTable table = PriceTable.loadLiteLlm(file);

    assertThat(table.prices())
        .extracting(ModelPrice::model)
        .containsExactly("gpt-4o", "claude-sonnet-4-20250514", "o1", "text-embedding-3-small");
    ModelPrice gpt4o = table.find("gpt-4o-2024-08-06");
    assertThat(gpt4o.input()).isEqualByComparingTo("2.50");
    assertThat(gpt4o.output()).isEqualByComparingTo("10");
    assertThat(gpt4o.cachedInput()).isEqualByComparingTo("1.25");
    assertThat(gpt4o.provider()).isEqualTo("openai");
    assertThat(gpt4o.source()).contains("LiteLLM").contains(file.toString());
    assertThat(gpt4o.date()).isNull();
    ModelPrice claude = table.find("claude-sonnet-4-20250514");
    assertThat(claude.cacheCreationInput()).isEqualByComparingTo("3.75");
    assertThat(claude.cachedInput()).isEqualByComparingTo("0.30");
    assertThat(table.find("o1").reasoningOutput()).isEqualByComparingTo("60");
    assertThat(table.find("text-embedding-3-small").input()).isEqualByComparingTo("0.02");
    assertThat(table.find("dall-e-3")).isNull();
    assertThat(table.find("sample_spec")).isNull();
    // the same from a stream
    assertThat(
            PriceTable.loadLiteLlm(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
                .prices())
        .hasSize(4);
  }

  @Test
  void malformedLiteLlmFilesFailWithTheFileTheEntryAndWhereItIs() throws IOException {
    Path file = dir.resolve("litellm.json");
    Files.writeString(
        file,
        "{\"gpt-4o\": {\"input_cost_per_token\": \"2.5e-06\", \"output_cost_per_token\": 1e-05}}");
    assertThatThrownBy(() -> PriceTable.loadLiteLlm(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            file
                + ": entry \"gpt-4o\": \"input_cost_per_token\" must be a number, got \"2.5e-06\""
                + " at line 1, column 37");
    Files.writeString(file, "[1, 2]");
    assertThatThrownBy(() -> PriceTable.loadLiteLlm(file))
        .hasMessage(
            file + ": the document must be a JSON object, got an array at line 1, column 1");
    Files.writeString(file, "{\"m\": true}");
    assertThatThrownBy(() -> PriceTable.loadLiteLlm(file))
        .hasMessage(file + ": entry \"m\" must be a JSON object, got true at line 1, column 7");
  }

  @Test
  void aFileThatIsNotUtf8FailsWithTheFileAndThePosition() throws IOException {
    Path file = dir.resolve("latin1.json");
    byte[] bytes =
        "{\"models\": {\"caf\u00e9\": {\"input\": 1, \"output\": 2}}}"
            .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, bytes);
    String problem =
        ": not UTF-8 text: invalid byte sequence (byte offset 16) at line 1, column 17";
    assertThatThrownBy(() -> PriceTable.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + problem);
    assertThatThrownBy(() -> PriceTable.loadLiteLlm(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + problem);
    assertThatThrownBy(() -> PriceTable.load(new ByteArrayInputStream(bytes)))
        .hasMessage("price table stream" + problem);
  }

  @Test
  void aLiteLlmEntryWithAnUnusablePriceIsSkippedWithOneWarningForTheFile() throws IOException {
    Path file = dir.resolve("litellm-absurd.json");
    Files.writeString(
        file,
        "{\"dear\": {\"input_cost_per_token\": 5, \"output_cost_per_token\": 1e-05},\n"
            + " \"gpt-4o\": {\"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\":"
            + " 1e-05},\n"
            + " \"negative\": {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\":"
            + " -1e-06},\n"
            + " \"tiny\": {\"input_cost_per_token\": 1e-37, \"output_cost_per_token\": 0},\n"
            + " \"edge\": {\"input_cost_per_token\": 1, \"output_cost_per_token\": 1e-36}}");
    List<LogRecord> records = new ArrayList<>();
    Logger logger = Logger.getLogger(PriceTable.class.getName());
    Handler capture = capture(records);
    logger.addHandler(capture);
    PriceTable table;
    try {
      table = PriceTable.loadLiteLlm(file);
    } finally {
      logger.removeHandler(capture);
    }
    assertThat(table.prices()).extracting(ModelPrice::model).containsExactly("gpt-4o", "edge");
    assertThat(table.find("edge").input()).isEqualByComparingTo("1000000");
    assertThat(table.find("edge").output()).isEqualByComparingTo("1e-30");
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    assertThat(records.get(0).getMessage())
        .isEqualTo(
            file
                + ": skipped 3 LiteLLM price entries with a price the toolkit does not accept"
                + " (negative, above 1 US dollar per token, or more than 36 decimal places); the"
                + " first: entry \"dear\": \"input_cost_per_token\"=5: above 1 US dollar per"
                + " token at line 1, column 35");
  }

  @Test
  void ourOwnFormatStaysStrictAboutTheSamePrice() throws IOException {
    Path file = dir.resolve("own-absurd.json");
    Files.writeString(
        file,
        "{\"models\": {\"dear\": {\"input\": 5000000, \"output\": 1},"
            + " \"gpt-4o\": {\"input\": 2.5, \"output\": 10}}}");
    assertThatThrownBy(() -> PriceTable.load(file))
        .hasMessage(
            file
                + ": entry \"dear\": \"input\"=5000000: must be at most 1000000 US dollars per"
                + " million tokens at line 1, column 31");
  }

  private static Handler capture(List<LogRecord> into) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        into.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  @Test
  void aByteOrderMarkIsAccepted() throws IOException {
    Path file = dir.resolve("bom.json");
    Files.writeString(file, "\uFEFF{\"models\": {\"m\": {\"input\": 1, \"output\": 2}}}");
    assertThat(PriceTable.load(file).find("m").output()).isEqualByComparingTo("2");
  }

  @Test
  void overridesWinByNameAndAlias() {
    PriceTable overrides =
        PriceTable.of(
            ModelPrice.perMillionTokens("gpt-4o", "2.00", "8.00").source("contract"),
            ModelPrice.perMillionTokens("new-model", "1", "1").aliases("gpt-4o-latest"));
    PriceTable combined = TABLE.withOverrides(overrides);
    assertThat(combined.find("gpt-4o").source()).isEqualTo("contract");
    assertThat(combined.find("gpt-4o-2024-08-06").input()).isEqualByComparingTo("2.00");
    assertThat(combined.find("gpt-4o-latest").model()).isEqualTo("new-model");
    assertThat(combined.find("claude-sonnet-4").model()).isEqualTo("claude-sonnet-4");
    assertThat(combined.prices()).hasSize(TABLE.prices().size() + 1);
    // the original is unchanged
    assertThat(TABLE.find("gpt-4o").input()).isEqualByComparingTo("2.50");
  }

  @Test
  void invalidPricesAreRejected() {
    assertThatThrownBy(() -> ModelPrice.perMillionTokens("m", "-1", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("price of m: input=-1: must not be negative");
    assertThatThrownBy(() -> ModelPrice.perMillionTokens("m", "1", "1000000.01"))
        .hasMessage(
            "price of m: output=1000000.01: must be at most 1000000 US dollars per million tokens");
    assertThat(
            ModelPrice.perMillionTokens("m", "1000000", "0.000000000000000000000000000001").input())
        .isEqualByComparingTo("1000000");
    assertThatThrownBy(
            () ->
                PriceTable.of(
                    ModelPrice.perMillionTokens("m", "1", "1"),
                    ModelPrice.perMillionTokens("m", "2", "2")))
        .hasMessageContaining("model \"m\" appears twice");
  }
}
