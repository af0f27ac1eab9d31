package dev.oteltoolkit.benchmarks.pipeline;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;

/**
 * The same telemetry as the toolkit's and the agent's, written by hand on the OpenTelemetry SDK the
 * way a careful team would: the SDK from {@code AutoConfiguredOpenTelemetrySdk} (OTLP over gRPC,
 * parent-based ratio sampling, no log export; the SDK's own batch defaults), then
 *
 * <ul>
 *   <li>a {@link Filter} on the route: W3C context extracted from the headers, a SERVER span {@code
 *       GET /order} with the HTTP server attributes, the ids in the MDC ({@code trace_id}, {@code
 *       span_id}, {@code trace_flags}) while the request runs, and {@code
 *       http.server.request.duration};
 *   <li>a CLIENT span {@code SELECT orders} around the query with the database attributes (the
 *       query text with its literal replaced, written as a constant) and {@code
 *       db.client.operation.duration};
 *   <li>a CLIENT span {@code chat gpt-4o} around the completion with the GenAI request and response
 *       attributes and token usage, {@code gen_ai.client.operation.duration} and {@code
 *       gen_ai.client.token.usage}.
 * </ul>
 */
final class HandBuiltStack implements ServiceStack {

  static final String SCOPE = "dev.oteltoolkit.benchmarks.handbuilt";

  private static final AttributeKey<String> HTTP_REQUEST_METHOD = stringKey("http.request.method");
  private static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      longKey("http.response.status_code");
  private static final AttributeKey<String> HTTP_ROUTE = stringKey("http.route");
  private static final AttributeKey<String> URL_SCHEME = stringKey("url.scheme");
  private static final AttributeKey<String> URL_PATH = stringKey("url.path");
  private static final AttributeKey<String> URL_QUERY = stringKey("url.query");
  private static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
  private static final AttributeKey<String> CLIENT_ADDRESS = stringKey("client.address");
  private static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      stringKey("network.peer.address");
  private static final AttributeKey<Long> NETWORK_PEER_PORT = longKey("network.peer.port");
  private static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      stringKey("network.protocol.version");
  private static final AttributeKey<String> USER_AGENT = stringKey("user_agent.original");
  private static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
  private static final AttributeKey<String> DB_SYSTEM_NAME = stringKey("db.system.name");
  private static final AttributeKey<String> DB_QUERY_TEXT = stringKey("db.query.text");
  private static final AttributeKey<String> DB_OPERATION_NAME = stringKey("db.operation.name");
  private static final AttributeKey<String> DB_COLLECTION_NAME = stringKey("db.collection.name");
  private static final AttributeKey<String> GEN_AI_OPERATION = stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> GEN_AI_PROVIDER = stringKey("gen_ai.provider.name");
  private static final AttributeKey<String> GEN_AI_REQUEST_MODEL =
      stringKey("gen_ai.request.model");
  private static final AttributeKey<Double> GEN_AI_TEMPERATURE =
      doubleKey("gen_ai.request.temperature");
  private static final AttributeKey<Long> GEN_AI_MAX_TOKENS = longKey("gen_ai.request.max_tokens");
  private static final AttributeKey<String> GEN_AI_RESPONSE_ID = stringKey("gen_ai.response.id");
  private static final AttributeKey<String> GEN_AI_RESPONSE_MODEL =
      stringKey("gen_ai.response.model");
  private static final AttributeKey<List<String>> GEN_AI_FINISH_REASONS =
      stringArrayKey("gen_ai.response.finish_reasons");
  private static final AttributeKey<Long> GEN_AI_INPUT_TOKENS =
      longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS =
      longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<String> GEN_AI_TOKEN_TYPE = stringKey("gen_ai.token.type");

  /** {@link StackService#SELECT_ORDER} with its literal replaced, as the wrappers record it. */
  private static final String QUERY_TEXT =
      "SELECT status, total FROM orders WHERE id = ? AND region = ?";

  private static final Attributes DB_ATTRIBUTES =
      Attributes.of(
          DB_SYSTEM_NAME, "h2", DB_OPERATION_NAME, "SELECT", DB_COLLECTION_NAME, "orders");

