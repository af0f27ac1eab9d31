package dev.oteltoolkit.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The price files of issue 23, each of which once crashed or stalled a load: every one now fails
 * with an {@link IllegalArgumentException} that names the file and where the problem is, in a
 * message of at most {@value #MAX_MESSAGE} characters. {@link PriceTableFuzzTest} times them and
 * their mutations.
 */
class HostilePriceFilesTest {

  static final int MAX_MESSAGE = 512;

  @TempDir Path dir;

  @Test
  void elevenBytesFailInsteadOfFillingTheHeap() throws IOException {
    // was: OutOfMemoryError (the error message printed the value's billion digits)
    String problem =
        ": not valid JSON: number 1e999999999 has an exponent beyond 1000 either way at line 1,"
            + " column 1";
    Path file = write("eleven.json", "1e999999999");
    assertThat(Files.size(file)).isEqualTo(11);
    refused(() -> PriceTable.load(file), file + problem);
    refused(() -> PriceTable.loadLiteLlm(file), file + problem);
    refused(() -> PriceTable.load(stream("1e999999999")), "price table stream" + problem);
    refused(() -> PriceTable.loadLiteLlm(stream("1e999999999")), "LiteLLM price stream" + problem);
  }

  @Test
  void thirteenBytesFailInsteadOfANegativeArraySize() throws IOException {
    // was: NegativeArraySizeException on JDK 17 (a plain string of 2^31 digits)
    Path file = write("thirteen.json", "-1e2147483647");
    String problem =
        ": not valid JSON: number -1e2147483647 has an exponent beyond 1000 either way at line 1,"
            + " column 1";
    refused(() -> PriceTable.load(file), file + problem);
    refused(() -> PriceTable.loadLiteLlm(file), file + problem);
  }

  @Test
  void aLiteLlmPriceWithAHugeExponentFailsWithABoundedMessage() throws IOException {
    // was: ArithmeticException (1e999999999), or 15 s and a message of 10 million characters
    // (1e10000000: movePointRight wrote out every digit), or the same for a negative price
    for (String price : new String[] {"1e999999999", "1e10000000", "-1e9999999", "1e-2147483647"}) {
      Path file =
          write(
              "litellm-exponent.json",
              "{\"m\": {\"input_cost_per_token\": " + price + ", \"output_cost_per_token\": 1}}");
      refused(
          () -> PriceTable.loadLiteLlm(file),
          file
              + ": not valid JSON: number "
              + price
              + " has an exponent beyond 1000 either way at line 1, column 32");
    }
  }

  @Test
  void theLargestExponentsAcceptedStillFailFastAsPrices() throws IOException {
    Path own = write("own.json", "{\"models\": {\"m\": {\"input\": 1e1000, \"output\": 1e-1000}}}");
    refused(
        () -> PriceTable.load(own),
        own
            + ": entry \"m\": \"input\"=1E+1000: must be at most 1000000 US dollars per million"
            + " tokens at line 1, column 28");
    Path lite =
        write(
            "lite.json",
            "{\"m\": {\"input_cost_per_token\": 1e-1000, \"output_cost_per_token\": 1e1000},"
                + " \"n\": {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06}}");
    // a third-party file: the entry is skipped (one warning), the others load
    assertThat(PriceTable.loadLiteLlm(lite).prices())
        .extracting(ModelPrice::model)
        .containsExactly("n");
  }

  @Test
  void aHundredKilobytePriceLiteralFailsAtTheNumber() throws IOException {
    // was: 27 s on JDK 17 (trailing zeros stripped one division at a time, once per builder copy)
    String literal = "1." + "0".repeat(100_000);
    Path own =
        write(
            "own-100k.json", "{\"models\": {\"m\": {\"input\": " + literal + ", \"output\": 1}}}");
    refused(
        () -> PriceTable.load(own),
        own
            + ": not valid JSON: number literal of 100002 characters (at most 100 accepted)"
            + " at line 1, column 28");
    Path lite =
        write(
            "lite-100k.json",
            "{\"m\": {\"input_cost_per_token\": 1"
                + "0".repeat(100_000)
                + "e-100006, \"output_cost_per_token\": 1}}");
    refused(
        () -> PriceTable.loadLiteLlm(lite),
        lite
            + ": not valid JSON: number literal of 100009 characters (at most 100 accepted)"
            + " at line 1, column 32");
  }

  @Test
  void aHundredThousandDigitPriceInCodeIsRefusedWithABoundedMessage() {
    BigDecimal huge = new BigDecimal("1." + "0".repeat(100_000));
    assertThatThrownBy(() -> ModelPrice.perMillionTokens("m", huge, BigDecimal.ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("price of m: input=(too long to show): written with more than 100 digits");
    assertThatThrownBy(
            () ->
                ModelPrice.perMillionTokens("m", BigDecimal.ONE, BigDecimal.ONE).cachedInput(huge))
        .hasMessage(
            "price of m: cached_input=(too long to show): written with more than 100 digits");
    // 41 to 100 digits are shown rounded
    BigDecimal long60 = new BigDecimal("0." + "1".repeat(59));
    assertThatThrownBy(() -> ModelPrice.perMillionTokens("m", long60, BigDecimal.ONE))
        .hasMessage(
            "price of m: input=0.111111111111 (rounded, 59 digits): more than 30 decimal places"
                + " per million tokens");
  }

  @Test
  void trailingZerosBeyondThirtyDecimalPlacesKeepTheValue() {
    BigDecimal zeros = new BigDecimal("2.5" + "0".repeat(60));
    ModelPrice price = ModelPrice.perMillionTokens("m", zeros, new BigDecimal("0E-999999999"));
    assertThat(price.input()).isEqualTo(new BigDecimal("2.5"));
    assertThat(price.output()).isSameAs(BigDecimal.ZERO);
    assertThat(price.toString()).hasSizeLessThan(100);
    assertThat(price.cost(1_000_000, 1_000_000, 0, 0, 0)).isEqualByComparingTo("2.5");
  }

  @Test
  void longNamesAndValuesAreCutInMessages() throws IOException {
    String model = "m".repeat(100_000);
    Path file =
        write(
            "long-name.json",
            "{\"models\": {\""
                + model
                + "\": {\"input\": 1, \"output\": \""
                + "x".repeat(100_000)
                + "\"}}}");
    refused(
        () -> PriceTable.load(file),
        file
            + ": entry \""
            + "m".repeat(64)
            + "...\": \"output\" must be a number, got \""
            + "x".repeat(64)
            + "...\" at line 1, column "
            + (100_000 + 40));
    assertThatThrownBy(() -> ModelPrice.perMillionTokens(model, "-1", "1"))
        .hasMessage("price of " + "m".repeat(64) + "...: input=-1: must not be negative");
  }

  @Test
  void aFileLargerThanTheLimitFailsBeforeItIsRead() throws IOException {
    Path file = dir.resolve("huge.json");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(PriceTable.MAX_FILE_BYTES + 1L);
    }
    String problem = ": larger than 67108864 bytes (64 MiB), the most a price table may have";
    refused(() -> PriceTable.load(file), file + problem);
    refused(() -> PriceTable.loadLiteLlm(file), file + problem);
    // a stream is read up to the limit, never further
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return ' ';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) ' ');
            return len;
          }
        };
    refused(() -> PriceTable.load(endless), "price table stream" + problem);
  }

  @Test
  void aLongPathIsCutFromTheStart() throws IOException {
    Path deep = dir;
    for (int i = 0; i < 8; i++) {
      deep = deep.resolve("a-rather-long-directory-name-" + i);
    }
    Files.createDirectories(deep);
    Path file = Files.writeString(deep.resolve("prices.json"), "[]");
    String name = file.toString();
    assertThat(name.length()).isGreaterThan(160);
    refused(
        () -> PriceTable.load(file),
        "..."
            + name.substring(name.length() - 157)
            + ": the document must be a JSON object, got an array at line 1, column 1");
  }

  private Path write(String name, String json) throws IOException {
    return Files.writeString(dir.resolve(name), json);
  }

  private static InputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void refused(ThrowingCallable load, String message) {
    assertThatThrownBy(load)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(MAX_MESSAGE));
  }
}
