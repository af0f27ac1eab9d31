package dev.oteltoolkit.ai.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import dev.oteltoolkit.ai.GenAiTelemetry;
import dev.oteltoolkit.ai.GenAiTelemetryBuilder;
import dev.oteltoolkit.ai.ModelPrice;
import dev.oteltoolkit.ai.PriceTable;
import dev.oteltoolkit.api.Tracing;
import dev.oteltoolkit.testing.TelemetryExtension;
import io.opentelemetry.api.OpenTelemetry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unmodified OpenAI SDK client (OkHttp) against the in-process fake server, wrapped by {@link
 * OpenAiTelemetry} over the toolkit's telemetry from the test kit (a fresh one per test). Prices
 * are the tests' own table, so expected costs are literal values independent of the shipped prices.
 */
abstract class OpenAiTestBase {

  /** Per million tokens: input 0.15, cached 0.075, output 0.60. */
  static final ModelPrice GPT_4O_MINI =
      ModelPrice.perMillionTokens("gpt-4o-mini", "0.15", "0.60")
          .cachedInput(new BigDecimal("0.075"));

  /** Per million tokens: input 1.10, output 4.40, reasoning 5.00 (a price of the tests' own). */
  static final ModelPrice O4_MINI =
      ModelPrice.perMillionTokens("o4-mini", "1.10", "4.40")
          .reasoningOutput(new BigDecimal("5.00"));

  /** Per million tokens: input 0.02. */
  static final ModelPrice EMBEDDING_SMALL =
      ModelPrice.perMillionTokens("text-embedding-3-small", "0.02", "0");

  static final PriceTable PRICES = PriceTable.of(GPT_4O_MINI, O4_MINI, EMBEDDING_SMALL);

  @RegisterExtension
  final TelemetryExtension otel = TelemetryExtension.builder().global(false).build();

  final FakeOpenAi server = new FakeOpenAi();
  final Tracing tracing = otel.tracing();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** The OpenTelemetry the instrumentation under test records into. */
  OpenTelemetry openTelemetry() {
    return otel.openTelemetry();
  }

  GenAiTelemetryBuilder genAi() {
    return GenAiTelemetry.builder(openTelemetry()).priceTable(PRICES);
  }

  /** A raw SDK client to the fake server, no retries (tests that retry say so). */
  OpenAIClient rawClient() {
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.baseUrl())
            .apiKey("sk-test")
            .maxRetries(0)
            .build();
    closeables.add(client::close);
    return client;
  }

  OpenAIClientAsync rawAsyncClient() {
    OpenAIClientAsync client =
        OpenAIOkHttpClientAsync.builder()
            .baseUrl(server.baseUrl())
            .apiKey("sk-test")
            .maxRetries(0)
            .build();
    closeables.add(client::close);
    return client;
  }

  OpenAIClient client() {
    return OpenAiTelemetry.create(genAi().build()).wrap(rawClient());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    server.close();
  }
}