  private static final TextMapGetter<HttpExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange exchange) {
          return exchange.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpExchange exchange, String key) {
          return exchange == null ? null : exchange.getRequestHeaders().getFirst(key);
        }
      };

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final DoubleHistogram serverDuration;
  private final DoubleHistogram dbDuration;
  private final DoubleHistogram chatDuration;
  private final LongHistogram tokenUsage;
  private final String chatServerAddress;
  private final long chatServerPort;

  HandBuiltStack(double sampling, String endpoint, String run, String openAiBaseUrl) {
    URI base = URI.create(openAiBaseUrl);
    chatServerAddress = base.getHost();
    chatServerPort = base.getPort();
    sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.service.name",
                        StackComparison.SERVICE_NAME,
                        "otel.resource.attributes",
                        ExportReceiver.RUN_KEY + "=" + run,
                        "otel.exporter.otlp.endpoint",
                        endpoint,
                        "otel.exporter.otlp.protocol",
                        "grpc",
                        "otel.traces.sampler",
                        "parentbased_traceidratio",
                        "otel.traces.sampler.arg",
                        Double.toString(sampling),
                        "otel.logs.exporter",
                        "none"))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    tracer = sdk.getTracer(SCOPE);
    propagator = sdk.getPropagators().getTextMapPropagator();
    Meter meter = sdk.getMeter(SCOPE);
    serverDuration =
        meter
            .histogramBuilder("http.server.request.duration")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(
                List.of(
                    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5,
                    10.0))
            .build();
    dbDuration =
        meter
            .histogramBuilder("db.client.operation.duration")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(
                List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0))
            .build();
    chatDuration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(
                List.of(
                    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
                    81.92))
            .build();
    tokenUsage =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .setUnit("{token}")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(
                List.of(
                    1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L,
                    4194304L, 16777216L, 67108864L))
            .build();
  }

  @Override
  public void instrument(HttpContext orders) {
    orders.getFilters().add(new ServerSpans());
  }

  @Override
  public ResultSet executeQuery(PreparedStatement statement) throws SQLException {
    long start = System.nanoTime();
    Span span =
        tracer
            .spanBuilder("SELECT orders")
            .setSpanKind(SpanKind.CLIENT)
            .setAllAttributes(DB_ATTRIBUTES)
            .setAttribute(DB_QUERY_TEXT, QUERY_TEXT)
            .startSpan();
    Attributes metricAttributes = DB_ATTRIBUTES;
    try (Scope ignored = span.makeCurrent()) {
      return statement.executeQuery();
    } catch (SQLException | RuntimeException e) {
      String type = e.getClass().getName();
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(ERROR_TYPE, type);
      metricAttributes = DB_ATTRIBUTES.toBuilder().put(ERROR_TYPE, type).build();
      throw e;
    } finally {
      span.end();
      dbDuration.record((System.nanoTime() - start) / 1e9, metricAttributes);
    }
  }

  @Override
  public ChatCompletion chat(OpenAIClient client, ChatCompletionCreateParams params) {
    long start = System.nanoTime();
    String model = params.model().asString();
    var builder =
        tracer
            .spanBuilder("chat " + model)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(GEN_AI_OPERATION, "chat")
            .setAttribute(GEN_AI_PROVIDER, "openai")
            .setAttribute(GEN_AI_REQUEST_MODEL, model)
            .setAttribute(SERVER_ADDRESS, chatServerAddress)
            .setAttribute(SERVER_PORT, chatServerPort);
    params.temperature().ifPresent(t -> builder.setAttribute(GEN_AI_TEMPERATURE, t));
    params.maxCompletionTokens().ifPresent(t -> builder.setAttribute(GEN_AI_MAX_TOKENS, t));
    Span span = builder.startSpan();
    String responseModel = null;
    String errorType = null;
    try (Scope ignored = span.makeCurrent()) {
      ChatCompletion completion = client.chat().completions().create(params);
      responseModel = completion.model();
      span.setAttribute(GEN_AI_RESPONSE_ID, completion.id());
      span.setAttribute(GEN_AI_RESPONSE_MODEL, responseModel);
      List<String> reasons = new ArrayList<>(completion.choices().size());
      for (ChatCompletion.Choice choice : completion.choices()) {
        reasons.add(choice.finishReason().asString());
      }
      span.setAttribute(GEN_AI_FINISH_REASONS, reasons);
      if (completion.usage().isPresent()) {
        CompletionUsage usage = completion.usage().get();
        span.setAttribute(GEN_AI_INPUT_TOKENS, usage.promptTokens());
        span.setAttribute(GEN_AI_OUTPUT_TOKENS, usage.completionTokens());
        Attributes base =
            Attributes.of(
                GEN_AI_OPERATION,
                "chat",
                GEN_AI_PROVIDER,
                "openai",
                GEN_AI_REQUEST_MODEL,
                model,
                GEN_AI_RESPONSE_MODEL,
                responseModel);
        tokenUsage.record(
            usage.promptTokens(), base.toBuilder().put(GEN_AI_TOKEN_TYPE, "input").build());
        tokenUsage.record(
            usage.completionTokens(), base.toBuilder().put(GEN_AI_TOKEN_TYPE, "output").build());
      }
      return completion;
    } catch (RuntimeException e) {
      errorType = e.getClass().getName();
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(ERROR_TYPE, errorType);
      throw e;
    } finally {
      span.end();
      var attributes =
          Attributes.builder()
              .put(GEN_AI_OPERATION, "chat")
              .put(GEN_AI_PROVIDER, "openai")
              .put(GEN_AI_REQUEST_MODEL, model);
      if (responseModel != null) {
        attributes.put(GEN_AI_RESPONSE_MODEL, responseModel);
      }
      if (errorType != null) {
        attributes.put(ERROR_TYPE, errorType);
      }
      chatDuration.record((System.nanoTime() - start) / 1e9, attributes.build());
    }
  }

  @Override
  public Boolean shutdown(Duration timeout) {
    boolean flushed =
        sdk.getSdkTracerProvider()
            .forceFlush()
            .join(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .isSuccess();
    return sdk.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess() && flushed;
  }

  /** The SERVER span, the MDC keys and the server duration of each request. */
  private final class ServerSpans extends Filter {

    @Override
    public String description() {
      return "hand-built OpenTelemetry server spans";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      long start = System.nanoTime();
      Context parent = propagator.extract(Context.root(), exchange, HEADERS);
      String method = exchange.getRequestMethod();
      InetSocketAddress local = exchange.getLocalAddress();
      InetSocketAddress remote = exchange.getRemoteAddress();
      URI uri = exchange.getRequestURI();
      var builder =
          tracer
              .spanBuilder(method + " " + StackService.ROUTE)
              .setParent(parent)
              .setSpanKind(SpanKind.SERVER)
              .setAttribute(HTTP_REQUEST_METHOD, method)
              .setAttribute(URL_SCHEME, "http")
              .setAttribute(URL_PATH, uri.getRawPath())
              .setAttribute(HTTP_ROUTE, StackService.ROUTE)
              .setAttribute(SERVER_ADDRESS, local.getHostString())
              .setAttribute(SERVER_PORT, (long) local.getPort())
              .setAttribute(CLIENT_ADDRESS, remote.getAddress().getHostAddress())
              .setAttribute(NETWORK_PEER_ADDRESS, remote.getAddress().getHostAddress())
              .setAttribute(NETWORK_PEER_PORT, (long) remote.getPort())
              .setAttribute(NETWORK_PROTOCOL_VERSION, "1.1");
      if (uri.getRawQuery() != null) {
        builder.setAttribute(URL_QUERY, uri.getRawQuery());
      }
      String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
      if (userAgent != null) {
        builder.setAttribute(USER_AGENT, userAgent);
      }
      Span span = builder.startSpan();
      SpanContext ids = span.getSpanContext();
      int status = 500;
      String errorType = null;
      try (Scope ignored = span.makeCurrent()) {
        MDC.put("trace_id", ids.getTraceId());
        MDC.put("span_id", ids.getSpanId());
        MDC.put("trace_flags", ids.getTraceFlags().asHex());
        chain.doFilter(exchange);
        status = exchange.getResponseCode();
      } catch (IOException | RuntimeException e) {
        errorType = e.getClass().getName();
        span.recordException(e);
        throw e;
      } finally {
        MDC.remove("trace_id");
        MDC.remove("span_id");
        MDC.remove("trace_flags");
        span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
        if (errorType == null && status >= 500) {
          errorType = Integer.toString(status);
        }
        var attributes =
            Attributes.builder()
                .put(HTTP_REQUEST_METHOD, method)
                .put(HTTP_ROUTE, StackService.ROUTE)
                .put(URL_SCHEME, "http")
                .put(NETWORK_PROTOCOL_VERSION, "1.1")
                .put(HTTP_RESPONSE_STATUS_CODE, (long) status);
        if (errorType != null) {
          span.setStatus(StatusCode.ERROR);
          span.setAttribute(ERROR_TYPE, errorType);
          attributes.put(ERROR_TYPE, errorType);
        }
        span.end();
        serverDuration.record((System.nanoTime() - start) / 1e9, attributes.build());
      }
    }
  }
}
